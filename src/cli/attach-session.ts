import type { AttachConnection, AttachHandlers } from "../client/attach";
import type { AttachEvent, AttachQuery } from "../core/attach-protocol";
import type { ProcessRecord, ProcessState } from "../core/process-status";
import { DA1_QUERY, withoutReports } from "../core/terminal-reports";
import { enterRawMode, ScreenModes, watchWindowSize, windowSize, type RawTerminal } from "./raw-terminal";

export interface AttachOptions {
  /** Connects to the supervisor that holds the process. */
  open(query: AttachQuery, handlers: AttachHandlers): Promise<AttachConnection>;
  record: ProcessRecord;
  detachByte: number;
  detachLabel: string;
}

interface Ending {
  state: ProcessState;
  exitCode: number | null;
  exitSignal: string | null;
  reason: string | null;
}

/** The line printed once a process has ended for good: `[web exited with code 1]`. */
export function endedLine(name: string, e: Ending): string {
  let how = "ended";
  if (e.state === "stopped") how = `was stopped${e.exitSignal ? ` (${e.exitSignal})` : ""}`;
  else if (e.exitSignal) how = `was killed by ${e.exitSignal}`;
  else if (e.exitCode !== null) how = `exited with code ${e.exitCode}`;
  const why = e.reason && (e.state === "parked" || e.state === "stopped") ? `; ${e.state === "parked" ? "parked: " : ""}${e.reason}` : "";
  return `[${name} ${how}${why}]`;
}

/** The terminal's own Ctrl-C and Ctrl-\ in line mode: the user detaches, and may go on (in tend ui). */
const KEY_SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGQUIT"];
/** Told to go, or the terminal hung up: nothing is left to go on with. */
const GONE_SIGNALS: NodeJS.Signals[] = ["SIGTERM", "SIGHUP"];

/**
 * After piped input ends, the answer to it is still on its way: output is shown until this long
 * passes without any, or DRAIN_MAX_MS in all, so a chatty process cannot hold the attach open.
 */
const DRAIN_QUIET_MS = 300;
const DRAIN_MAX_MS = 2000;

/** How long the terminal may take to answer the fence before input flows unfiltered anyway. */
const FENCE_MS = 1000;

/**
 * Once the terminal is gone (or we were told to go) nothing is left to write to or wait for:
 * past this, the process exits even if something still holds the event loop.
 */
const GONE_EXIT_MS = 500;

/**
 * Shows a process's output and sends it our input until the user detaches, the process ends
 * for good, or the connection goes. Resolves with the exit code: 0 for a detach and for a
 * process that ended (the attach itself worked; `tend wait --exit` is for its exit code).
 *
 * A process with a terminal gets ours in raw mode, every key as typed (the detach key aside),
 * and our window size. It first draws the process's current screen; what our terminal answers
 * to drawing it is held back from the process (a fence: we ask for the device attributes after
 * the screen, and drop the terminal's reports until that answer comes). A process without one
 * reads lines, so a terminal stays in line mode: typing is echoed and edited locally, Enter
 * sends the line, Ctrl-D ends our input, and the terminal's own Ctrl-C and Ctrl-\ detach.
 *
 * Input that is not a terminal (`echo cmd | tend attach NAME`) is a script's: it is shown only
 * the output that answers it, not the history before. Once it ends, the output is drained for
 * a moment and the attach detaches by itself.
 *
 * A terminal that goes away (a closed window, a dropped ssh connection) ends the attach: its
 * hang-up signal, or its input ending or failing in raw mode.
 */
export async function runAttach(opts: AttachOptions): Promise<number> {
  const name = opts.record.spec.name;
  const modes = new ScreenModes();
  let atLineStart = true;
  let terminal: RawTerminal | null = null;
  let pid = opts.record.status.pid;
  const notice = (line: string) => {
    // In raw mode the terminal no longer adds a carriage return to a line feed.
    const eol = terminal ? "\r\n" : "\n";
    process.stderr.write(`${atLineStart || !process.stderr.isTTY ? "" : eol}${line}${eol}`);
    atLineStart = true;
  };

  let finish: (code: number, line: string | null) => void = () => {};
  let quietTimer: ReturnType<typeof setTimeout> | undefined;
  let limitTimer: ReturnType<typeof setTimeout> | undefined;
  const stillQuiet = () => {
    if (limitTimer === undefined) return;
    clearTimeout(quietTimer);
    quietTimer = setTimeout(detach, DRAIN_QUIET_MS);
  };
  const onEvent = (e: AttachEvent) => {
    if (e.type === "ended") finish(0, endedLine(name, e));
    else if (e.type === "error") notice(`tend: the supervisor says: ${e.message}`);
    else if (e.type === "skipped") notice(`[${name}: ${e.bytes} bytes of output skipped, as this terminal fell behind; tend logs ${name} has them]`);
    else if (e.state === "backoff" && e.reason) notice(`[${name} ${e.reason}]`);
    else if (e.state === "running" && e.pid !== pid) {
      pid = e.pid;
      notice(`[${name} started again, pid ${e.pid}]`);
    }
  };
  const stdin = process.stdin;
  const raw = stdin.isTTY === true && opts.record.spec.tty;
  let fencing = raw;
  let fenceTimer: ReturnType<typeof setTimeout> | undefined;
  const endFence = () => {
    fencing = false;
    clearTimeout(fenceTimer);
  };
  let drawn = false;
  const conn = await opts.open({ size: raw ? windowSize() : null, live: stdin.isTTY !== true }, {
    // Before the screen, which then covers it.
    open() {
      if (raw) notice(`[attached to ${name}; ${opts.detachLabel} detaches]`);
      if (fencing) fenceTimer = setTimeout(endFence, FENCE_MS);
    },
    output(bytes) {
      modes.feed(bytes);
      process.stdout.write(bytes);
      atLineStart = bytes[bytes.length - 1] === 10;
      stillQuiet();
      if (drawn || !fencing) return;
      drawn = true;
      process.stdout.write(DA1_QUERY);
      clearTimeout(fenceTimer);
      fenceTimer = setTimeout(endFence, FENCE_MS);
    },
    event: (e) => onEvent(e),
  });

  let unwatchSize = () => {};
  const onData = (chunk: Buffer) => {
    let input: Uint8Array = chunk;
    if (fencing) {
      const filtered = withoutReports(chunk);
      if (filtered.fenceAnswered) endFence();
      input = filtered.input;
    }
    const at = raw ? input.indexOf(opts.detachByte) : -1;
    conn.input(at === -1 ? input : input.subarray(0, at));
    if (at !== -1) detach();
  };
  const onEnd = () => {
    stdin.off("data", onData);
    // In raw mode Ctrl-D is a key like any other: an end of input means the terminal is gone.
    if (raw) return gone();
    // Ctrl-D at a terminal ends only our input: the user is still there to watch and detach.
    if (stdin.isTTY) return notice(`[input closed by Ctrl-D: what you type now does not reach ${name}; Ctrl-C detaches]`);
    limitTimer = setTimeout(detach, DRAIN_MAX_MS);
    stillQuiet();
  };
  const detach = () => finish(0, `[detached from ${name}; it keeps running — tend attach ${name} to come back]`);
  const gone = () => {
    setTimeout(() => process.exit(0), GONE_EXIT_MS).unref();
    detach();
  };

  const code = new Promise<number>((resolve) => {
    let finished = false;
    finish = (exitCode, line) => {
      if (finished) return;
      finished = true;
      clearTimeout(quietTimer);
      clearTimeout(limitTimer);
      endFence();
      stdin.off("data", onData).off("end", onEnd).off("error", gone).pause();
      terminal?.restore();
      terminal = null;
      unwatchSize();
      for (const s of GONE_SIGNALS) process.off(s, gone);
      for (const s of KEY_SIGNALS) process.off(s, detach);
      conn.close();
      if (line) notice(line);
      resolve(exitCode);
    };
  });
  void conn.closed.then(({ code: closeCode, reason }) => {
    if (reason === "removed") finish(0, `[${name} was removed]`);
    else finish(1, `tend: lost the connection to the supervisor (${reason || `code ${closeCode}`}); check it with "tend status"`);
  });

  for (const s of GONE_SIGNALS) process.on(s, gone);
  for (const s of KEY_SIGNALS) process.on(s, detach);
  if (raw) {
    terminal = enterRawMode(modes);
    unwatchSize = watchWindowSize((size) => conn.resize(size.cols, size.rows));
  }
  stdin.on("data", onData).on("end", onEnd).on("error", gone);
  return code;
}
