import { UsageError } from "../core/errors";

export const DEFAULT_DETACH_KEY = "ctrl-\\";

/** Keys that are also Escape, Tab, Enter or Ctrl-J: taking them would make typing impossible. */
const TAKEN: Record<string, string> = { "[": "Escape (and starts every arrow key)", i: "Tab", j: "Ctrl-J (newline)", m: "Enter" };

/** `ctrl-\`, `ctrl-]`, `ctrl-a`…`ctrl-z`, `ctrl-^`, `ctrl-_` → the byte the terminal sends for it. */
export function parseDetachKey(name: string): number {
  const m = /^ctrl-(.)$/i.exec(name.trim());
  const key = m?.[1]?.toLowerCase();
  const hint = 'use e.g. ctrl-\\ (the default), ctrl-] or ctrl-a…ctrl-z';
  if (key === undefined || !/^[a-z\\\]^_[]$/.test(key)) throw new UsageError(`unknown detach key "${name}"`, hint);
  if (TAKEN[key]) throw new UsageError(`detach key ${name} is ${TAKEN[key]}`, hint);
  return key.toUpperCase().charCodeAt(0) & 0x1f;
}

export function keyLabel(name: string): string {
  return `Ctrl-${name.trim().slice(-1).toUpperCase()}`;
}
