import type { ScreenCapture } from "../core/screen-capture";
import { readJsonFile, writeFileAtomic } from "./atomic-file";

export function writeScreenFile(file: string, capture: ScreenCapture): void {
  writeFileAtomic(file, JSON.stringify(capture));
}

/** The last screen a `--tty` session left; null when it left none (or none readable). */
export function readScreenFile(file: string): ScreenCapture | null {
  const read = readJsonFile<ScreenCapture>(file);
  return read.kind === "ok" && Array.isArray(read.value.lines) ? read.value : null;
}
