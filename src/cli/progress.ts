import { consola } from "./consola";
import { formatDuration } from "../core/duration";
import { describeProbe, type ProbeSpec } from "../core/probe-spec";
import type { ProcessRecord } from "../core/process-status";
import type { TendClient } from "../client/tend-client";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
/** How often a wait without a terminal says it still waits (a CI log gets one line per period). */
const STILL_WAITING_MS = 10_000;
/** How often a spinner asks why the probe's last attempt failed. */
const SPINNER_ASKS_MS = 1000;

/** A readiness probe being waited for, and how to learn why its last attempt failed. */
export interface ProbeWatch {
  /** The process it is for, if any (`tend run --ready-port 3000` probes no process). */
  name: string | null;
  probe: ProbeSpec;
  /** Why the last attempt failed (`connection refused`), or null while none has or it passed. */
  lastError(): Promise<string | null>;
}

/** A process's own probe, run by the supervisor: its status says why the last attempt failed. */
function supervisedProbe(client: TendClient, name: string, probe: ProbeSpec): ProbeWatch {
  return { name, probe, lastError: () => client.get(name).then((r) => r.status.probeError) };
}

/** A probe run here: `attemptFailed` hears each failed attempt, the watch tells the last. */
export function localProbe(name: string | null, probe: ProbeSpec): { watch: ProbeWatch; attemptFailed(error: string): void } {
  let last: string | null = null;
  return { watch: { name, probe, lastError: async () => last }, attemptFailed: (error) => void (last = error) };
}

/** What the probe checks, without its kind: `http://127.0.0.1:3000/health`, `127.0.0.1:5432`. */
function target(probe: ProbeSpec): string {
  return describeProbe(probe).replace(/^\S+ /, "");
}

/**
 * A wait the user can see: on a terminal a spinner with the elapsed time (and, for a probe,
 * why its last attempt failed); elsewhere (CI logs) one line when it starts, one every 10 s
 * while it goes on — `still waiting for api: http://127.0.0.1:3000/health: connection refused
 * (20s)` — and one when it ends. No spinner noise in logs.
 */
export class Progress {
  private readonly started = Date.now();
  private readonly timers: ReturnType<typeof setInterval>[] = [];
  private readonly tty = process.stderr.isTTY === true && !process.env.CI;
  private lastError: string | null = null;
  private stopped = false;

  constructor(what: string, watch?: ProbeWatch) {
    if (this.tty) {
      let frame = 0;
      const draw = () => {
        const why = this.lastError ? `: ${this.lastError}` : "";
        process.stderr.write(`\r${FRAMES[frame++ % FRAMES.length]} ${what} (${formatDuration(this.elapsed())})${why}\x1b[K`);
      };
      draw();
      this.timers.push(setInterval(draw, 100));
      if (watch) this.timers.push(setInterval(() => void this.ask(watch), SPINNER_ASKS_MS));
    } else {
      consola.start(what);
      if (watch) this.timers.push(setInterval(() => void this.stillWaiting(watch), STILL_WAITING_MS));
    }
  }

  elapsed(): number {
    return Date.now() - this.started;
  }

  /** Ends the wait with a success line. */
  succeed(message: string): void {
    this.stop();
    consola.success(message);
  }

  /** Ends the wait silently: the caller reports the failure its own way. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    if (this.tty) process.stderr.write("\r\x1b[K");
  }

  private async ask(watch: ProbeWatch): Promise<void> {
    this.lastError = await watch.lastError().catch(() => this.lastError);
  }

  private async stillWaiting(watch: ProbeWatch): Promise<void> {
    const seconds = Math.round(this.elapsed() / 1000);
    await this.ask(watch);
    if (this.stopped) return;
    const why = this.lastError ? `: ${this.lastError}` : "";
    consola.info(`still waiting for ${watch.name ? `${watch.name}: ` : ""}${target(watch.probe)}${why} (${formatDuration(seconds * 1000)})`);
  }
}

/**
 * The progress of a wait for a process to be ready: by `probe`, given on the command line and
 * run here (its attempts reported through `attemptFailed`), or else by the process's own.
 */
export function readinessProgress(client: TendClient, record: ProcessRecord, probe: ProbeSpec | null): { progress: Progress; attemptFailed(error: string): void } {
  const name = record.spec.name;
  const what = (p: ProbeSpec | undefined) => `waiting for ${name} to be ready${p ? ` (${describeProbe(p)})` : ""}`;
  if (probe) {
    const local = localProbe(name, probe);
    return { progress: new Progress(what(probe), local.watch), attemptFailed: local.attemptFailed };
  }
  const own = record.spec.ready;
  return { progress: new Progress(what(own), own ? supervisedProbe(client, name, own) : undefined), attemptFailed: () => {} };
}
