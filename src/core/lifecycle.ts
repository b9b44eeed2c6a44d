import { formatDuration } from "./duration";
import type { NoticeLevel } from "./notice";
import { describeProbe } from "./probe-spec";
import type { ProcessSpec } from "./process-spec";
import type { ProcessRecord, ProcessState, ProcessStatus } from "./process-status";
import { decideAfterExit, describeExit, freshHistory, type RestartHistory } from "./restart-policy";

/**
 * The life of one supervised process as a pure state machine: `step(life, event, spec)` is the
 * only place that decides what happens next, and says it as effects for the supervisor to run.
 * No I/O, no timers, no clock reads: every event carries its own time.
 */

/** What a stop leads to once the process tree has ended. */
export type StopThen = "stop" | "restart" | "remove";

export type Phase =
  /** Not started: admission holds it (capacity, dependencies) or has not looked yet. */
  | { kind: "waiting"; for: "admission" | "capacity" | "dependencies"; reason: string; since: number }
  /** Asked the driver to spawn; it answers with `spawned` or `spawn-failed` before anything else. */
  | { kind: "starting" }
  | { kind: "running" }
  /** Running and its readiness probe passed. */
  | { kind: "ready" }
  /** `leftover`: the tree is a lost process's, so the driver says when it is gone. */
  | { kind: "stopping"; then: StopThen; deadline: number; leftover: boolean }
  | { kind: "backoff"; until: number; delayMs: number }
  /** Ended and will not restart by itself; failed when the exit was not clean. */
  | { kind: "exited"; failed: boolean }
  | { kind: "parked"; reason: string }
  | { kind: "stopped"; reason: string | null }
  /** Left running by an earlier supervisor: nobody's child, known only by its recorded identity. */
  | { kind: "lost" };

/** A phase and what the record says about the current or last run. */
export interface Life {
  phase: Phase;
  history: RestartHistory;
  pid: number | null;
  pidStartTime: string | null;
  marker: string | null;
  startedAt: number | null;
  endedAt: number | null;
  exitCode: number | null;
  exitSignal: string | null;
  readyAt: number | null;
  notReady: string | null;
  /** The last failed attempt of the current run's probe, while it still tries. */
  probeError: string | null;
  /** A fault in the supervisor's own handling of this process, for `ps` to show. */
  fault: string | null;
  /** Lines of output the log could not take (a full disk), since the process was added. */
  logLinesLost: number;
  /** Processes of the last run's tree that could not be signalled (another user's) and still ran. */
  survivors: string | null;
}

export type LifeEvent =
  /** Admission: start now. */
  | { type: "admit" }
  /** Admission: keep waiting, and why. */
  | { type: "hold"; for: "capacity" | "dependencies"; reason: string }
  /** Admission: it never will start (a dependency failed). */
  | { type: "refuse"; reason: string; at: number }
  | { type: "spawned"; pid: number; pidStartTime: string | null; marker: string; at: number }
  | { type: "spawn-failed"; reason: string; at: number }
  /**
   * The run is over: exited, both output streams at their end, nothing of its tree left that
   * tend may signal (`survivors` says what else still runs).
   */
  | { type: "exited"; code: number | null; signal: string | null; survivors?: string | null; at: number }
  | { type: "stop"; signal?: string; graceMs?: number; reason?: string; at: number }
  | { type: "restart"; at: number }
  | { type: "remove"; signal?: string; graceMs?: number; at: number }
  | { type: "timer"; at: number }
  | { type: "probe-passed"; at: number }
  /** The probe gave up (its timeout, or the port is someone else's), in words for `ps`. */
  | { type: "probe-failed"; message: string; at: number }
  /** One probe attempt failed; shown while the probe goes on, not worth a record of its own. */
  | { type: "probe-attempt-failed"; error: string }
  /** A lost process is no longer running (noticed by looking, or ended by us). */
  | { type: "leftover-gone"; survivors?: string | null; at: number }
  | { type: "fault"; message: string; at: number }
  /** The log started dropping lines, or took them again: `total` lost so far. */
  | { type: "log-loss"; total: number; message: string; level: NoticeLevel };

export type Effect =
  /** Start a run; TEND_RESTARTS is `restarts`. The driver answers `spawned` or `spawn-failed`. */
  | { kind: "spawn"; restarts: number }
  /** End the run's whole tree; for a lost process the driver answers `leftover-gone` once done. */
  | { kind: "end-tree"; signal: string; graceMs: number; leftover: boolean }
  | { kind: "start-timer"; ms: number }
  | { kind: "cancel-timer" }
  | { kind: "start-probe" }
  | { kind: "cancel-probe" }
  /** The status changed: write the record and tell whoever listens. */
  | { kind: "record" }
  | { kind: "notify"; message: string; level: NoticeLevel }
  /** Drop the process from the table, with its record. */
  | { kind: "forget" };

export interface Step {
  life: Life;
  effects: Effect[];
}

const SETTLED: ReadonlySet<Phase["kind"]> = new Set(["exited", "parked", "stopped"]);

/** Nothing more happens to it without a command. */
export function isSettledPhase(phase: Phase): boolean {
  return SETTLED.has(phase.kind);
}

/** A process not yet looked at by admission. */
export function newLife(at: number, spec: Pick<ProcessSpec, "restart">): Life {
  return {
    phase: { kind: "waiting", for: "admission", reason: "not started yet", since: at },
    history: freshHistory(spec.restart),
    pid: null,
    pidStartTime: null,
    marker: null,
    startedAt: null,
    endedAt: null,
    exitCode: null,
    exitSignal: null,
    readyAt: null,
    notReady: null,
    probeError: null,
    fault: null,
    logLinesLost: 0,
    survivors: null,
  };
}

const unchanged = (life: Life): Step => ({ life, effects: [] });
const recorded = (life: Life, ...more: Effect[]): Step => ({ life, effects: [{ kind: "record" }, ...more] });
const notice = (message: string, level: NoticeLevel = "info"): Effect => ({ kind: "notify", message, level });

function clearedRun(life: Life): Life {
  return { ...life, pid: null, readyAt: null, notReady: null, probeError: null, fault: null, survivors: null };
}

/** A run starts: the restart history's count becomes TEND_RESTARTS. */
function spawning(life: Life, history: RestartHistory, ...before: Effect[]): Step {
  return recorded({ ...clearedRun(life), history, phase: { kind: "starting" } }, ...before, { kind: "spawn", restarts: history.restarts });
}

function park(life: Life, reason: string, at: number, message = `parked: ${reason}`, ...more: Effect[]): Step {
  return recorded({ ...life, pid: null, endedAt: at, phase: { kind: "parked", reason } }, ...more, notice(message, "error"));
}

function beginStop(life: Life, then: StopThen, at: number, spec: ProcessSpec, signal?: string, graceMs?: number): Step {
  const sig = signal ?? spec.stopSignal;
  const grace = graceMs ?? spec.graceMs;
  const leftover = life.phase.kind === "lost";
  const effects: Effect[] = [{ kind: "cancel-probe" }, { kind: "end-tree", signal: sig, graceMs: grace, leftover }];
  return recorded(
    { ...life, phase: { kind: "stopping", then, deadline: at + grace, leftover } },
    ...effects,
    notice(`stopping (${sig}, grace ${formatDuration(grace)})`),
  );
}

/** The stop a process was in has ended its tree: what was asked for happens now. */
function afterStop(life: Life, then: StopThen, ended: Life, spec: ProcessSpec): Step {
  if (then === "restart") return spawning(ended, restartHistory(life, spec));
  const stopped: Life = { ...ended, phase: { kind: "stopped", reason: ended.survivors } };
  const how = ended.exitSignal !== null || ended.exitCode !== null ? ` (${describeExit(ended.exitCode, ended.exitSignal)})` : "";
  const said = notice(`stopped${how}${leftBehind(ended)}`, ended.survivors ? "warn" : "info");
  if (then === "remove") return recorded(stopped, said, { kind: "forget" });
  return recorded(stopped, said);
}

/** A restart asked for by someone counts once and starts the failure count afresh. */
function restartHistory(life: Life, spec: ProcessSpec): RestartHistory {
  return { ...freshHistory(spec.restart), restarts: life.history.restarts + 1 };
}

function exitFacts(life: Life, code: number | null, signal: string | null, survivors: string | null | undefined, at: number): Life {
  return { ...life, pid: null, exitCode: code, exitSignal: signal, endedAt: at, survivors: survivors ?? null };
}

/** What a notice of a run's end adds about processes it could not signal. */
const leftBehind = (life: Life): string => (life.survivors ? `; ${life.survivors}` : "");

/** The process's run ended by itself: the restart policy decides. */
function afterExit(life: Life, e: Extract<LifeEvent, { type: "exited" }>, spec: ProcessSpec): Step {
  const how = describeExit(e.code, e.signal);
  const ended = exitFacts(life, e.code, e.signal, e.survivors, e.at);
  const decision = decideAfterExit(spec.restart, life.history, { code: e.code, signal: e.signal, startedAt: life.startedAt ?? e.at, endedAt: e.at });
  const failed = e.code !== 0 || e.signal !== null;
  const next = { ...ended, history: decision.history };
  const level = failed || ended.survivors ? "warn" : "info";
  const cancel: Effect = { kind: "cancel-probe" };
  switch (decision.action) {
    case "restart": {
      const reason = `restarting in ${formatDuration(decision.delayMs)}`;
      return recorded(
        { ...next, phase: { kind: "backoff", until: e.at + decision.delayMs, delayMs: decision.delayMs } },
        cancel,
        { kind: "start-timer", ms: decision.delayMs },
        notice(`exited ${how}, ${reason}${leftBehind(ended)}`, level),
      );
    }
    case "park":
      return park(next, decision.reason, e.at, `exited ${how}, parked: ${decision.reason}`, cancel);
    case "done":
      return recorded({ ...next, phase: { kind: "exited", failed } }, cancel, notice(`exited ${how}${leftBehind(ended)}`, level));
  }
}

/** Requests that mean the same in every phase with a live run: running, ready, lost. */
function commandOnRun(life: Life, event: LifeEvent, spec: ProcessSpec): Step | null {
  switch (event.type) {
    case "stop":
      return beginStop(life, "stop", event.at, spec, event.signal, event.graceMs);
    case "remove":
      return beginStop(life, "remove", event.at, spec, event.signal, event.graceMs);
    case "restart":
      return beginStop(life, "restart", event.at, spec);
    default:
      return null;
  }
}

/** One event in, the next life and what to do out. */
export function step(life: Life, event: LifeEvent, spec: ProcessSpec): Step {
  const phase = life.phase;
  if (event.type === "log-loss") return recorded({ ...life, logLinesLost: event.total }, notice(event.message, event.level));
  if (event.type === "fault") {
    const withFault = { ...life, fault: event.message };
    // With a run going the process is still ours to stop; without one it will not start again by itself.
    if (phase.kind === "running" || phase.kind === "ready" || phase.kind === "stopping" || phase.kind === "lost") {
      return recorded(withFault, notice(event.message, "error"));
    }
    if (phase.kind === "parked") return unchanged(life);
    return park(withFault, event.message, event.at, undefined, { kind: "cancel-timer" });
  }

  switch (phase.kind) {
    case "waiting":
      switch (event.type) {
        case "admit":
          return spawning(life, life.history);
        case "hold":
          if (phase.for === event.for && phase.reason === event.reason) return unchanged(life);
          return recorded({ ...life, phase: { ...phase, for: event.for, reason: event.reason } }, notice(event.reason));
        case "refuse":
          return park(life, event.reason, event.at);
        case "stop":
          return recorded({ ...life, phase: { kind: "stopped", reason: event.reason ?? "stopped before it started" } });
        case "remove":
          return recorded({ ...life, phase: { kind: "stopped", reason: "removed before it started" } }, { kind: "forget" });
        default:
          // A restart keeps its place in the queue; nothing else concerns a process not started.
          return unchanged(life);
      }

    case "starting":
      switch (event.type) {
        case "spawned": {
          const started: Life = { ...life, pid: event.pid, pidStartTime: event.pidStartTime, marker: event.marker, startedAt: event.at, endedAt: null, exitCode: null, exitSignal: null, phase: { kind: "running" } };
          return recorded(started, notice(`spawned pid ${event.pid}`), ...(spec.ready ? [{ kind: "start-probe" } as Effect] : []));
        }
        case "spawn-failed":
          return park(life, event.reason, event.at);
        default:
          return unchanged(life);
      }

    case "running":
    case "ready": {
      const command = commandOnRun(life, event, spec);
      if (command) return command;
      switch (event.type) {
        case "exited":
          return afterExit(life, event, spec);
        case "probe-passed":
          if (phase.kind !== "running" || !spec.ready) return unchanged(life);
          return recorded(
            { ...life, readyAt: event.at, notReady: null, probeError: null, phase: { kind: "ready" } },
            notice(`ready after ${formatDuration(event.at - (life.startedAt ?? event.at))} (${describeProbe(spec.ready)})`),
          );
        case "probe-failed":
          if (phase.kind !== "running" || !spec.ready) return unchanged(life);
          return recorded({ ...life, notReady: event.message, probeError: null }, notice(event.message, "error"));
        case "probe-attempt-failed":
          return phase.kind === "running" && life.notReady === null ? unchanged({ ...life, probeError: event.error }) : unchanged(life);
        default:
          return unchanged(life);
      }
    }

    case "stopping":
      switch (event.type) {
        case "exited":
          return afterStop(life, phase.then, exitFacts(life, event.code, event.signal, event.survivors, event.at), spec);
        case "leftover-gone":
          return afterStop(life, phase.then, { ...life, pid: null, endedAt: event.at, survivors: event.survivors ?? null }, spec);
        // A later request overrides an earlier one: removal beats a stop, and a stop beats a restart.
        case "remove":
        case "stop": {
          const then: StopThen = event.type === "remove" || phase.then === "remove" ? "remove" : "stop";
          const next = recorded({ ...life, phase: { ...phase, then } });
          // A harder signal or a shorter grace (a kill during a restart, a second Ctrl-C's SIGKILL)
          // takes effect at once, beside the stop already under way.
          if (event.signal !== undefined || event.graceMs !== undefined) {
            next.effects.push({ kind: "end-tree", signal: event.signal ?? spec.stopSignal, graceMs: event.graceMs ?? spec.graceMs, leftover: phase.leftover });
          }
          return next;
        }
        case "restart":
          return phase.then === "remove" ? unchanged(life) : recorded({ ...life, phase: { ...phase, then: "restart" } });
        default:
          return unchanged(life);
      }

    case "backoff":
      switch (event.type) {
        case "timer":
          return spawning(life, life.history);
        case "stop":
          return recorded({ ...life, phase: { kind: "stopped", reason: event.reason ?? "stopped while waiting to restart" } }, { kind: "cancel-timer" });
        case "remove":
          return recorded({ ...life, phase: { kind: "stopped", reason: "removed while waiting to restart" } }, { kind: "cancel-timer" }, { kind: "forget" });
        case "restart":
          // The restart the backoff was waiting for was counted when it was scheduled.
          return spawning(life, { ...restartHistory(life, spec), restarts: life.history.restarts }, { kind: "cancel-timer" });
        default:
          return unchanged(life);
      }

    case "lost": {
      const command = commandOnRun(life, event, spec);
      if (command) return command;
      if (event.type === "leftover-gone") {
        return recorded({ ...life, pid: null, endedAt: event.at, phase: { kind: "stopped", reason: "ended while no supervisor watched it" } });
      }
      return unchanged(life);
    }

    case "exited":
    case "parked":
    case "stopped":
      switch (event.type) {
        case "restart":
          return recorded({ ...clearedRun(life), history: restartHistory(life, spec), phase: { kind: "waiting", for: "admission", reason: "restart asked for", since: event.at } });
        case "remove":
          return { life, effects: [{ kind: "forget" }] };
        default:
          return unchanged(life);
      }
  }
}

/** The state `ps` shows for a phase. */
function stateOf(life: Life): ProcessState {
  const phase = life.phase;
  switch (phase.kind) {
    case "waiting":
      return "queued";
    case "exited":
      return phase.failed ? "crashed" : "exited";
    case "lost":
      return "running";
    default:
      return phase.kind;
  }
}

function reasonOf(life: Life, name: string): string | null {
  const phase = life.phase;
  switch (phase.kind) {
    case "waiting":
    case "parked":
      return phase.reason;
    case "stopped":
      return phase.reason;
    case "backoff":
      return `restarting in ${formatDuration(phase.delayMs)}`;
    case "lost":
      return `left running by an earlier supervisor (pid ${life.pid}); end it with "tend kill ${name}"`;
    case "running":
      return life.fault ?? life.notReady;
    default:
      return life.fault ?? life.survivors;
  }
}

/** The documented shape of a process's status (docs/json.md), the one place it is built. */
export function toStatus(spec: ProcessSpec, life: Life, worktree: string | null): ProcessStatus {
  return {
    name: spec.name,
    project: spec.project?.name ?? null,
    origin: spec.origin,
    state: stateOf(life),
    reason: reasonOf(life, spec.name),
    pid: life.pid,
    pidStartTime: life.pidStartTime,
    restarts: life.history.restarts,
    exitCode: life.exitCode,
    exitSignal: life.exitSignal,
    startedAt: life.startedAt,
    endedAt: life.endedAt,
    nextRestartAt: life.phase.kind === "backoff" ? life.phase.until : null,
    marker: life.marker,
    worktree,
    readyAt: life.readyAt,
    notReady: life.notReady,
    logLinesLost: life.logLinesLost,
    probeError: life.probeError,
  };
}

/**
 * A record left on disk by an earlier supervisor, taken into the machine: how it ended, or lost
 * while its process still runs (`alive`: its identity was checked), or stopped if that is gone.
 */
export function adoptRecord(record: ProcessRecord, alive: boolean, at: number): Life {
  const s = record.status;
  const base: Life = {
    ...newLife(at, record.spec),
    history: { ...freshHistory(record.spec.restart), restarts: s.restarts },
    pid: s.pid,
    pidStartTime: s.pidStartTime,
    marker: s.marker,
    startedAt: s.startedAt,
    endedAt: s.endedAt,
    exitCode: s.exitCode,
    exitSignal: s.exitSignal,
    readyAt: s.readyAt,
    notReady: s.notReady,
    logLinesLost: s.logLinesLost ?? 0,
    probeError: null,
  };
  const settled = adoptedSettled(s);
  if (settled) return { ...base, phase: settled };
  if (alive) return { ...base, phase: { kind: "lost" } };
  return { ...base, pid: null, phase: { kind: "stopped", reason: "ended while no supervisor watched it" } };
}

function adoptedSettled(s: ProcessStatus): Phase | null {
  switch (s.state) {
    case "exited":
      return { kind: "exited", failed: false };
    case "crashed":
      return { kind: "exited", failed: true };
    case "parked":
      return { kind: "parked", reason: s.reason ?? "parked" };
    case "stopped":
      return { kind: "stopped", reason: s.reason };
    default:
      return null;
  }
}
