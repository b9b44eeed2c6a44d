import { TendError } from "../core/errors";
import type { ProcessRecord } from "../core/process-status";
import { noScreen, withScrollback, type ScreenCapture } from "../core/screen-capture";
import { layout, screenFile, tendHome } from "../platform/paths";
import { readProcessRecords } from "../platform/process-records";
import { readScreenFile } from "../platform/screen-file";
import { readSupervisorState } from "../platform/supervisor-file";
import { ApiClient } from "./api-client";

/**
 * The screen of a `--tty` process with `scrollback` lines of history: from the running
 * supervisor's model of its terminal, else (no supervisor) the last screen it left on disk.
 */
export async function captureScreen(name: string, scrollback: number, home = tendHome()): Promise<ScreenCapture> {
  const paths = layout(home);
  const state = readSupervisorState(paths);
  if (state.kind === "running") {
    return new ApiClient(state.info.socket).get<ScreenCapture>(`/v1/processes/${encodeURIComponent(name)}/screen?scrollback=${scrollback}`);
  }
  return withScrollback(lastScreenOnDisk(home, name), scrollback);
}

/** The screen a finished `--tty` session left, read without a supervisor. */
export function lastScreenOnDisk(home: string, name: string, record?: ProcessRecord): ScreenCapture {
  const paths = layout(home);
  const found = record ?? readProcessRecords(paths).records.find((r) => r.spec.name === name);
  if (!found) throw new TendError(`no supervisor is running, and there is no finished session named "${name}"`, "not_running", 'see what there is with "tend ps"');
  const capture = found.spec.tty ? readScreenFile(screenFile(paths, name)) : null;
  if (!capture) throw noScreen(name, found.spec.tty);
  return capture;
}
