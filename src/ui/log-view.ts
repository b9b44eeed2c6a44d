import type { NameColors } from "../cli/colors";
import type { LogLine } from "./log-feed";
import { fg, fit, inverse, type Style } from "./text";

/** Marks every occurrence of `needle` (case-insensitive) in reverse video. */
function highlight(text: string, needle: string | null): string {
  if (!needle) return text;
  const lower = text.toLowerCase();
  const n = needle.toLowerCase();
  let out = "";
  let from = 0;
  for (let at = lower.indexOf(n); at !== -1; at = lower.indexOf(n, from)) {
    out += text.slice(from, at) + inverse(text.slice(at, at + n.length));
    from = at + n.length;
  }
  return out + text.slice(from);
}

/**
 * `height` rows of the log from line `top`: with several processes each line has its name in
 * front (coloured as in `tend start`); stderr lines are red.
 */
export function logRows(lines: LogLine[], top: number, height: number, cols: number, prefixed: NameColors | null, search: string | null, s: Style): string[] {
  const width = prefixed ? Math.max(0, ...lines.slice(top, top + height).map((l) => l.name.length)) : 0;
  return lines.slice(top, top + height).map((l) => {
    const prefix = prefixed ? `${fg(l.name.padEnd(width), prefixed.of(l.name), s)} | ` : "";
    const text = highlight(l.text, search);
    return fit(prefix + (l.stream === "stderr" ? fg(text, 31, s) : text), cols);
  });
}
