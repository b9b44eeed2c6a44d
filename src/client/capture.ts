import type { ProcessRecord } from "../core/process-status";
import { noScreen, type ScreenCapture } from "../core/screen-capture";
import { screenFile, type HomeLayout } from "../platform/paths";
import { readScreenFile } from "../platform/screen-file";

/** The screen a finished `--tty` session left, read without a supervisor. */
export function lastScreenOnDisk(paths: HomeLayout, record: ProcessRecord): ScreenCapture {
  const capture = record.spec.tty ? readScreenFile(screenFile(paths, record.spec.name)) : null;
  if (!capture) throw noScreen(record.spec.name, record.spec.tty);
  return capture;
}
