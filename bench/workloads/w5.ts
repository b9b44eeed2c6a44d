import { instanceProcesses } from "../lib/cleanup";
import { waitFor } from "../lib/poll";
import { isRunning } from "../lib/proc-stats";
import { fmtNumber, median, sleepers, waitAllRunning, withInstance } from "./common";
import { addSample, metric, type SectionResult, type Workload } from "./types";

const COUNT = 100;

const TITLE = "Fan-out: start 100 processes, then stop them";

export const w5: Workload = {
  id: "W5",
  title: TITLE,
  async run(ctx): Promise<SectionResult> {
    const reps = ctx.quick ? 3 : 5;
    const start = metric(`start ${COUNT}: command invoked → the tool lists all running (s)`, "s", "lower");
    const startCmd = metric(`start ${COUNT}: the start command alone (s)`, "s", "lower");
    const stop = metric(`stop ${COUNT}: command invoked → returned and none left (s)`, "s", "lower");
    const notes: string[] = [];

    for (let rep = 0; rep < reps; rep++) {
      for (const tool of ctx.tools) {
        await withInstance(tool, "w5", "disk", async ({ inst, dir }) => {
          const t0 = performance.now();
          await inst.start(sleepers(COUNT, "w5"));
          addSample(startCmd, tool.id, (performance.now() - t0) / 1000);
          const listed = await waitAllRunning(inst, COUNT);
          addSample(start, tool.id, (performance.now() - t0) / 1000);

          const children = listed.map((p) => p.pid).filter((pid): pid is number => pid !== null);
          const supervisor = inst.supervisorPid();
          const t1 = performance.now();
          await inst.stop();
          await waitFor("every child to be gone", () => (children.some(isRunning) ? undefined : true), 60_000, 5);
          addSample(stop, tool.id, (performance.now() - t1) / 1000);
          const left = instanceProcesses(dir).filter((pid) => pid !== supervisor);
          if (left.length > 0) notes.push(`${tool.id}: ${left.length} processes still there after its stop (repetition ${rep + 1}); ended by the bench.`);
        });
      }
      ctx.log(`W5 repetition ${rep + 1}/${reps} done`);
    }

    const s = median(start, "tend");
    const t = median(stop, "tend");
    return {
      id: "W5",
      title: TITLE,
      metrics: [start, startCmd, stop],
      checks: [
        { target: "W5: 100 processes started in < 1 s", measured: s !== null ? `${fmtNumber(s)} s` : "not measured", met: s !== null ? s < 1 : null },
        { target: "W5: 100 processes stopped in < 1 s", measured: t !== null ? `${fmtNumber(t)} s` : "not measured", met: t !== null ? t < 1 : null },
      ],
      notes: [
        `${reps} repetitions, tools interleaved, each from a cold start (fresh state folder, daemon started by the start command). "All running" is the first answer of the tool's own list command that shows all ${COUNT} running. Stop commands: \`tend stop\` (also ends the supervisor), \`pm2 stop all\`, \`supervisorctl stop all\`. supervisord runs with \`startsecs=0\`, so it lists a process RUNNING as soon as it is spawned, like the others.`,
        ...notes,
      ],
    };
  },
};
