import { noScreen, withScrollback, type ScreenCapture } from "../core/screen-capture";
import { screenFile } from "../platform/paths";
import { readScreenFile } from "../platform/screen-file";
import type { RawRoute } from "./api-server";
import type { Supervisor } from "./supervisor";

/** The screen of a `--tty` process: live from its model, else the last one a run of it left. */
export function screenCapture(sup: Supervisor, name: string): Promise<ScreenCapture | null> {
  const screen = sup.screen(name);
  if (!screen) return Promise.resolve(readScreenFile(screenFile(sup.paths, name)));
  return new Promise((resolve) => screen.whenCurrent(() => resolve(screen.capture())));
}

/** GET /v1/processes/:name/screen?scrollback=N — the screen as rows, for `tend capture`. */
export function screenRoute(sup: Supervisor): RawRoute {
  return async (_req, _server, params) => {
    const name = params.get("name")!;
    const record = sup.get(name);
    const capture = record.spec.tty ? await screenCapture(sup, name) : null;
    if (!capture) throw noScreen(name, record.spec.tty);
    const scrollback = Number(params.get("scrollback") ?? 0);
    return Response.json(withScrollback(capture, Number.isInteger(scrollback) ? scrollback : 0));
  };
}


