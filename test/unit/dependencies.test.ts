import { describe, expect, test } from "bun:test";
import {
  type DepStatus,
  type DependencyVerdict,
  dependencyVerdict,
  findCycle,
  stopOrder,
} from "../../src/core/dependencies";
import type { DependencyCondition } from "../../src/core/probe-spec";
import type { ProcessState } from "../../src/core/process-status";

describe("findCycle", () => {
  const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));

  test("none in a tree or a diamond", () => {
    expect(findCycle(graph({}))).toBeNull();
    expect(findCycle(graph({ web: ["api", "db"], api: ["db"], db: [] }))).toBeNull();
    expect(findCycle(graph({ web: ["elsewhere"] }))).toBeNull();
  });

  test("the path, first name repeated at the end", () => {
    expect(findCycle(graph({ web: ["api"], api: ["web"] }))).toEqual(["web", "api", "web"]);
    expect(findCycle(graph({ a: ["a"] }))).toEqual(["a", "a"]);
  });

  test("only the cycle, not the way into it", () => {
    expect(findCycle(graph({ web: ["api"], api: ["db"], db: ["cache"], cache: ["api"] }))).toEqual([
      "api",
      "db",
      "cache",
      "api",
    ]);
  });

  test("found wherever it is, in map order", () => {
    expect(findCycle(graph({ a: ["b"], b: [], c: ["d"], d: ["e"], e: ["c"] }))).toEqual(["c", "d", "e", "c"]);
  });
});

type Spec = { name: string; dependsOn?: Record<string, DependencyCondition> };

describe("stopOrder", () => {
  test("dependants first, each wave after those depending on it", () => {
    const specs: Spec[] = [
      { name: "db" },
      { name: "migrate", dependsOn: { db: "ready" } },
      { name: "web", dependsOn: { db: "ready", migrate: "completed" } },
      { name: "cache" },
      { name: "worker", dependsOn: { cache: "started" } },
    ];
    expect(stopOrder(specs)).toEqual([["web", "worker"], ["migrate", "cache"], ["db"]]);
  });

  test("independent processes stop together; nothing gives nothing", () => {
    expect(stopOrder([{ name: "a" }, { name: "b" }])).toEqual([["a", "b"]]);
    expect(stopOrder([])).toEqual([]);
  });

  test("dependencies outside the list are ignored, and a cycle still stops", () => {
    expect(stopOrder([{ name: "web", dependsOn: { gone: "ready" } }])).toEqual([["web"]]);
    const cyclic: Spec[] = [
      { name: "top", dependsOn: { a: "ready" } },
      { name: "a", dependsOn: { b: "ready" } },
      { name: "b", dependsOn: { a: "ready" } },
    ];
    expect(stopOrder(cyclic)).toEqual([["top"], ["a", "b"]]);
  });
});

describe("dependencyVerdict", () => {
  const status = (state: ProcessState, patch: Partial<DepStatus> = {}): DepStatus => ({
    state,
    hasProbe: false,
    exitCode: null,
    exitSignal: null,
    ...patch,
  });
  const verdict = (condition: DependencyCondition, dep: DepStatus | undefined) => dependencyVerdict(condition, dep, "db");
  const met: DependencyVerdict = { kind: "met" };
  const waiting = (condition: DependencyCondition): DependencyVerdict => ({
    kind: "waiting",
    reason: `waiting for db (${condition})`,
  });
  const failed = (reason: string): DependencyVerdict => ({ kind: "failed", reason });

  test("started: running or ready, or a one-shot that exited 0", () => {
    expect(verdict("started", status("running"))).toEqual(met);
    expect(verdict("started", status("running", { hasProbe: true }))).toEqual(met);
    expect(verdict("started", status("ready", { hasProbe: true }))).toEqual(met);
    expect(verdict("started", status("exited", { exitCode: 0 }))).toEqual(met);
    for (const state of ["queued", "starting", "backoff"] as const) {
      expect(verdict("started", status(state))).toEqual(waiting("started"));
    }
  });

  test("ready: its probe passed, or it runs when it has none", () => {
    expect(verdict("ready", status("ready", { hasProbe: true }))).toEqual(met);
    expect(verdict("ready", status("running"))).toEqual(met);
    expect(verdict("ready", status("running", { hasProbe: true }))).toEqual(waiting("ready"));
    expect(verdict("ready", status("starting"))).toEqual(waiting("ready"));
    expect(verdict("ready", status("backoff", { exitCode: 1 }))).toEqual(waiting("ready"));
    expect(verdict("ready", status("exited", { exitCode: 0 }))).toEqual(met);
    expect(verdict("ready", status("exited", { exitCode: 0, hasProbe: true }))).toEqual(
      failed("dependency db exited before it was ready"),
    );
  });

  test("completed: exited with code 0, even if a restart is pending", () => {
    expect(verdict("completed", status("exited", { exitCode: 0 }))).toEqual(met);
    expect(verdict("completed", status("backoff", { exitCode: 0 }))).toEqual(met);
    expect(verdict("completed", status("backoff", { exitCode: 1 }))).toEqual(waiting("completed"));
    expect(verdict("completed", status("running"))).toEqual(waiting("completed"));
    expect(verdict("completed", status("ready", { hasProbe: true }))).toEqual(waiting("completed"));
  });

  test("failures that will not mend by themselves, for every condition", () => {
    for (const condition of ["started", "ready", "completed"] as const) {
      expect(verdict(condition, status("parked", { reason: "5 rapid failures", exitCode: 1 }))).toEqual(
        failed("dependency db parked: 5 rapid failures"),
      );
      expect(verdict(condition, status("parked"))).toEqual(failed("dependency db parked"));
      expect(verdict(condition, status("crashed", { exitCode: 1 }))).toEqual(failed("dependency db exited with code 1"));
      expect(verdict(condition, status("crashed", { exitSignal: "SIGKILL" }))).toEqual(
        failed("dependency db was killed by SIGKILL"),
      );
      expect(verdict(condition, status("exited", { exitCode: 3 }))).toEqual(failed("dependency db exited with code 3"));
      expect(verdict(condition, status("stopped"))).toEqual(failed("dependency db was stopped"));
      expect(verdict(condition, status("stopping"))).toEqual(failed("dependency db was stopped"));
      expect(verdict(condition, undefined)).toEqual(failed("dependency db does not exist"));
    }
  });
});
