import type { ApiErrorBody } from "../core/api-types";
import { TendError } from "../core/errors";
import { stripSgr } from "../core/sgr";

type ErrorDocument = ApiErrorBody["error"];

/**
 * Turns any error into the one line the user sees (`tend: …`) and an exit code. Errors we
 * raise on purpose carry their own code; citty's argument errors are usage errors; anything
 * else is a bug, shown with its stack only under --debug. Under `--json` stdout gets the same
 * error as a document (`{"error":{"code","message","hint"}}`, the control API's shape), so a
 * script reading stdout always has JSON to parse.
 */
export function reportError(error: unknown, debug: boolean, json: boolean): number {
  const write = (s: string) => process.stderr.write(`${s}\n`);
  const { document, exitCode, line, stack } = describe(error, debug);
  write(line);
  if (stack) write(stack);
  if (json) process.stdout.write(`${JSON.stringify({ error: document })}\n`);
  return exitCode;
}

function describe(error: unknown, debug: boolean): { document: ErrorDocument; exitCode: number; line: string; stack: string | null } {
  if (error instanceof TendError) {
    return {
      document: { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) },
      exitCode: error.exitCode,
      line: `tend: ${error.message}${error.hint ? ` (${error.hint})` : ""}`,
      stack: debug ? (error.stack ?? null) : null,
    };
  }
  const e = error as { name?: string; code?: string; message?: string; stack?: string };
  if (e?.name === "ConfigError") {
    return { document: { code: "config", message: String(e.message) }, exitCode: 2, line: `tend: ${e.message}`, stack: null };
  }
  if (e?.name === "CLIError") {
    // citty colours parts of its messages; the terminal line must stay plain.
    const message = stripSgr(String(e.message));
    return { document: { code: "usage", message, hint: 'see "tend --help"' }, exitCode: 2, line: `tend: ${message} (see "tend --help")`, stack: null };
  }
  const message = `unexpected error: ${e?.message ?? String(error)}`;
  return {
    document: { code: "internal", message },
    exitCode: 1,
    line: `tend: ${message}${debug ? "" : " (run with --debug for details)"}`,
    stack: debug ? (e?.stack ?? null) : null,
  };
}
