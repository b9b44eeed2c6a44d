import type { Clock } from "../core/clock";
import { formatDuration } from "../core/duration";
import type { ProbeCheck, ProbeSpec } from "../core/probe-spec";

export interface ReadinessContext {
  clock: Clock;
  cwd: string;
  env: Record<string, string>;
}

export interface ReadinessEvents {
  ready(afterMs: number): void;
  timedOut(afterMs: number, lastError: string | null): void;
}

type HttpCheck = Extract<ProbeCheck, { kind: "http" }>;
type PortCheck = Extract<ProbeCheck, { kind: "port" }>;
type CmdCheck = Extract<ProbeCheck, { kind: "cmd" }>;
/** The checks that are tried; a log check only listens. */
type ActiveCheck = HttpCheck | PortCheck | CmdCheck;

/**
 * Watches one run of a process until its probe passes or the probe's timeout ends. At most one
 * attempt is in flight and the next is scheduled only after it has finished, so a slow service
 * is never hit by a pile of overlapping attempts. After `ready`, `timedOut` or `cancel` nothing
 * more happens: no callback, no timer, no attempt left running.
 */
export class ReadinessWatcher {
  private startedAt: number | null = null;
  private finished = false;
  private nextAttempt: unknown = null;
  private deadline: unknown = null;
  private inFlight: AbortController | null = null;
  private lastError: string | null = null;
  private readonly pattern: RegExp | null = null;
  private readonly patternError: string | null = null;

  constructor(
    private readonly spec: ProbeSpec,
    private readonly ctx: ReadinessContext,
    private readonly on: ReadinessEvents,
  ) {
    // Config and flags validate the pattern; one that got past them fails at start, not at the timeout.
    if (spec.check.kind === "log") {
      try {
        this.pattern = new RegExp(spec.check.pattern);
      } catch (error) {
        this.patternError = describeError(error);
      }
    }
  }

  start(): void {
    if (this.startedAt !== null || this.finished) return;
    this.startedAt = this.ctx.clock.now();
    if (this.patternError !== null) {
      this.finish(() => this.on.timedOut(0, this.patternError));
      return;
    }
    this.deadline = this.ctx.clock.setTimeout(() => {
      this.deadline = null;
      // The deadline is what was asked for; the timer's own lateness is not news to anyone.
      this.finish(() => this.on.timedOut(this.spec.timeoutMs, this.lastError));
    }, this.spec.timeoutMs);
    if (this.spec.check.kind !== "log") this.attempt(this.spec.check);
  }

  line(text: string): void {
    if (this.startedAt === null || this.finished || this.pattern === null) return;
    if (this.pattern.test(text)) this.finish(() => this.on.ready(this.elapsed()));
  }

  cancel(): void {
    this.finish(() => {});
  }

  private attempt(check: ActiveCheck): void {
    this.nextAttempt = null;
    const controller = new AbortController();
    this.inFlight = controller;
    const timer = this.ctx.clock.setTimeout(
      () => controller.abort(new AttemptTimeout(this.spec.attemptTimeoutMs)),
      this.spec.attemptTimeoutMs,
    );
    runAttempt(check, this.ctx, controller.signal)
      .catch((error: unknown) => describeError(error))
      .then((failure) => {
        this.ctx.clock.clearTimeout(timer);
        // Not the current attempt any more: the watcher finished while it ran.
        if (this.inFlight !== controller) return;
        this.inFlight = null;
        if (failure === null) {
          this.finish(() => this.on.ready(this.elapsed()));
          return;
        }
        this.lastError = failure;
        this.nextAttempt = this.ctx.clock.setTimeout(() => this.attempt(check), this.spec.intervalMs);
      });
  }

  private finish(report: () => void): void {
    if (this.finished) return;
    this.finished = true;
    if (this.nextAttempt !== null) this.ctx.clock.clearTimeout(this.nextAttempt);
    if (this.deadline !== null) this.ctx.clock.clearTimeout(this.deadline);
    this.nextAttempt = this.deadline = null;
    const inFlight = this.inFlight;
    this.inFlight = null;
    inFlight?.abort(new Error("cancelled"));
    report();
  }

  private elapsed(): number {
    return this.ctx.clock.now() - (this.startedAt ?? this.ctx.clock.now());
  }
}

class AttemptTimeout extends Error {
  constructor(ms: number) {
    super(`timed out after ${formatDuration(ms)}`);
  }
}

const ERROR_CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
};

function describeError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && ERROR_CODES[code]) return ERROR_CODES[code];
  return error instanceof Error ? error.message : String(error);
}

/** Rejects with the signal's reason once it aborts, so an attempt can race it. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

/** One try of a check: null when it passed, else why not. */
function runAttempt(check: ActiveCheck, ctx: ReadinessContext, signal: AbortSignal): Promise<string | null> {
  switch (check.kind) {
    case "http":
      return httpAttempt(check, signal);
    case "port":
      return portAttempt(check, signal);
    case "cmd":
      return cmdAttempt(check, ctx, signal);
  }
}

async function httpAttempt(check: HttpCheck, signal: AbortSignal): Promise<string | null> {
  // No redirects followed: a 3xx is the service answering, and may point anywhere.
  const res = await fetch(check.url, { signal, redirect: "manual", keepalive: false });
  const ok = check.statuses === null ? res.status >= 200 && res.status < 400 : check.statuses.includes(res.status);
  // Only the status matters; the body is dropped so the connection is freed at once.
  await res.body?.cancel().catch(() => {});
  return ok ? null : `HTTP ${res.status}`;
}

async function portAttempt(check: PortCheck, signal: AbortSignal): Promise<string | null> {
  const connecting = Bun.connect({ hostname: check.host, port: check.port, socket: { data() {} } });
  try {
    const socket = await Promise.race([connecting, aborted(signal)]);
    socket.end();
    return null;
  } finally {
    // A connect still pending when the attempt gave up is closed as soon as it lands.
    if (signal.aborted) connecting.then((late) => late.end(), () => {});
  }
}

async function cmdAttempt(check: CmdCheck, ctx: ReadinessContext, signal: AbortSignal): Promise<string | null> {
  // Its own process group, so a check that overruns is ended with everything it started.
  const child = Bun.spawn(["sh", "-c", check.command], {
    cwd: ctx.cwd,
    env: ctx.env,
    detached: true,
    stdin: "ignore",
    stdout: "ignore",
    stderr: "ignore",
  });
  const kill = () => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  };
  signal.addEventListener("abort", kill, { once: true });
  try {
    const code = await child.exited;
    if (signal.aborted) throw signal.reason;
    if (child.signalCode) return `killed by ${child.signalCode}`;
    return code === 0 ? null : `exit ${code}`;
  } finally {
    signal.removeEventListener("abort", kill);
  }
}
