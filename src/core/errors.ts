/**
 * Every error code tend uses. Codes the control API sends carry their HTTP status (docs/api.md
 * lists exactly these); the rest are raised on this side of the socket and have none.
 */
export const ERROR_CODES = {
  bad_request: 400,
  not_found: 404,
  method_not_allowed: 405,
  name_taken: 409,
  not_attachable: 409,
  no_screen: 409,
  spawn_failed: 422,
  sandbox_unavailable: 422,
  internal: 500,
  shutting_down: 503,

  /** A bad command line. */
  usage: null,
  /** A config file that cannot be read or does not validate. */
  config: null,
  /** No supervisor listens on the socket. */
  unreachable: null,
  /** A supervisor is alive but gave no answer in time (frozen, or overloaded). */
  not_answering: null,
  /** The supervisor answered something that is not the API. */
  bad_response: null,
  /** A streamed answer (logs) stopped in the middle. */
  stream_broken: null,
  /** A supervisor could not be started. */
  supervisor_failed: null,
  /** Another supervisor already holds the state folder. */
  already_running: null,
  /** The command needs what this operating system lacks. */
  unsupported_platform: null,
  /** The command needs a running supervisor and none runs. */
  not_running: null,
  /** The attach connection could not be opened. */
  attach_failed: null,
  /** The state folder, or something in it, is not the user's own to trust. */
  untrusted_home: null,
} as const satisfies Record<string, number | null>;

export type ErrorCode = keyof typeof ERROR_CODES;
/** The codes the control API can answer with. */
export type ApiErrorCode = { [C in ErrorCode]: (typeof ERROR_CODES)[C] extends number ? C : never }[ErrorCode];

/** The HTTP status of an API error; an error of this side that reaches the API is a bug there. */
export function httpStatus(code: ErrorCode): number {
  return ERROR_CODES[code] ?? ERROR_CODES.internal;
}

export function isApiErrorCode(code: string): code is ApiErrorCode {
  return typeof (ERROR_CODES as Record<string, number | null>)[code] === "number";
}

/**
 * An error meant for the person at the terminal: one line saying what went wrong and why,
 * plus a hint saying what to do. The CLI prints it without a stack trace.
 */
export class TendError extends Error {
  constructor(
    message: string,
    readonly code: ErrorCode,
    readonly hint?: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = "TendError";
  }
}

/** Bad command line: unknown command or flag, bad value. Exit code 2. */
export class UsageError extends TendError {
  constructor(message: string, hint?: string) {
    super(message, "usage", hint, 2);
    this.name = "UsageError";
  }
}

/** A request the API refuses as malformed or invalid: nothing was created or changed. */
export function badRequest(message: string, hint?: string): TendError {
  return new TendError(message, "bad_request", hint);
}

/** Worktree mode gives each process a checkout of the repository `dir` is in. */
export function worktreeNeedsRepository(dir: string): TendError {
  return new TendError(`--spawn-mode worktree needs a git repository, and ${dir} is not in one`, "usage", "run it in a repository, or pass --dir", 2);
}

/** Throws the not-found error for the first of `names` that is not `known`. */
export function requireKnown(names: readonly string[], known: readonly string[]): void {
  const missing = names.find((n) => !known.includes(n));
  if (missing !== undefined) throw processNotFound(missing, known);
}

/** The one answer to a name that names no process, wherever it is asked. */
export function processNotFound(name: string, known: readonly string[]): TendError {
  return new TendError(
    `no process named "${name}"`,
    "not_found",
    known.length > 0 ? `known: ${known.join(", ")}` : 'there are no processes; start one with "tend bg" or "tend start"',
  );
}
