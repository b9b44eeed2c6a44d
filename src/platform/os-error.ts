/** What the OS said ("read-only file system"), without the syscall and path Node's message adds. */
export function osErrorText(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const m = /^[A-Z]+: ([^,]+)/.exec(e?.message ?? "");
  return m?.[1] ?? e?.message ?? String(error);
}
