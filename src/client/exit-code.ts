import { signalNumber } from "../platform/process-group";

/** The exit status a shell would give: the code, or 128 + the signal's number. */
export function shellExitCode(code: number | null, signal: string | number | null): number {
  if (code !== null) return code;
  if (typeof signal === "number") return 128 + signal;
  if (signal) return 128 + (signalNumber(signal) ?? 0);
  return 1;
}
