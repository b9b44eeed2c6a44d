/**
 * Terminal queries and the reports that answer them. Output replayed to an attaching terminal
 * must ask it nothing, and what the terminal answers while an attach connects must not reach
 * the program as if typed: after vim ran once, each reattach would leave `2RR84;0;0c` at the
 * shell prompt.
 */

/**
 * Queries: device attributes (`ESC [ c`, `ESC [ > c`, `ESC [ = c`), status and cursor-position
 * reports (`ESC [ 6 n`, `ESC [ ? 6 n`), mode requests (`ESC [ ? 2004 $ p`), window reports
 * (`ESC [ 18 t`, 14 t…), and colour or other OSC queries ending in `?` (`ESC ] 11 ; ? BEL`).
 */
const QUERY = /\x1b\[[>=?]?[0-9;]*c|\x1b\[\??[0-9;]*n|\x1b\[\??[0-9;]*\$p|\x1b\[(?:1[134589]|2[01])t|\x1b\][0-9;]*;\?(?:\x07|\x1b\\)/g;

/**
 * Reports: device attributes (`ESC [ ? 1 ; 2 c`), cursor position (`ESC [ 12 ; 5 R`), status
 * (`ESC [ 0 n`), mode states (`ESC [ ? 2004 ; 1 $ y`), window sizes (`ESC [ 8 ; 24 ; 80 t`),
 * OSC answers (`ESC ] 11 ; rgb:… BEL`) and DCS strings (`ESC P … ESC \`).
 */
const REPORT = /\x1b\[[>=?]?[0-9;]*[cRn]|\x1b\[\??[0-9;]*\$y|\x1b\[[0-9;]+t|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1bP[^\x1b]*\x1b\\/g;

/** A primary device-attributes answer: what follows our own fence query. */
const DA1_REPORT = /\x1b\[\?[0-9;]*c/;

/** The primary device-attributes query, which every terminal answers. */
export const DA1_QUERY = "\x1b[c";

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("latin1");

/** Output with its queries left out (bytes kept as they are otherwise). */
export function withoutQueries(bytes: Uint8Array): Uint8Array {
  if (!bytes.includes(0x1b)) return bytes;
  const text = latin1(bytes);
  const kept = text.replace(QUERY, "");
  return kept.length === text.length ? bytes : Buffer.from(kept, "latin1");
}

/**
 * Input with the terminal's reports left out, and whether one of them answered the fence (a
 * DA1 query sent after the replay): once it has come, every answer to the replay came too.
 */
export function withoutReports(bytes: Uint8Array): { input: Uint8Array; fenceAnswered: boolean } {
  if (!bytes.includes(0x1b)) return { input: bytes, fenceAnswered: false };
  const text = latin1(bytes);
  let fenceAnswered = false;
  const kept = text.replace(REPORT, (report) => {
    if (DA1_REPORT.test(report)) fenceAnswered = true;
    return "";
  });
  return { input: kept.length === text.length ? bytes : Buffer.from(kept, "latin1"), fenceAnswered };
}
