import { noScreen, withScrollback, type ScreenCapture } from "../core/screen-capture";
import { screenFile } from "../platform/paths";
import { readScreenFile } from "../platform/screen-file";
import type { RawRoute } from "./api-answer";
import type { Supervisor } from "./supervisor";

/**
 * The screen of a `--tty` process with up to `scrollback` lines of history: live from its
 * model (which renders only those), else the last one a run of it left.
 */
export function screenCapture(sup: Supervisor, name: string, scrollback: number): Promise<ScreenCapture | null> {
  const screen = sup.screen(name);
  if (!screen) {
    const kept = readScreenFile(screenFile(sup.paths, name));
    return Promise.resolve(kept && withScrollback(kept, scrollback));
  }
  return new Promise((resolve) => screen.whenCurrent(() => resolve(screen.capture(scrollback))));
}

/** GET /v1/processes/:name/screen?scrollback=N — the screen as rows, for `tend capture`. */
export function screenRoute(sup: Supervisor): RawRoute {
  return async (_req, _server, params) => {
    const name = params.get("name")!;
    const record = sup.get(name);
    const asked = Number(params.get("scrollback") ?? 0);
    const capture = record.spec.tty ? await screenCapture(sup, name, Number.isInteger(asked) ? Math.max(0, asked) : 0) : null;
    if (!capture) throw noScreen(name, record.spec.tty);
    return Response.json(capture);
  };
}


