import { LogHistory } from "./log-files";

/** The last `n` lines a process wrote (both streams, in order), from its log files. */
export function lastLoggedLines(logsDir: string, name: string, n: number): string[] {
  const history = new LogHistory(logsDir, name, { tail: n });
  const lines: string[] = [];
  for (let line = history.next(); line; line = history.next()) lines.push(line.text);
  return lines;
}
