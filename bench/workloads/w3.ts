import path from "node:path";
import type { Instance } from "../adapters/types";
import { fileSize } from "../lib/log-check";
import { waitFor } from "../lib/poll";
import { cpuSeconds, rssBytes } from "../lib/proc-stats";
import { fmtNumber, median, withInstance } from "./common";
import { addSample, metric, type Column, type SectionResult, type Workload } from "./types";

const MiB = 1024 * 1024;

async function stateOf(inst: Instance): Promise<string> {
  const p = (await inst.list()).find((x) => x.name === "crash");
  return p ? p.raw : "not listed";
}

const TITLE = "Crash loop: a process that exits 1 at once, restarted as fast as each tool allows";

export const w3: Workload = {
  id: "W3",
  title: TITLE,
  async run(ctx): Promise<SectionResult> {
    const reps = ctx.quick ? 3 : 5;
    const windowMs = ctx.quick ? 2_000 : 5_000;
    const giveUpTimeoutMs = ctx.quick ? 15_000 : 30_000;
    const secs = windowMs / 1000;
    // More restarts per second is not better in itself, so no ratio; the cost per restart is the comparison.
    const rate = metric(`restarts per second, no give-up limit (${secs} s window)`, "per-s", "none");
    const cpu = metric(`supervisor CPU time over the ${secs} s window (s)`, "cpu-s", "lower");
    const cpuPerRestart = metric("supervisor CPU per restart (ms)", "ms", "lower");
    const rssGrowth = metric(`supervisor RSS growth over the ${secs} s window (MiB)`, "MiB", "none");
    const endState = metric("after the window", "count", "none");
    const starts = metric("with the default give-up guard: starts before it gives up", "count", "none");
    const giveUpAfter = metric("with the default give-up guard: time until it gives up (s)", "s", "none");
    const guardState = metric("with the default give-up guard: final state", "count", "none");
    const endStates = new Map<Column, Set<string>>();
    const guardStates = new Map<Column, Set<string>>();
    const crash = (counter: string) => ["sh", path.join(ctx.fixtures, "crash.sh"), counter];

    for (let rep = 0; rep < reps; rep++) {
      for (const tool of ctx.tools) {
        await withInstance(tool, "w3", "disk", async ({ inst, dir }) => {
          const counter = path.join(dir, "starts");
          await inst.start([{ name: "crash", argv: crash(counter), restart: "always", crashLoop: "no-guard" }]);
          const pid = await waitFor("the supervisor's pid", () => inst.supervisorPid() ?? undefined, 10_000);
          await waitFor("the first start", () => (fileSize(counter) > 0 ? true : undefined), 10_000);
          const c0 = fileSize(counter);
          const cpu0 = cpuSeconds(pid) ?? 0;
          const rss0 = rssBytes(pid) ?? 0;
          const t0 = performance.now();
          await Bun.sleep(windowMs / 2);
          const cMid = fileSize(counter);
          await Bun.sleep(windowMs / 2);
          const c1 = fileSize(counter);
          const cpu1 = cpuSeconds(pid) ?? cpu0;
          const rss1 = rssBytes(pid) ?? rss0;
          const elapsed = (performance.now() - t0) / 1000;
          addSample(rate, tool.id, (c1 - c0) / elapsed);
          addSample(cpu, tool.id, cpu1 - cpu0);
          if (c1 > c0) addSample(cpuPerRestart, tool.id, ((cpu1 - cpu0) * 1000) / (c1 - c0));
          addSample(rssGrowth, tool.id, (rss1 - rss0) / MiB);
          // A list is a snapshot of a loop: whether the starts go on says more than the state word.
          // supervisord starts about once every 1–2.5 s, so "go on" is judged over the last half
          // of the window and one second more.
          await Bun.sleep(1_000);
          const state = `${fileSize(counter) > cMid ? "still restarting" : "stopped restarting"} (listed: ${await stateOf(inst)})`;
          (endStates.get(tool.id) ?? endStates.set(tool.id, new Set()).get(tool.id)!).add(state);
        });
        await withInstance(tool, "w3g", "disk", async ({ inst, dir }) => {
          const counter = path.join(dir, "starts");
          const t0 = performance.now();
          await inst.start([{ name: "crash", argv: crash(counter), restart: "always", crashLoop: "default-guard" }]);
          let state = "";
          try {
            state = await waitFor(
              "the tool to give up",
              async () => {
                const p = (await inst.list()).find((x) => x.name === "crash");
                return p?.state === "gave-up" ? p.raw : undefined;
              },
              giveUpTimeoutMs,
              50,
            );
            addSample(giveUpAfter, tool.id, (performance.now() - t0) / 1000);
          } catch {
            state = `${await stateOf(inst)}, still restarting after ${giveUpTimeoutMs / 1000} s`;
          }
          addSample(starts, tool.id, fileSize(counter));
          (guardStates.get(tool.id) ?? guardStates.set(tool.id, new Set()).get(tool.id)!).add(state);
        });
      }
      ctx.log(`W3 repetition ${rep + 1}/${reps} done`);
    }

    for (const [column, states] of endStates) (endState.text ??= {})[column] = [...states].join(" / ");
    for (const [column, states] of guardStates) (guardState.text ??= {})[column] = [...states].join(" / ");

    const tendCpu = median(cpuPerRestart, "tend");
    return {
      id: "W3",
      title: TITLE,
      metrics: [rate, cpu, cpuPerRestart, rssGrowth, endState, starts, giveUpAfter, guardState],
      checks: [],
      notes: [
        `Fastest setting per tool — tend: \`backoff = { initial = "0ms", max = "0ms" }\`, \`max_rapid_failures = 1000000000\`; pm2: \`restart_delay: 0\`, \`max_restarts: 1000000000\`; supervisord: \`startsecs=0\`, \`autorestart=true\` (the only way it restarts without its 1 s, 2 s, 3 s … backoff). Starts are counted by the process itself (one byte appended to a file per start), the same way for every tool.`,
        `Default give-up guard, restart delay still at its minimum — tend: parks after \`max_rapid_failures\` (5) runs shorter than \`min_uptime\` (10 s); pm2: "errored" after \`max_restarts\` (16) runs shorter than \`min_uptime\` (1 s); supervisord: \`startsecs=1\`, \`startretries=3\`, FATAL.`,
        `${reps} repetitions, tools interleaved; supervisor CPU is utime+stime of the daemon process (tend's supervisor, pm2's God daemon, supervisord) from /proc, not its children's.${tendCpu !== null ? ` tend's supervisor spends ${fmtNumber(tendCpu)} ms of CPU per restart.` : ""}`,
      ],
    };
  },
};
