import { describe, expect, test } from "bun:test";
import {
  DEFAULT_RESTART,
  type ExitInfo,
  type RestartDecision,
  type RestartHistory,
  type RestartMode,
  type RestartSettings,
  decideAfterExit,
  describeExit,
  freshHistory,
} from "../../src/core/restart-policy";

function settings(mode: RestartMode, overrides: Partial<RestartSettings> = {}): RestartSettings {
  return { mode, ...DEFAULT_RESTART, ...overrides };
}

/** Drives the policy the way the supervisor does, with a hand-advanced clock instead of real time. */
function simulator(s: RestartSettings) {
  let now = 1_700_000_000_000;
  let history: RestartHistory = freshHistory(s);
  return {
    run(uptimeMs: number, code: number | null = 1, signal: string | null = null): RestartDecision {
      const startedAt = now;
      now += uptimeMs;
      const exit: ExitInfo = { code, signal, startedAt, endedAt: now };
      const decision = decideAfterExit(s, history, exit);
      history = decision.history;
      if (decision.action === "restart") now += decision.delayMs;
      return decision;
    },
    get history() {
      return history;
    },
  };
}

function delays(decisions: RestartDecision[]): number[] {
  return decisions.map((d) => (d.action === "restart" ? d.delayMs : -1));
}

describe("defaults", () => {
  test("match the design: 2 s doubling to 120 s, 10 s minimum uptime, 5 rapid failures, park on 78", () => {
    expect(DEFAULT_RESTART).toEqual({
      initialBackoffMs: 2000,
      backoffFactor: 2,
      maxBackoffMs: 120000,
      minUptimeMs: 10000,
      maxRapidFailures: 5,
      parkExitCodes: [78],
    });
    expect(freshHistory(settings("always"))).toEqual({ rapidFailures: 0, rapidCleanExits: 0, nextBackoffMs: 2000, restarts: 0 });
  });
});

describe("backoff", () => {
  test("climbs 2, 4, 8, 16, 32, 64 s and stays at the 120 s cap", () => {
    const sim = simulator(settings("always", { maxRapidFailures: 100 }));
    const decisions = Array.from({ length: 9 }, () => sim.run(1000));
    expect(delays(decisions)).toEqual([2000, 4000, 8000, 16000, 32000, 64000, 120000, 120000, 120000]);
    expect(decisions.every((d) => d.action === "restart" && d.rapid)).toBe(true);
    expect(sim.history).toEqual({ rapidFailures: 9, rapidCleanExits: 0, nextBackoffMs: 120000, restarts: 9 });
  });

  test("uses custom numbers", () => {
    const sim = simulator(
      settings("always", { initialBackoffMs: 100, maxBackoffMs: 2000, backoffFactor: 3, minUptimeMs: 500, maxRapidFailures: 10 }),
    );
    const decisions = Array.from({ length: 6 }, () => sim.run(10));
    expect(delays(decisions)).toEqual([100, 300, 900, 2000, 2000, 2000]);
  });

  test("a custom minimum uptime decides what is rapid", () => {
    const sim = simulator(settings("always", { initialBackoffMs: 100, maxBackoffMs: 2000, minUptimeMs: 500 }));
    const quick = sim.run(499);
    expect(quick.action === "restart" && quick.rapid).toBe(true);
    const steady = sim.run(500);
    expect(steady.action === "restart" && !steady.rapid).toBe(true);
    expect(delays([steady])).toEqual([100]);
  });
});

describe("rapid failures", () => {
  test("park on the 5th with defaults, after restarts at 2, 4, 8 and 16 s", () => {
    const sim = simulator(settings("always"));
    const decisions = Array.from({ length: 5 }, () => sim.run(3000, 1));
    expect(delays(decisions.slice(0, 4))).toEqual([2000, 4000, 8000, 16000]);
    const last = decisions[4]!;
    expect(last.action).toBe("park");
    if (last.action !== "park") throw new Error("unreachable");
    expect(last.reason).toStartWith("5 rapid failures");
    expect(last.history.rapidFailures).toBe(5);
    expect(last.history.restarts).toBe(4);
  });

  test("a quick clean exit under 'always' counts as rapid", () => {
    const sim = simulator(settings("always"));
    const decisions = Array.from({ length: 5 }, () => sim.run(100, 0));
    expect(decisions.map((d) => d.action)).toEqual(["restart", "restart", "restart", "restart", "park"]);
  });

  test("a loop of clean exits is parked as a one-shot job, not as a failure", () => {
    const sim = simulator(settings("always"));
    const last = Array.from({ length: 5 }, () => sim.run(100, 0)).at(-1)!;
    expect(last).toMatchObject({ action: "park", reason: 'exits at once with code 0 (5 times, each ran < 10s); use restart = "no" for one-shot jobs' });
  });

  test("one crash among the quick exits makes it a failure story again", () => {
    const sim = simulator(settings("always"));
    for (const code of [0, 0, 1, 0]) sim.run(100, code);
    const last = sim.run(100, 0);
    expect(last).toMatchObject({ action: "park", reason: "5 rapid failures (each ran < 10s)" });
  });

  test("a run of exactly the minimum uptime is not rapid", () => {
    const sim = simulator(settings("always"));
    for (let i = 0; i < 20; i++) {
      const d = sim.run(10_000);
      expect(d.action === "restart" && !d.rapid && d.delayMs === 2000).toBe(true);
    }
    expect(sim.history.restarts).toBe(20);
  });
});

describe("reset", () => {
  test("a run of 10 s or more resets the backoff to 2 s and the rapid count to 0, but not the restart count", () => {
    const sim = simulator(settings("always"));
    expect(delays([sim.run(1000), sim.run(1000), sim.run(1000), sim.run(1000)])).toEqual([2000, 4000, 8000, 16000]);
    expect(sim.history.rapidFailures).toBe(4);

    const long = sim.run(10_000);
    expect(long.action === "restart" && long.delayMs === 2000 && !long.rapid).toBe(true);
    expect(sim.history).toEqual({ rapidFailures: 0, rapidCleanExits: 0, nextBackoffMs: 4000, restarts: 5 });

    // After the reset, it takes five fresh rapid failures to park.
    const after = Array.from({ length: 5 }, () => sim.run(1000));
    expect(after.map((d) => d.action)).toEqual(["restart", "restart", "restart", "restart", "park"]);
    expect(delays(after.slice(0, 4))).toEqual([4000, 8000, 16000, 32000]);
  });

  test("a long run resets the history even when the process is then done", () => {
    const s = settings("on-failure");
    const d = decideAfterExit(s, { rapidFailures: 3, rapidCleanExits: 0, nextBackoffMs: 16000, restarts: 7 }, {
      code: 0,
      signal: null,
      startedAt: 0,
      endedAt: 60_000,
    });
    expect(d).toEqual({ action: "done", history: { rapidFailures: 0, rapidCleanExits: 0, nextBackoffMs: 2000, restarts: 7 } });
  });
});

describe("permanent exit code", () => {
  for (const mode of ["always", "on-failure", "no"] as const) {
    test(`78 parks at once under '${mode}'`, () => {
      const sim = simulator(settings(mode));
      const d = sim.run(50_000, 78);
      expect(d).toMatchObject({ action: "park", reason: "permanent exit code 78" });
    });
  }

  test("custom park codes name the actual code", () => {
    const sim = simulator(settings("always", { parkExitCodes: [3, 64] }));
    expect(sim.run(100, 64)).toMatchObject({ action: "park", reason: "permanent exit code 64" });
    expect(sim.run(100, 78).action).toBe("restart");
  });

  test("a signal is never a park code", () => {
    const sim = simulator(settings("always"));
    expect(sim.run(100, null, "SIGTERM").action).toBe("restart");
  });
});

describe("modes", () => {
  test("'always' restarts a clean exit", () => {
    const sim = simulator(settings("always"));
    expect(sim.run(20_000, 0)).toMatchObject({ action: "restart", delayMs: 2000, rapid: false });
  });

  test("'on-failure' does not restart exit 0", () => {
    const sim = simulator(settings("on-failure"));
    expect(sim.run(20_000, 0).action).toBe("done");
    expect(sim.run(100, 0).action).toBe("done");
    expect(sim.history.restarts).toBe(0);
  });

  test("'on-failure' restarts a non-zero exit and a signal", () => {
    const sim = simulator(settings("on-failure"));
    expect(sim.run(20_000, 1)).toMatchObject({ action: "restart", delayMs: 2000 });
    expect(sim.run(20_000, null, "SIGKILL")).toMatchObject({ action: "restart", delayMs: 2000 });
    expect(sim.history.restarts).toBe(2);
  });

  test("'no' never restarts", () => {
    const sim = simulator(settings("no"));
    for (const [code, signal] of [[0, null], [1, null], [null, "SIGSEGV"], [137, null]] as const) {
      expect(sim.run(100, code, signal).action).toBe("done");
    }
    expect(sim.history.restarts).toBe(0);
  });
});

describe("purity", () => {
  test("does not mutate the history it is given", () => {
    const s = settings("always");
    const before: RestartHistory = { rapidFailures: 2, rapidCleanExits: 0, nextBackoffMs: 8000, restarts: 2 };
    const copy = { ...before };
    decideAfterExit(s, before, { code: 1, signal: null, startedAt: 0, endedAt: 10 });
    expect(before).toEqual(copy);
  });
});

describe("describeExit", () => {
  test("names the code or the signal", () => {
    expect(describeExit(1, null)).toBe("code=1");
    expect(describeExit(0, null)).toBe("code=0");
    expect(describeExit(null, "SIGKILL")).toBe("signal=SIGKILL");
  });
});
