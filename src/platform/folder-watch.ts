import { watch, type FSWatcher } from "node:fs";

/**
 * Calls `onChange` whenever an entry of `dir` itself is created, renamed or written (not of the
 * folders below it); returns the function that stops watching. A folder that cannot be watched
 * (it does not exist yet) is reported as one change, so the caller looks again instead of
 * waiting for ever.
 */
export function watchFolder(dir: string, onChange: () => void): () => void {
  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(dir, { persistent: true }, () => onChange());
    watcher.on("error", () => onChange());
  } catch {
    queueMicrotask(onChange);
  }
  return () => watcher?.close();
}
