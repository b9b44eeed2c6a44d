import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { defaultsFor, type ProcessSpec } from "../../src/core/process-spec";
import type { ProbeSpec } from "../../src/core/probe-spec";
import { Supervisor, type NewProcess } from "../../src/supervisor/supervisor";
import { FakeClock } from "../helpers/fake-clock";
import { commandNotFound, fakeDrivers, turn, type FakeIo } from "../helpers/fake-driver";

/**
 * Whole lives of processes through the real supervisor and lifecycle machine, with a clock
 * moved by hand and drivers that run nothing: no process, no sleep.
 */

let home: string;
let clock: FakeClock;
let io: Map<string, FakeIo>;
let failFirst: Map<string, Error>;
let sup: Supervisor;
let notices: string[];

function makeSupervisor(capacity = 0, events: ConstructorParameters<typeof Supervisor>[0]["events"] = {}): Supervisor {
  const drivers = fakeDrivers(clock);
  io = drivers.io;
  failFirst = drivers.failFirst;
  notices = [];
  return new Supervisor({
    home,
    dir: home,
    capacity,
    clock,
    driver: drivers.factory,
    events: { notice: (name, message) => notices.push(`${name ?? "-"}: ${message}`), ...events },
  });
}

beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), "tend-lives-"));
  clock = new FakeClock();
  sup = makeSupervisor();
});

afterEach(async () => {
  await sup.shutdown();
  rmSync(home, { recursive: true, force: true });
});

const probe: ProbeSpec = { check: { kind: "port", host: "127.0.0.1", port: 1 }, intervalMs: 100, attemptTimeoutMs: 1000, timeoutMs: 60_000 };

function worker(name: string, more: Partial<ProcessSpec> = {}): NewProcess {
  return { ...defaultsFor("worker"), name, command: [name], shell: false, ...more };
}

function session(name: string, more: Partial<ProcessSpec> = {}): NewProcess {
  return { ...defaultsFor("session"), name, command: [name], shell: false, ...more };
}

const state = (name: string) => sup.get(name).status.state;
const reason = (name: string) => sup.get(name).status.reason;
const runs = (name: string) => io.get(name)!.runs.length;

describe("the restart ladder", () => {
  test("a crash loop backs off 2, 4, 8, 16 s and parks after 5 rapid failures", async () => {
    await sup.add([worker("flaky")]);
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      expect(io.get("flaky")!.last.restarts).toBe(i);
      clock.advance(100);
      io.get("flaky")!.last.exit(1);
      await turn();
      if (i === 4) break;
      expect(state("flaky")).toBe("backoff");
      const next = sup.get("flaky").status.nextRestartAt! - clock.now();
      delays.push(next);
      clock.advance(next - 1);
      expect(runs("flaky")).toBe(i + 1);
      clock.advance(1);
      expect(runs("flaky")).toBe(i + 2);
    }
    expect(delays).toEqual([2000, 4000, 8000, 16_000]);
    expect(state("flaky")).toBe("parked");
    expect(reason("flaky")).toBe("5 rapid failures (each ran < 10s)");
    expect(clock.pending).toBe(0);
    // The record on disk says the same.
    expect(JSON.parse(readFileSync(path.join(home, "processes", "flaky.json"), "utf8")).status.state).toBe("parked");
  });

  test("a run of 10 s resets the failure count and the backoff", async () => {
    await sup.add([worker("w")]);
    for (let i = 0; i < 3; i++) {
      clock.advance(100);
      io.get("w")!.last.exit(1);
      await turn();
      clock.advance(sup.get("w").status.nextRestartAt! - clock.now());
    }
    clock.advance(10_000);
    io.get("w")!.last.exit(1);
    await turn();
    expect(sup.get("w").status.nextRestartAt! - clock.now()).toBe(2000);
    expect(sup.get("w").status.restarts).toBe(4);
  });

  test("a command that cannot start is parked with why, and the caller gets the error", async () => {
    failFirst.set("ghost", commandNotFound("ghost"));
    const { records, errors } = await sup.add([session("ghost"), session("fine")]);
    expect(errors.map((e) => e.message)).toEqual(["cannot start ghost: command not found"]);
    expect(records.map((r) => [r.spec.name, r.status.state])).toEqual([["ghost", "parked"], ["fine", "running"]]);
    expect(reason("ghost")).toBe("cannot start ghost: command not found");
  });
});

describe("dependencies", () => {
  test("a chain starts link by link as each one gets where its dependant asks", async () => {
    await sup.add([
      worker("db", { ready: probe }),
      worker("api", { dependsOn: { db: "ready" } }),
      worker("web", { dependsOn: { api: "started" } }),
    ]);
    expect(runs("db")).toBe(1);
    expect(runs("api")).toBe(0);
    expect(state("api")).toBe("queued");
    expect(reason("api")).toBe("waiting for db (ready)");
    expect(reason("web")).toBe("waiting for api (started)");
    io.get("db")!.last.probe!.passed();
    expect(state("db")).toBe("ready");
    expect(runs("api")).toBe(1);
    expect(runs("web")).toBe(1);
    expect(state("web")).toBe("running");
  });

  test("a dependency that fails parks its dependants with the reason, instead of waiting for ever", async () => {
    await sup.add([worker("migrate", { restart: { ...defaultsFor("worker").restart, mode: "no" } }), worker("web", { dependsOn: { migrate: "completed" } })]);
    io.get("migrate")!.last.exit(3);
    await turn();
    expect(state("web")).toBe("parked");
    expect(reason("web")).toBe("dependency migrate exited with code 3");
    expect(runs("web")).toBe(0);
  });

  test("a one-shot that completes lets its dependant start", async () => {
    await sup.add([worker("migrate", { restart: { ...defaultsFor("worker").restart, mode: "no" } }), worker("web", { dependsOn: { migrate: "completed" } })]);
    io.get("migrate")!.last.exit(0);
    await turn();
    expect(state("web")).toBe("running");
  });
});

describe("capacity", () => {
  test("sessions past the capacity wait, say why, and start first come first served as slots free", async () => {
    sup = makeSupervisor(2);
    await sup.add([session("s1"), session("s2")]);
    await sup.add([session("s3")]);
    await sup.add([session("s4")]);
    expect([state("s1"), state("s2"), state("s3"), state("s4")]).toEqual(["running", "running", "queued", "queued"]);
    expect(reason("s3")).toBe("queued: at capacity");
    // A restart of a queued session keeps its place.
    await sup.restart("s4");
    expect(state("s4")).toBe("queued");
    io.get("s2")!.last.exit(0);
    await turn();
    expect(state("s3")).toBe("running");
    expect(state("s4")).toBe("queued");
    await sup.remove("s1", {});
    expect(state("s4")).toBe("running");
  });

  test("a restart of a running session keeps its slot", async () => {
    sup = makeSupervisor(1);
    await sup.add([session("a"), session("b")]);
    await sup.restart("a");
    expect(runs("a")).toBe(2);
    expect(state("b")).toBe("queued");
  });

  test("workers do not count against the capacity", async () => {
    sup = makeSupervisor(1);
    await sup.add([session("a"), worker("w1"), worker("w2")]);
    expect([state("a"), state("w1"), state("w2")]).toEqual(["running", "running", "running"]);
  });
});

describe("processes of another user in the tree", () => {
  test("a stop that cannot signal the run's leader still ends: stopped, saying which pid still runs", async () => {
    await sup.add([session("pg")]);
    const run = io.get("pg")!.last;
    run.theirs = true;
    const stopped = sup.stop("pg");
    await turn();
    expect(state("pg")).toBe("stopping");
    clock.advance(1000);
    await stopped;
    expect(state("pg")).toBe("stopped");
    expect(reason("pg")).toBe(`pid ${run.pid} (uid 101) could not be signalled`);
    expect(run.abandoned).toBe(true);
    expect(notices).toContain(`pg: stopped; pid ${run.pid} (uid 101) could not be signalled`);
  });

  test("a run that ends by itself but leaves another user's process says so, and the record settles", async () => {
    await sup.add([session("job")]);
    const run = io.get("job")!.last;
    run.exit(0, null, "pid 7 (uid 101) could not be signalled");
    await turn();
    expect(state("job")).toBe("exited");
    expect(reason("job")).toBe("pid 7 (uid 101) could not be signalled");
  });
});

describe("races between requests", () => {
  test("a kill during a restart wins: nothing comes back", async () => {
    await sup.add([session("stubborn")]);
    io.get("stubborn")!.last.stubborn = true;
    const restart = sup.restart("stubborn");
    const kill = sup.remove("stubborn", { signal: "SIGKILL", graceMs: 0 });
    await Promise.all([restart, kill]);
    expect(sup.list()).toEqual([]);
    expect(runs("stubborn")).toBe(1);
  });

  test("two replacements of one name at once: one wins, the other is told, one process runs", async () => {
    await sup.add([session("api")]);
    const results = await Promise.allSettled([sup.add([session("api")], { replace: true }), sup.add([session("api")], { replace: true })]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason.code).toBe("name_taken");
    expect(sup.list().map((r) => [r.spec.name, r.status.state])).toEqual([["api", "running"]]);
  });

  test("an add during shutdown is refused", async () => {
    await sup.add([session("slow")]);
    io.get("slow")!.last.stubborn = true;
    const stopping = sup.shutdown();
    await expect(sup.add([session("late")])).rejects.toMatchObject({ code: "shutting_down" });
    await sup.killAll();
    await stopping;
  });

  test("a stop waits for the tree to end and reports how it ended", async () => {
    await sup.add([session("s")]);
    const record = await sup.stop("s");
    expect(record.status).toMatchObject({ state: "stopped", exitSignal: "SIGTERM", pid: null });
  });
});

describe("the supervisor never dies of a bug", () => {
  test("a throwing listener and a failing effect: logged, the process marked, the rest supervised, stop works", async () => {
    let throwing = true;
    sup = makeSupervisor(0, {
      change() {
        if (throwing) throw new Error("listener bug");
      },
    });
    await sup.add([worker("healthy"), worker("buggy")]);
    sup.subscribe("healthy", {
      change() {
        throw new Error("subscriber bug");
      },
    });
    // An effect that fails with something that is not a refusal to start: a bug in tend.
    io.get("buggy")!.last.exit(1);
    await turn();
    io.get("buggy")!.failNext = new TypeError("cannot read properties of undefined");
    clock.advance(2000);
    expect(state("buggy")).toBe("parked");
    expect(reason("buggy")).toContain("internal error (spawn): cannot read properties of undefined");
    // The other process is still supervised: a crash is restarted.
    io.get("healthy")!.last.exit(1);
    await turn();
    expect(state("healthy")).toBe("backoff");
    clock.advance(2000);
    expect(runs("healthy")).toBe(2);
    const log = readFileSync(path.join(home, "supervisor.log"), "utf8");
    expect(log).toContain("listener bug");
    expect(log).toContain("subscriber bug");
    expect(log).toContain("TypeError: cannot read properties of undefined");
    throwing = false;
    await sup.shutdown();
    expect(sup.list()).toEqual([]);
  });
});
