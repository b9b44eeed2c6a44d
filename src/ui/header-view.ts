import { STATE_COLOR } from "../cli/colors";
import { formatDuration } from "../core/duration";
import type { Model } from "./model";
import { fg, fit, inverse, width, type Style } from "./text";

/** Where `path` is, with the home folder as `~`. */
function tilde(path: string): string {
  const home = process.env.HOME;
  return home && (path === home || path.startsWith(`${home}/`)) ? `~${path.slice(home.length)}` : path;
}

/** The top row: the supervisor (or why there is none), the state folder, counts per state. */
export function header(model: Model, home: string, now: number, cols: number, s: Style): string {
  const sup = model.supervisor;
  let left: string;
  if (!sup) left = "tend ui · connecting…";
  else if (sup.kind === "running") {
    const up = formatDuration(Math.floor((now - sup.info.startedAt) / 1000) * 1000);
    left = `tend ui · supervisor ${sup.info.pid} up ${up}${sup.closing ? ", stopping" : ""} · home ${tilde(home)}`;
  } else if (sup.kind === "unresponsive") left = `tend ui · supervisor ${sup.info.pid} NOT ANSWERING · home ${tilde(home)}`;
  else left = `tend ui · supervisor ${sup.lost.length > 0 ? "LOST" : "not running"} · home ${tilde(home)}`;
  const counts = model.counts().map(([state, n]) => `${fg(state, STATE_COLOR[state] ?? 39, s)} ${n}`);
  const right = counts.length > 0 ? counts.join("  ") : "no processes";
  const gap = cols - width(left) - width(right) - 3;
  // Reverse video for the bar, but the counts keep their colours.
  return gap >= 1 ? inverse(fit(` ${left}`, width(left) + 1 + gap)) + ` ${right} ` : inverse(fit(` ${left}`, cols));
}
