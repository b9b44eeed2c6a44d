import path from "node:path";
import { INSTANCE_KEY, marked } from "../lib/cleanup";
import { sum } from "../lib/stats";
import { waitFor } from "../lib/poll";
import { fmtNumber, median, ROLE_KEY, withInstance } from "./common";
import { addSample, metric, type SectionResult, type Workload } from "./types";

const GRACE_MS = 2_000;
/** fixtures/stubborn.sh: the shell, 2 children, 4 grandchildren. */
const TREE_SIZE = 7;
/** How long after the stop command returned a process still counts as on its way out. */
const ORPHAN_AFTER_MS = 1_000;

const TITLE = "Shutdown hygiene: a process tree that ignores SIGTERM, stopped with a 2 s grace";

export const w6: Workload = {
  id: "W6",
  title: TITLE,
  async run(ctx): Promise<SectionResult> {
    const reps = ctx.quick ? 3 : 5;
    const full = metric("stop invoked → stop returned and the whole tree gone (s)", "s", "lower");
    const outlived: string[] = [];
    const orphans = metric(`processes of the tree left ${ORPHAN_AFTER_MS / 1000} s after the stop returned (total over all runs)`, "count", "none");
    const role = `${ROLE_KEY}=w6`;

    for (let rep = 0; rep < reps; rep++) {
      for (const tool of ctx.tools) {
        await withInstance(tool, "w6", "disk", async ({ inst, dir }) => {
          const tree = () => marked([role, `${INSTANCE_KEY}=${dir}`]);
          await inst.start([
            { name: "stubborn", argv: ["sh", path.join(ctx.fixtures, "stubborn.sh")], env: { [ROLE_KEY]: "w6" }, restart: "always", graceMs: GRACE_MS },
          ]);
          await waitFor("the whole tree", () => (tree().length === TREE_SIZE ? true : undefined), 10_000, 20);
          const t0 = performance.now();
          await inst.stop();
          const tReturn = performance.now();
          let left = tree();
          const atReturn = left.length;
          while (left.length > 0 && performance.now() - tReturn < ORPHAN_AFTER_MS) {
            await Bun.sleep(5);
            left = tree();
          }
          if (left.length === 0) addSample(full, tool.id, (performance.now() - t0) / 1000);
          addSample(orphans, tool.id, left.length);
          if (atReturn > 0) outlived.push(`${tool.id}: ${atReturn} processes of the tree were still alive when its stop returned (repetition ${rep + 1}).`);
        });
      }
      ctx.log(`W6 repetition ${rep + 1}/${reps} done`);
    }

    const total = (c: "tend" | "pm2" | "supervisord") => sum(orphans.samples[c] ?? []);
    for (const tool of ctx.tools) {
      const runs = orphans.samples[tool.id]?.length ?? 0;
      (orphans.text ??= {})[tool.id] = `${total(tool.id)} in ${runs} runs`;
      if ((full.samples[tool.id]?.length ?? 0) < runs) (full.text ??= {})[tool.id] = `never in ${runs - (full.samples[tool.id]?.length ?? 0)} of ${runs} runs`;
    }
    const t = median(full, "tend");
    const tendRuns = orphans.samples.tend?.length ?? 0;
    const maxFull = Math.max(...(full.samples.tend ?? [NaN]));
    return {
      id: "W6",
      title: TITLE,
      metrics: [full, orphans],
      checks: [
        { target: "W6: zero orphans", measured: tendRuns ? `${total("tend")} in ${tendRuns} runs` : "not measured", met: tendRuns ? total("tend") === 0 : null },
        {
          target: `W6: full stop within the grace + 0.5 s (${(GRACE_MS + 500) / 1000} s)`,
          measured: t !== null ? `median ${fmtNumber(t)} s, max ${fmtNumber(maxFull)} s` : "not measured",
          met: t !== null ? t <= (GRACE_MS + 500) / 1000 : null,
        },
      ],
      notes: [
        `\`fixtures/stubborn.sh\`: a shell with 2 children and 4 grandchildren, all ignoring TERM, INT, HUP and QUIT (pm2 stops with SIGINT by default), so only SIGKILL after the grace ends them. Grace: tend \`stop_grace = "2s"\`, pm2 \`kill_timeout: 2000\`, supervisord \`stopwaitsecs=2\` with \`stopasgroup\`/\`killasgroup\` on (off by default). Stop: \`tend stop\`, \`pm2 stop all\`, \`supervisorctl stop all\`. ${reps} repetitions, tools interleaved.`,
        ...(outlived.length > 0 ? outlived : ["Every tool's stop command returned only once the whole tree was gone."]),
      ],
    };
  },
};
