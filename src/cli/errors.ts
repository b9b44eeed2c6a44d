import { TendError } from "../core/errors";

/**
 * Turns any error into the one line the user sees (`tend: …`) and an exit code. Errors we
 * raise on purpose carry their own code; citty's argument errors are usage errors; anything
 * else is a bug, shown with its stack only under --debug.
 */
export function reportError(error: unknown, debug: boolean): number {
  const write = (s: string) => process.stderr.write(`${s}\n`);
  if (error instanceof TendError) {
    write(`tend: ${error.message}${error.hint ? ` (${error.hint})` : ""}`);
    if (debug && error.stack) write(error.stack);
    return error.exitCode;
  }
  const e = error as { name?: string; code?: string; message?: string; stack?: string };
  if (e?.name === "ConfigError") {
    write(`tend: ${e.message}`);
    return 2;
  }
  if (e?.name === "CLIError") {
    // citty colours parts of its messages; the terminal line must stay plain.
    write(`tend: ${String(e.message).replace(/\x1b\[[0-9;]*m/g, "")} (see "tend --help")`);
    return 2;
  }
  write(`tend: unexpected error: ${e?.message ?? String(error)}${debug ? "" : " (run with --debug for details)"}`);
  if (debug && e?.stack) write(e.stack);
  return 1;
}
