import { runOk } from "../lib/exec";
import { removeDir, scratchDir } from "../lib/scratch";
import { fmtNumber, median, sleepers, waitAllRunning, type Live } from "./common";
import { addSample, metric, type Check, type SectionResult, type Workload } from "./types";

const SIZES = [1, 100] as const;
const TITLE = "Control-plane latency: the list command (`tend ps`, `pm2 jlist`, `supervisorctl status`)";

export const w1: Workload = {
  id: "W1",
  title: TITLE,
  async run(ctx): Promise<SectionResult> {
    const reps = ctx.quick ? 3 : 10;
    const lists = new Map(SIZES.map((n) => [n, metric(`list with ${n} supervised sleep${n > 1 ? "s" : ""} (ms)`, "ms", "lower")]));
    const floor = metric(`runtime start-up alone: ${ctx.tools.map((t) => t.startup.label).join(", ")} (ms)`, "ms", "lower");
    const live: (Live & { n: (typeof SIZES)[number] })[] = [];
    try {
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
        }
        ctx.log(`W1 repetition ${rep + 1}/${reps} done`);
      }
    } finally {
      for (const l of live) {
        await l.inst.cleanup();
        removeDir(l.dir);
      }
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
    return {
      id: "W1",
      title: TITLE,
      metrics: [...lists.values(), floor],
      checks,
      notes: [
        `${reps} repetitions; in each, every tool's list command runs once per size, tools interleaved. Wall time from spawning the command until it exited, page cache warm (one untimed call first).`,
      ],
    };
  },
};
