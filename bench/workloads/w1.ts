import { runOk } from "../lib/exec";
import { removeDir, scratchDir } from "../lib/scratch";
import { fmtNumber, median, sleepers, waitAllRunning, type Live } from "./common";
import type { SessionCli, Tool } from "../adapters/types";
import { addSample, metric, type Check, type SectionResult, type Workload } from "./types";

const SIZES = [1, 100] as const;
const TITLE = "Control-plane latency: the list command (`tend ps`, `pm2 jlist`, `supervisorctl status`), and tend's session commands";
/** The figure for a cold start, as a user feels it: no supervisor yet, a session, its exit status. */
const COLD_TARGET_MS = 40;

/**
 * tend's own session commands, which the other tools have no match for: a cold start (a home
 * with no supervisor: `bg` starts one), and `bg`, `wait --exit` and `kill` against a supervisor
 * that runs. Each repetition uses fresh session names, so no command finds the work done.
 */
function sessionRows() {
  return {
    cold: metric("tend only: cold `tend bg -- true; tend wait NAME --exit`, no supervisor running (ms)", "ms", "lower"),
    stop: metric("tend only: `tend stop` right after, the session ended (ms)", "ms", "lower"),
    bg: metric("tend only: `tend bg -- true`, supervisor running (ms)", "ms", "lower"),
    wait: metric("tend only: `tend wait NAME --exit` right after that `bg` (ms)", "ms", "lower"),
    kill: metric("tend only: `tend kill NAME` of a running `sleep` (ms)", "ms", "lower"),
  };
}

async function measureSessions(tool: Tool, rows: ReturnType<typeof sessionRows>, warm: SessionCli, rep: number): Promise<void> {
  const dir = scratchDir("w1-cold-tend");
  const cold = tool.sessions!(dir);
  try {
    const ms = (await cold.run(["bg", "--name", "c", "--", "true"])) + (await cold.run(["wait", "c", "--exit"]));
    addSample(rows.cold, "tend", ms);
    addSample(rows.stop, "tend", await cold.run(["stop"]));
  } finally {
    await cold.cleanup();
    removeDir(dir);
  }
  addSample(rows.bg, "tend", await warm.run(["bg", "--name", `b${rep}`, "--", "true"]));
  addSample(rows.wait, "tend", await warm.run(["wait", `b${rep}`, "--exit"]));
  await warm.run(["bg", "--name", `k${rep}`, "--", "sleep", "3600"]);
  addSample(rows.kill, "tend", await warm.run(["kill", `k${rep}`]));
}

export const w1: Workload = {
  id: "W1",
  title: TITLE,
  async run(ctx): Promise<SectionResult> {
    const reps = ctx.quick ? 3 : 10;
    const lists = new Map(SIZES.map((n) => [n, metric(`list with ${n} supervised sleep${n > 1 ? "s" : ""} (ms)`, "ms", "lower")]));
    const floor = metric(`runtime start-up alone: ${ctx.tools.map((t) => t.startup.label).join(", ")} (ms)`, "ms", "lower");
    const live: (Live & { n: (typeof SIZES)[number] })[] = [];
    const tend = ctx.tools.find((t) => t.id === "tend" && t.sessions);
    const sessions = sessionRows();
    const warmDir = scratchDir("w1-warm-tend");
    const warm = tend?.sessions?.(warmDir) ?? null;
    try {
      // A session that outlives the workload keeps the on-demand supervisor of the warm rows running.
      if (warm) await warm.run(["bg", "--name", "keep", "--", "sleep", "3600"]);
      // Every instance runs for the whole workload, so each repetition can go round all of them.
      for (const tool of ctx.tools) {
        for (const n of SIZES) {
          const dir = scratchDir(`w1-${tool.id}-${n}`);
          const inst = tool.instance(dir);
          live.push({ tool, inst, dir, n });
          await inst.start(sleepers(n, "w1"));
          await waitAllRunning(inst, n);
        }
      }
      // One untimed call each, so the first timed one does not pay for a cold page cache.
      for (const l of live) await l.inst.userList();
      for (let rep = 0; rep < reps; rep++) {
        for (const tool of ctx.tools) {
          const t0 = performance.now();
          await runOk(tool.startup.argv);
          addSample(floor, tool.id, performance.now() - t0);
          for (const l of live.filter((x) => x.tool === tool)) {
            const t = performance.now();
            await l.inst.userList();
            addSample(lists.get(l.n)!, tool.id, performance.now() - t);
          }
          if (tool === tend && warm) await measureSessions(tool, sessions, warm, rep);
        }
        ctx.log(`W1 repetition ${rep + 1}/${reps} done`);
      }
    } finally {
      for (const l of live) {
        await l.inst.cleanup();
        removeDir(l.dir);
      }
      await warm?.cleanup();
      removeDir(warmDir);
    }

    const checks: Check[] = SIZES.map((n) => {
      const m = lists.get(n)!;
      const tend = median(m, "tend");
      const others = [median(m, "pm2"), median(m, "supervisord")].filter((v): v is number => v !== null);
      const best = others.length > 0 ? Math.min(...others) : null;
      return {
        target: `W1 with ${n} process${n > 1 ? "es" : ""}: \`tend ps\` ≥ 4× faster than the faster of pm2 and supervisorctl`,
        measured: tend !== null && best !== null ? `${fmtNumber(best / tend)}× (${fmtNumber(tend)} ms vs ${fmtNumber(best)} ms)` : "not measured",
        met: tend !== null && best !== null ? best / tend >= 4 : null,
      };
    });
    const cold = median(sessions.cold, "tend");
    const startup = median(floor, "tend");
    checks.push({
      target: `W1: cold \`tend bg -- true; tend wait NAME --exit\` within ${COLD_TARGET_MS} ms`,
      measured:
        cold !== null && startup !== null
          ? `${fmtNumber(cold)} ms, ${fmtNumber(cold / startup)}× \`tend --version\` (${fmtNumber(startup)} ms) in the same run`
          : "not measured",
      met: cold !== null ? cold <= COLD_TARGET_MS : null,
    });
    return {
      id: "W1",
      title: TITLE,
      metrics: [...lists.values(), floor, ...(tend ? Object.values(sessions) : [])],
      checks,
      notes: [
        `${reps} repetitions; in each, every tool's list command runs once per size, tools interleaved. Wall time from spawning the command until it exited, page cache warm (one untimed call first).`,
        "tend's session rows, in the same repetitions right after tend's list commands: the cold row starts each time in a fresh home, so `bg` launches the on-demand supervisor and `wait --exit` returns the session's exit status; it is the sum of the two commands' wall times; `tend stop` follows, and returns once the supervisor is gone. The warm rows run against one supervisor kept alive by a `sleep` session, with new names each repetition.",
      ],
    };
  },
};
