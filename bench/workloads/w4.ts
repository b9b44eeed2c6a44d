import { waitFor } from "../lib/poll";
import { cpuSeconds, rssBytes } from "../lib/proc-stats";
import { removeDir, scratchDir } from "../lib/scratch";
import { fmtNumber, median, sleepers, waitAllRunning, type Live } from "./common";
import { addSample, metric, type Check, type SectionResult, type Workload } from "./types";

const MiB = 1024 * 1024;
const SIZES = [1, 100] as const;

const TITLE = "Footprint: the supervisor idle, with 1 and with 100 children";

export const w4: Workload = {
  id: "W4",
  title: TITLE,
  async run(ctx): Promise<SectionResult> {
    const reps = ctx.quick ? 3 : 5;
    const idleMs = ctx.quick ? 5_000 : 20_000;
    const settleMs = ctx.quick ? 1_000 : 3_000;
    const secs = idleMs / 1000;
    const rss = new Map(SIZES.map((n) => [n, metric(`supervisor RSS, idle, ${n} child${n > 1 ? "ren" : ""} (MiB)`, "MiB", "lower")]));
    const cpu = new Map(SIZES.map((n) => [n, metric(`supervisor CPU time over ${secs} idle seconds, ${n} child${n > 1 ? "ren" : ""} (s)`, "cpu-s", "lower")]));

    for (let rep = 0; rep < reps; rep++) {
      const live: (Live & { n: (typeof SIZES)[number]; pid: number })[] = [];
      try {
        // All instances idle side by side through the same window, so drift hits them alike.
        for (const tool of ctx.tools) {
          for (const n of SIZES) {
            const dir = scratchDir(`w4-${tool.id}-${n}`);
            const inst = tool.instance(dir);
            live.push({ tool, inst, dir, n, pid: 0 });
            await inst.start(sleepers(n, "w4"));
            await waitAllRunning(inst, n);
            live[live.length - 1]!.pid = await waitFor("the supervisor's pid", () => inst.supervisorPid() ?? undefined, 10_000);
          }
        }
        await Bun.sleep(settleMs);
        for (const l of live) addSample(rss.get(l.n)!, l.tool.id, (rssBytes(l.pid) ?? NaN) / MiB);
        const cpu0 = live.map((l) => cpuSeconds(l.pid) ?? NaN);
        await Bun.sleep(idleMs);
        live.forEach((l, i) => addSample(cpu.get(l.n)!, l.tool.id, (cpuSeconds(l.pid) ?? NaN) - cpu0[i]!));
      } finally {
        for (const l of live) {
          await l.inst.cleanup();
          removeDir(l.dir);
        }
      }
      ctx.log(`W4 repetition ${rep + 1}/${reps} done`);
    }

    const rss1 = median(rss.get(1)!, "tend");
    const sup1 = median(rss.get(1)!, "supervisord");
    const rss100 = median(rss.get(100)!, "tend");
    const idle = [median(cpu.get(1)!, "tend"), median(cpu.get(100)!, "tend")];
    const idleMax = idle.every((v) => v !== null) ? Math.max(...(idle as number[])) : null;
    const checks: Check[] = [
      {
        target: "W4: supervisor RSS with 1 child no more than supervisord's",
        measured: rss1 !== null && sup1 !== null ? `${fmtNumber(rss1)} MiB vs ${fmtNumber(sup1)} MiB` : "not measured",
        met: rss1 !== null && sup1 !== null ? rss1 <= sup1 : null,
      },
      {
        target: "W4: supervisor RSS with 100 children ≤ 40 MiB",
        measured: rss100 !== null ? `${fmtNumber(rss100)} MiB` : "not measured",
        met: rss100 !== null ? rss100 <= 40 : null,
      },
      {
        target: `W4: idle CPU over 20 s < 0.1 s${ctx.quick ? ` (quick run: ${secs} s window)` : ""}`,
        measured: idleMax !== null ? `${fmtNumber(idle[0]!)} s with 1 child, ${fmtNumber(idle[1]!)} s with 100` : "not measured",
        met: idleMax !== null ? idleMax < 0.1 : null,
      },
    ];
    return {
      id: "W4",
      title: TITLE,
      metrics: [...rss.values(), ...cpu.values()],
      checks,
      notes: [
        `${reps} repetitions. In each, all tools run side by side, one instance with 1 \`sleep\` and one with 100; ${settleMs / 1000} s after everything runs, RSS (VmRSS) of the supervisor process alone — tend's supervisor, pm2's God daemon, supervisord — then its utime+stime over ${secs} s of idling. /proc counts CPU in 10 ms ticks.`,
      ],
    };
  },
};
