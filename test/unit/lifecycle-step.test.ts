import { describe, expect, test } from "bun:test";
import { adoptRecord, newLife, step, toStatus, type Effect, type Life, type LifeEvent, type Phase } from "../../src/core/lifecycle";
import { defaultsFor, type ProcessSpec } from "../../src/core/process-spec";

const T = 1_000_000;
const spec: ProcessSpec = { ...defaultsFor("session"), name: "web", command: ["web"], shell: false };
const always: ProcessSpec = { ...spec, restart: { ...spec.restart, mode: "always" } };
const probed: ProcessSpec = { ...spec, ready: { check: { kind: "port", host: "127.0.0.1", port: 1 }, intervalMs: 100, attemptTimeoutMs: 1000, timeoutMs: 5000 } };

function life(phase: Phase, extra: Partial<Life> = {}): Life {
  const running = phase.kind === "running" || phase.kind === "ready" || phase.kind === "stopping" || phase.kind === "lost";
  return { ...newLife(T, spec), pid: running ? 42 : null, startedAt: running ? T : null, marker: running ? "m" : null, ...extra, phase };
}

const kinds = (effects: Effect[]) => effects.map((e) => e.kind);

type Row = [what: string, from: Life, event: LifeEvent, to: Partial<Phase> & { kind: Phase["kind"] }, effects: Effect["kind"][], s?: ProcessSpec];

const rows: Row[] = [
  // Admission.
  ["waiting: admitted, it spawns", life({ kind: "waiting", for: "admission", reason: "r", since: T }), { type: "admit" }, { kind: "starting" }, ["record", "spawn"]],
  ["waiting: held at capacity says why", life({ kind: "waiting", for: "admission", reason: "r", since: T }), { type: "hold", for: "capacity", reason: "queued: at capacity" }, { kind: "waiting", for: "capacity", reason: "queued: at capacity", since: T }, ["record", "notify"]],
  ["waiting: held again for the same reason changes nothing", life({ kind: "waiting", for: "capacity", reason: "queued: at capacity", since: T }), { type: "hold", for: "capacity", reason: "queued: at capacity" }, { kind: "waiting", for: "capacity" }, []],
  ["waiting: a failed dependency parks it", life({ kind: "waiting", for: "dependencies", reason: "waiting for db (ready)", since: T }), { type: "refuse", reason: "dependency db exited with code 1", at: T }, { kind: "parked", reason: "dependency db exited with code 1" }, ["record", "notify"]],
  ["waiting: a restart keeps its place", life({ kind: "waiting", for: "capacity", reason: "queued: at capacity", since: T }), { type: "restart", at: T + 5 }, { kind: "waiting", since: T }, []],
  ["waiting: a stop ends it unstarted", life({ kind: "waiting", for: "capacity", reason: "q", since: T }), { type: "stop", at: T }, { kind: "stopped", reason: "stopped before it started" }, ["record"]],
  ["waiting: a kill forgets it", life({ kind: "waiting", for: "capacity", reason: "q", since: T }), { type: "remove", at: T }, { kind: "stopped" }, ["record", "forget"]],
  // Spawning.
  ["starting: spawned, it runs", life({ kind: "starting" }), { type: "spawned", pid: 7, pidStartTime: "s", marker: "m", at: T }, { kind: "running" }, ["record", "notify"]],
  ["starting: spawned with a probe, the probe starts", life({ kind: "starting" }), { type: "spawned", pid: 7, pidStartTime: "s", marker: "m", at: T }, { kind: "running" }, ["record", "notify", "start-probe"], probed],
  ["starting: a command that cannot start is parked", life({ kind: "starting" }), { type: "spawn-failed", reason: "cannot start x: command not found", at: T }, { kind: "parked", reason: "cannot start x: command not found" }, ["record", "notify"]],
  // Running.
  ["running: the probe passes", life({ kind: "running" }), { type: "probe-passed", at: T + 50 }, { kind: "ready" }, ["record", "notify"], probed],
  ["running: the probe gives up, still running", life({ kind: "running" }), { type: "probe-failed", message: "not ready after 5s (port 127.0.0.1:1): connection refused", at: T + 5000 }, { kind: "running" }, ["record", "notify"], probed],
  ["running: a clean exit without restart ends it", life({ kind: "running" }), { type: "exited", code: 0, signal: null, at: T + 20_000 }, { kind: "exited", failed: false }, ["record", "cancel-probe", "notify"]],
  ["running: a crash with restart=always backs off", life({ kind: "running" }), { type: "exited", code: 1, signal: null, at: T + 100 }, { kind: "backoff", until: T + 100 + 2000, delayMs: 2000 }, ["record", "cancel-probe", "start-timer", "notify"], always],
  ["running: exit 78 parks at once", life({ kind: "running" }), { type: "exited", code: 78, signal: null, at: T + 100 }, { kind: "parked", reason: "permanent exit code 78" }, ["record", "cancel-probe", "notify"], always],
  ["running: a stop ends the tree", life({ kind: "running" }), { type: "stop", at: T }, { kind: "stopping", then: "stop", deadline: T + spec.graceMs }, ["record", "cancel-probe", "end-tree", "notify"]],
  ["running: a restart stops first", life({ kind: "running" }), { type: "restart", at: T }, { kind: "stopping", then: "restart" }, ["record", "cancel-probe", "end-tree", "notify"]],
  ["ready: a kill stops then forgets", life({ kind: "ready" }), { type: "remove", at: T }, { kind: "stopping", then: "remove" }, ["record", "cancel-probe", "end-tree", "notify"]],
  // Stopping: later requests win over earlier ones.
  ["stopping for a restart: a kill wins (kill during restart)", life({ kind: "stopping", then: "restart", deadline: T, leftover: false }), { type: "remove", at: T }, { kind: "stopping", then: "remove" }, ["record"]],
  ["stopping for a restart: a stop wins", life({ kind: "stopping", then: "restart", deadline: T, leftover: false }), { type: "stop", at: T }, { kind: "stopping", then: "stop" }, ["record"]],
  ["stopping for a removal: a restart does not bring it back", life({ kind: "stopping", then: "remove", deadline: T, leftover: false }), { type: "restart", at: T }, { kind: "stopping", then: "remove" }, []],
  ["stopping for a restart: a kill with a shorter grace acts at once", life({ kind: "stopping", then: "restart", deadline: T, leftover: false }), { type: "remove", graceMs: 500, at: T }, { kind: "stopping", then: "remove" }, ["record", "end-tree"]],
  ["stopping: SIGKILL on top goes out at once", life({ kind: "stopping", then: "stop", deadline: T, leftover: false }), { type: "stop", signal: "SIGKILL", graceMs: 0, at: T }, { kind: "stopping", then: "stop" }, ["record", "end-tree"]],
  ["stopping: the tree ended, it is stopped", life({ kind: "stopping", then: "stop", deadline: T, leftover: false }), { type: "exited", code: null, signal: "SIGTERM", at: T }, { kind: "stopped", reason: null }, ["record", "notify"]],
  ["stopping for a restart: the tree ended, it spawns again", life({ kind: "stopping", then: "restart", deadline: T, leftover: false }), { type: "exited", code: null, signal: "SIGTERM", at: T }, { kind: "starting" }, ["record", "spawn"]],
  ["stopping for a removal: the tree ended, it is forgotten", life({ kind: "stopping", then: "remove", deadline: T, leftover: false }), { type: "exited", code: 0, signal: null, at: T }, { kind: "stopped" }, ["record", "notify", "forget"]],
  ["stopping: the probe's news is too late", life({ kind: "stopping", then: "stop", deadline: T, leftover: false }), { type: "probe-passed", at: T }, { kind: "stopping" }, [], probed],
  // Backoff.
  ["backoff: the timer fires, it spawns", life({ kind: "backoff", until: T, delayMs: 2000 }), { type: "timer", at: T }, { kind: "starting" }, ["record", "spawn"]],
  ["backoff: a stop cancels the restart", life({ kind: "backoff", until: T, delayMs: 2000 }), { type: "stop", at: T }, { kind: "stopped", reason: "stopped while waiting to restart" }, ["record", "cancel-timer"]],
  ["backoff: a kill cancels and forgets", life({ kind: "backoff", until: T, delayMs: 2000 }), { type: "remove", at: T }, { kind: "stopped" }, ["record", "cancel-timer", "forget"]],
  ["backoff: a restart starts it now", life({ kind: "backoff", until: T + 9000, delayMs: 2000 }), { type: "restart", at: T }, { kind: "starting" }, ["record", "cancel-timer", "spawn"]],
  // Ended.
  ["exited: a restart asks admission again", life({ kind: "exited", failed: false }), { type: "restart", at: T }, { kind: "waiting", for: "admission", since: T }, ["record"]],
  ["parked: a restart asks admission again", life({ kind: "parked", reason: "5 rapid failures" }), { type: "restart", at: T }, { kind: "waiting" }, ["record"]],
  ["stopped: a kill forgets it at once", life({ kind: "stopped", reason: null }), { type: "remove", at: T }, { kind: "stopped" }, ["forget"]],
  ["stopped: a stale timer is ignored", life({ kind: "stopped", reason: null }), { type: "timer", at: T }, { kind: "stopped" }, []],
  ["exited: a late exit is ignored", life({ kind: "exited", failed: true }), { type: "exited", code: 1, signal: null, at: T }, { kind: "exited" }, []],
  // Lost with an earlier supervisor.
  ["lost: it is seen gone", life({ kind: "lost" }), { type: "leftover-gone", at: T }, { kind: "stopped", reason: "ended while no supervisor watched it" }, ["record"]],
  ["lost: a restart ends the old run first (restart of a lost process)", life({ kind: "lost" }), { type: "restart", at: T }, { kind: "stopping", then: "restart", leftover: true }, ["record", "cancel-probe", "end-tree", "notify"]],
  ["lost, stopping for a restart: once gone it spawns", life({ kind: "stopping", then: "restart", deadline: T, leftover: true }), { type: "leftover-gone", at: T }, { kind: "starting" }, ["record", "spawn"]],
  ["lost: a kill ends it by identity", life({ kind: "lost" }), { type: "remove", at: T }, { kind: "stopping", then: "remove", leftover: true }, ["record", "cancel-probe", "end-tree", "notify"]],
  // Faults in the supervisor's own handling.
  ["running: a fault is shown, the run stays ours", life({ kind: "running" }), { type: "fault", message: "internal error (record): boom", at: T }, { kind: "running" }, ["record", "notify"]],
  ["backoff: a fault parks it, the restart is off", life({ kind: "backoff", until: T, delayMs: 2000 }), { type: "fault", message: "internal error", at: T }, { kind: "parked" }, ["record", "cancel-timer", "notify"]],
  // The log dropping lines is told and recorded, whatever the phase.
  ["running: the log drops lines", life({ kind: "running" }), { type: "log-loss", total: 12, message: "m", level: "error" }, { kind: "running" }, ["record", "notify"]],
  ["exited: a loss told after the run ended", life({ kind: "exited", failed: false }), { type: "log-loss", total: 12, message: "m", level: "warn" }, { kind: "exited" }, ["record", "notify"]],
];

describe("step: (phase, event) → (phase, effects)", () => {
  for (const [what, from, event, to, effects, s] of rows) {
    test(what, () => {
      const next = step(from, event, s ?? spec);
      expect(next.life.phase).toMatchObject(to);
      expect(kinds(next.effects)).toEqual(effects);
    });
  }
});

describe("what a step decides", () => {
  test("a restart asked for counts once and starts the failure count afresh", () => {
    const from = life({ kind: "running" }, { history: { rapidFailures: 3, rapidCleanExits: 0, nextBackoffMs: 16_000, restarts: 4 } });
    const stopping = step(from, { type: "restart", at: T }, always).life;
    const again = step(stopping, { type: "exited", code: null, signal: "SIGTERM", at: T + 10 }, always);
    expect(again.life.history).toEqual({ rapidFailures: 0, rapidCleanExits: 0, nextBackoffMs: 2000, restarts: 5 });
    expect(again.effects).toContainEqual({ kind: "spawn", restarts: 5 });
  });

  test("a restart during backoff is the one already counted", () => {
    const from = life({ kind: "backoff", until: T + 2000, delayMs: 2000 }, { history: { rapidFailures: 1, rapidCleanExits: 0, nextBackoffMs: 4000, restarts: 1 } });
    expect(step(from, { type: "restart", at: T }, always).life.history.restarts).toBe(1);
  });

  test("the stop uses the given signal and grace, else the process's own", () => {
    const own = step(life({ kind: "running" }), { type: "stop", at: T }, spec).effects;
    expect(own).toContainEqual({ kind: "end-tree", signal: "SIGTERM", graceMs: spec.graceMs, leftover: false });
    const given = step(life({ kind: "running" }), { type: "stop", signal: "SIGINT", graceMs: 500, at: T }, spec).effects;
    expect(given).toContainEqual({ kind: "end-tree", signal: "SIGINT", graceMs: 500, leftover: false });
  });

  test("the backoff's notice and status say when the restart comes", () => {
    const next = step(life({ kind: "running" }), { type: "exited", code: 3, signal: null, at: T + 100 }, always);
    expect(next.effects).toContainEqual({ kind: "notify", message: "exited code=3, restarting in 2s", level: "warn" });
    const status = toStatus(always, next.life, null);
    expect(status).toMatchObject({ state: "backoff", reason: "restarting in 2s", nextRestartAt: T + 2100, exitCode: 3, pid: null, restarts: 1 });
  });

  test("the lines the log lost are in the status, and survive an earlier supervisor's record", () => {
    const lossy = step(life({ kind: "running" }), { type: "log-loss", total: 2913, message: "m", level: "warn" }, spec).life;
    expect(toStatus(spec, lossy, null).logLinesLost).toBe(2913);
    const record = { spec, status: toStatus(spec, { ...lossy, phase: { kind: "exited", failed: false } }, null) };
    expect(adoptRecord(record, false, T).logLinesLost).toBe(2913);
  });

  test("a queued process always says why it waits", () => {
    const fresh = toStatus(spec, newLife(T, spec), null);
    expect(fresh.state).toBe("queued");
    expect(fresh.reason).toBe("not started yet");
    const held = step(newLife(T, spec), { type: "hold", for: "capacity", reason: "queued: at capacity" }, spec).life;
    expect(toStatus(spec, held, null)).toMatchObject({ state: "queued", reason: "queued: at capacity" });
  });

  test("a crash without restart is shown crashed, a clean one exited", () => {
    const crash = step(life({ kind: "running" }), { type: "exited", code: 2, signal: null, at: T }, spec).life;
    expect(toStatus(spec, crash, null).state).toBe("crashed");
    const clean = step(life({ kind: "running" }), { type: "exited", code: 0, signal: null, at: T }, spec).life;
    expect(toStatus(spec, clean, null).state).toBe("exited");
  });
});

describe("adopting a record of an earlier supervisor", () => {
  const record = (state: string, reason: string | null = null) => ({
    spec,
    status: { ...toStatus(spec, life({ kind: "running" }), null), state, reason, restarts: 2 } as ReturnType<typeof toStatus>,
  });

  test("a process still running is lost, and says how to end it", () => {
    const adopted = adoptRecord(record("running"), true, T);
    expect(adopted.phase.kind).toBe("lost");
    expect(toStatus(spec, adopted, null)).toMatchObject({ state: "running", pid: 42, restarts: 2, reason: 'left running by an earlier supervisor (pid 42); end it with "tend kill web"' });
  });

  test("one whose process is gone is stopped, with why", () => {
    const adopted = adoptRecord(record("backoff"), false, T);
    expect(toStatus(spec, adopted, null)).toMatchObject({ state: "stopped", pid: null, reason: "ended while no supervisor watched it" });
  });

  test("a finished one keeps how it ended", () => {
    expect(toStatus(spec, adoptRecord(record("crashed"), false, T), null).state).toBe("crashed");
    expect(toStatus(spec, adoptRecord(record("parked", "5 rapid failures"), false, T), null)).toMatchObject({ state: "parked", reason: "5 rapid failures" });
  });
});
