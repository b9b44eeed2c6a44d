import { selfCommand } from "../client/launch";
import { printable } from "./text";

export interface OutputLine {
  text: string;
  error: boolean;
}

export interface CommandRun {
  argv: string[];
  lines: OutputLine[];
  /** null while it runs. */
  exitCode: number | null;
  cancel(): void;
  done: Promise<number>;
}

/** Output kept of one command (`:logs --all` of a big home can be long). */
const KEPT_LINES = 5000;

/**
 * Runs `tend ARGV…` — the same executable, so the real command table with its parsing, checks
 * and messages — as a child with its output captured for the UI to show. A child of its own, so
 * nothing a command does to its process (signal handlers, exit codes, exiting on a closed
 * reader) reaches the UI, and a command that goes on (`logs -f`) can be cancelled.
 */
export function runCommand(argv: string[], changed: () => void): CommandRun {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1" };
  delete env.FORCE_COLOR;
  const child = Bun.spawn({ cmd: [...selfCommand(), ...argv], env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const run: CommandRun = {
    argv,
    lines: [],
    exitCode: null,
    cancel: () => child.kill("SIGINT"),
    done: Promise.resolve(0),
  };
  const read = async (stream: ReadableStream<Uint8Array>, error: boolean) => {
    const decoder = new TextDecoder();
    let rest = "";
    const take = (text: string) => {
      const parts = (rest + text).split("\n");
      rest = parts.pop()!;
      for (const p of parts) run.lines.push({ text: printable(p), error });
      if (run.lines.length > KEPT_LINES) run.lines.splice(0, run.lines.length - KEPT_LINES);
      if (parts.length > 0) changed();
    };
    for await (const chunk of stream) take(decoder.decode(chunk, { stream: true }));
    take(decoder.decode());
    if (rest) run.lines.push({ text: printable(rest), error });
  };
  run.done = Promise.all([read(child.stdout, false), read(child.stderr, true), child.exited]).then(([, , code]) => {
    run.exitCode = code;
    changed();
    return code;
  });
  return run;
}
