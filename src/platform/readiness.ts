import type { Clock } from "../core/clock";
import { formatDuration } from "../core/duration";
import { heldByOtherMessage, type ProbeCheck, type ProbeSpec } from "../core/probe-spec";
import { owned } from "./own-children";
import { portHolder, type Tree } from "./port-holder";
import { procStatFields } from "./proc-stat.linux";

export interface ReadinessContext {
  clock: Clock;
  cwd: string;
  env: Record<string, string>;
  /**
   * The process being probed: a local port that answers counts only when its listening socket
   * belongs to this tree (or to a process that appeared after the run started, such as a
   * container runtime's port proxy), never to a server left from an earlier run.
   */
  owner?: { name: string; tree(): Tree };
}

export interface ReadinessEvents {
  ready(afterMs: number): void;
  timedOut(afterMs: number, lastError: string | null): void;
  /** Someone else holds the port: waiting longer cannot help. Comes only with an `owner`. */
  held?(message: string): void;
  /** One attempt failed, and why: for whoever shows how the wait goes. */
  attemptFailed?(error: string): void;
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
      .catch((error: unknown): Attempt => ({ failure: describeError(error) }))
      .then((result) => {
        this.ctx.clock.clearTimeout(timer);
        // Not the current attempt any more: the watcher finished while it ran.
        if (this.inFlight !== controller) return;
        this.inFlight = null;
        const failure = "failure" in result ? result.failure : this.ownershipProblem(check, result.answered);
        if (failure === null) {
          this.finish(() => this.on.ready(this.elapsed()));
          return;
        }
        if (typeof failure === "object") {
          this.finish(() => this.on.held?.(failure.held));
          return;
        }
        this.lastError = failure;
        this.on.attemptFailed?.(failure);
        this.nextAttempt = this.ctx.clock.setTimeout(() => this.attempt(check), this.spec.intervalMs);
      });
  }

  /** After an answer from `host`: null when the answer is the process's own, else why not. */
  private ownershipProblem(check: ActiveCheck, host: string | null): string | { held: string } | null {
    const owner = this.ctx.owner;
    if (!owner || host === null || check.kind === "cmd") return null;
    const port = check.kind === "port" ? check.port : urlPort(check.url);
    const tree = owner.tree();
    const holder = portHolder(host, port, tree);
    if (holder.kind === "none") return `nothing listens on port ${port} any more`;
    if (holder.kind !== "other") return null;
    if (holder.pid !== null && tree.pgid !== null && startedAfter(holder.pid, tree.pgid)) return null;
    return { held: heldByOtherMessage(port, holder, owner.name) };
  }

  /**
   * Called when the run ends before its probe passed: a port held by someone else is then the
   * likely reason (the server could not bind it), which the failure should say.
   */
  heldAtExit(): string | null {
    const owner = this.ctx.owner;
    const check = this.spec.check;
    if (!owner || this.finished || (check.kind !== "port" && check.kind !== "http")) return null;
    const host = check.kind === "port" ? check.host : new URL(check.url).hostname;
    const port = check.kind === "port" ? check.port : urlPort(check.url);
    const holder = portHolder(host, port, owner.tree());
    return holder.kind === "other" ? heldByOtherMessage(port, holder, owner.name) : null;
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

/** One try of a check: why it failed, or which host answered (null where no host is involved). */
type Attempt = { failure: string } | { answered: string | null };

function urlPort(url: string): number {
  const u = new URL(url);
  return u.port ? Number(u.port) : u.protocol === "https:" ? 443 : 80;
}

/** Whether `pid` started with or after the process `than` (clock ticks): no server left from before. */
function startedAfter(pid: number, than: number): boolean {
  const a = Number(procStatFields(pid)?.[19]);
  const b = Number(procStatFields(than)?.[19]);
  return Number.isFinite(a) && Number.isFinite(b) && a >= b;
}

/** `localhost` may be served on either loopback address; any one answering is an answer. */
function hostsOf(host: string): string[] {
  return host.toLowerCase() === "localhost" ? ["127.0.0.1", "::1"] : [host.replace(/^\[|\]$/g, "")];
}

/** The first of `tries` to succeed, else the first one's failure. */
async function firstAnswer(tries: Promise<Attempt>[]): Promise<Attempt> {
  const settled = tries.map((t) => t.catch((error: unknown): Attempt => ({ failure: describeError(error) })));
  const won = await Promise.any(settled.map((t) => t.then((a) => ("failure" in a ? Promise.reject(a) : a)))).catch(() => null);
  return won ?? (await settled[0]!);
}

function runAttempt(check: ActiveCheck, ctx: ReadinessContext, signal: AbortSignal): Promise<Attempt> {
  switch (check.kind) {
    case "http":
      return httpAttempt(check, signal);
    case "port":
      return portAttempt(check, signal);
    case "cmd":
      return cmdAttempt(check, ctx, signal);
  }
}

function httpAttempt(check: HttpCheck, signal: AbortSignal): Promise<Attempt> {
  const url = new URL(check.url);
  const hosts = hostsOf(url.hostname);
  return firstAnswer(
    hosts.map(async (host): Promise<Attempt> => {
      const target = new URL(check.url);
      target.hostname = host.includes(":") ? `[${host}]` : host;
      // No redirects followed: a 3xx is the service answering, and may point anywhere. The
      // Host header stays what the URL says, whichever address is tried.
      const res = await fetch(target, { signal, redirect: "manual", keepalive: false, headers: { host: url.host } });
      const ok = check.statuses === null ? res.status >= 200 && res.status < 400 : check.statuses.includes(res.status);
      // Only the status matters; the body is dropped so the connection is freed at once.
      await res.body?.cancel().catch(() => {});
      return ok ? { answered: host } : { failure: `HTTP ${res.status}` };
    }),
  );
}

function portAttempt(check: PortCheck, signal: AbortSignal): Promise<Attempt> {
  return firstAnswer(
    hostsOf(check.host).map(async (host): Promise<Attempt> => {
      const connecting = Bun.connect({ hostname: host, port: check.port, socket: { data() {} } });
      try {
        const socket = await Promise.race([connecting, aborted(signal)]);
        socket.end();
        return { answered: host };
      } finally {
        // A connect still pending when the attempt gave up is closed as soon as it lands.
        if (signal.aborted) connecting.then((late) => late.end(), () => {});
      }
    }),
  );
}

async function cmdAttempt(check: CmdCheck, ctx: ReadinessContext, signal: AbortSignal): Promise<Attempt> {
  // Its own process group, so a check that overruns is ended with everything it started.
  const child = owned(Bun.spawn(["sh", "-c", check.command], {
    cwd: ctx.cwd,
    env: ctx.env,
    detached: true,
    stdin: "ignore",
    stdout: "ignore",
    stderr: "ignore",
  }));
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
    if (child.signalCode) return { failure: `killed by ${child.signalCode}` };
    return code === 0 ? { answered: null } : { failure: `exit ${code}` };
  } finally {
    signal.removeEventListener("abort", kill);
  }
}
