/**
 * An error meant for the person at the terminal: one line saying what went wrong and why,
 * plus a hint saying what to do. The CLI prints it without a stack trace.
 */
export class TendError extends Error {
  constructor(
    message: string,
    readonly code: string,
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
