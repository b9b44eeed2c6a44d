import path from "node:path";
import { benchEnv, runId } from "../lib/cleanup";
import { runOk } from "../lib/exec";
import { waitFor } from "../lib/poll";
import { cpuSeconds } from "../lib/proc-stats";
import { fmtNumber, median, sleepers, waitAllRunning, withInstance } from "./common";
import { addSample, metric, type Check, type SectionResult, type Workload } from "./types";

const TITLE = "`tend ui`: start-up to the first full frame, idle CPU with 100 processes, CPU while a log floods";
const PROCESSES = 100;
const SIZE = { cols: 120, rows: 40 };
/** Start-up must stay under this (ms), idle CPU under this share of one core. */
const STARTUP_TARGET_MS = 150;
const IDLE_TARGET = 0.01;

/** A tmux server of the bench's own, so the UI has a real terminal; it carries the run's marker. */
function tmux() {
  const socket = `tb-w8-${runId}`;
  const env = benchEnv();
  const run = (...args: string[]) => {
    const r = Bun.spawnSync(["tmux", "-L", socket, "-f", "/dev/null", ...args], { env, stdout: "pipe", stderr: "pipe" });
    if (r.exitCode !== 0) throw new Error(`tmux ${args[0]}: ${r.stderr.toString().trim()}`);
    return r.stdout.toString();
  };
  let n = 0;
  return {
    /** A new window running `argv`; returns its name. */
    start(argv: string[], vars: Record<string, string>): string {
      const name = `w${++n}`;
      const envArgs = Object.entries(vars).map(([k, v]) => `${k}=${v}`);
      run("new-session", "-d", "-s", name, "-x", String(SIZE.cols), "-y", String(SIZE.rows), "env", ...envArgs, ...argv);
      return name;
    },
    screen: (name: string) => run("capture-pane", "-p", "-t", name),
    keys: (name: string, ...keys: string[]) => run("send-keys", "-t", name, ...keys),
    pid: (name: string) => Number(run("list-panes", "-t", name, "-F", "#{pane_pid}").trim()),
    kill: (name: string) => run("kill-session", "-t", name),
    end: () => Bun.spawnSync(["tmux", "-L", socket, "kill-server"], { stdout: "ignore", stderr: "ignore" }),
  };
}

/** Wall time from starting `argv` in a new window until its screen passes `done` (polled every 2 ms). */
async function timeToScreen(t: ReturnType<typeof tmux>, argv: string[], env: Record<string, string>, done: (screen: string) => boolean): Promise<number> {
  const t0 = performance.now();
  const name = t.start(argv, env);
  await waitFor("the screen", () => (done(t.screen(name)) ? true : undefined), 10_000, 2);
  const ms = performance.now() - t0;
  t.kill(name);
  return ms;
}

function cpuOf(pid: number): number {
  const s = cpuSeconds(pid);
  if (s === null) throw new Error(`pid ${pid} is gone`);
  return s;
}

/** CPU seconds `pids` use over `seconds`. */
async function cpuOver(pids: number[], seconds: number): Promise<number[]> {
  const before = pids.map(cpuOf);
  await Bun.sleep(seconds * 1000);
  return pids.map((p, i) => cpuOf(p) - before[i]!);
}

export const w8: Workload = {
  id: "W8",
  title: TITLE,
  async run(ctx): Promise<SectionResult> {
    const tool = ctx.tools.find((x) => x.id === "tend")!;
    const reps = ctx.quick ? 3 : 10;
    const idleSeconds = ctx.quick ? 10 : 30;
    const floodSeconds = ctx.quick ? 5 : 10;
    const startUi = metric(`\`tend ui\`, ${PROCESSES} processes: started → first full frame on the screen (ms)`, "ms", "lower");
    const startPs = metric(`\`tend ps\`, the same: started → its last row on the screen (ms)`, "ms", "lower");
    const idleUi = metric(`\`tend ui\` CPU over ${idleSeconds} idle seconds, ${PROCESSES} processes (s)`, "cpu-s", "lower");
    const idleSup = metric(`supervisor CPU over the same seconds (s)`, "cpu-s", "lower");
    const floodUi = metric(`\`tend ui\` CPU over ${floodSeconds} s, its log pane following a flood (s)`, "cpu-s", "lower");
    const floodLogs = metric(`\`tend logs -f\` of the same flood, same seconds, to /dev/null (s)`, "cpu-s", "lower");
    const floodLines = metric(`lines the flood wrote in those seconds`, "count", "none");
    const t = tmux();
    try {
      await withInstance(tool, "w8", "disk", async ({ inst }) => {
        const cli = (args: string[]) => inst.command!(args);
        await inst.start(sleepers(PROCESSES, "w8"));
        await waitAllRunning(inst, PROCESSES);
        const ui = cli(["ui"]);
        const ps = cli(["ps"]);
        // The UI's frame is whole once the footer and the first process's row are drawn.
        // Rows stand indented under their project's heading.
        const uiDrawn = (s: string) => s.includes("? help") && /\n *s0 +running/.test(s);
        const psDrawn = (s: string) => /\ns99 +running/.test(s);
        await timeToScreen(t, ui.argv, ui.env, uiDrawn);
        for (let rep = 0; rep < reps; rep++) {
          addSample(startUi, "tend", await timeToScreen(t, ui.argv, ui.env, uiDrawn));
          // `; sleep` keeps the window open, so its last row can be read.
          addSample(startPs, "tend", await timeToScreen(t, ["sh", "-c", `"$@"; sleep 60`, "sh", ...ps.argv], ps.env, psDrawn));
        }
        ctx.log(`W8 start-up: ${reps} repetitions done`);

        const pane = t.start(ui.argv, ui.env);
        await waitFor("the UI", () => (uiDrawn(t.screen(pane)) ? true : undefined), 10_000);
        const uiPid = t.pid(pane);
        const supervisor = inst.supervisorPid()!;
        await Bun.sleep(2000);
        const [uiIdle, supIdle] = await cpuOver([uiPid, supervisor], idleSeconds);
        addSample(idleUi, "tend", uiIdle!);
        addSample(idleSup, "tend", supIdle!);
        ctx.log(`W8 idle: ${idleSeconds} s measured`);

        // A session of no project: the UI lists it last, below the workers' project, so G selects it.
        const flood = cli(["bg", "--name", "a-flood", "--", "sh", path.join(ctx.fixtures, "steady-flood.sh")]);
        await runOk(flood.argv, { env: flood.env });
        t.keys(pane, "G");
        await waitFor("the flood in the log pane", () => (t.screen(pane).includes("flood line") ? true : undefined), 10_000);
        const follow = cli(["logs", "-f", "-n", "0", "a-flood"]);
        const logs = Bun.spawn({ cmd: follow.argv, env: benchEnv(follow.env), stdout: "ignore", stderr: "ignore" });
        await Bun.sleep(1000);
        const lineAt = () => Number(/flood line (\d+)/.exec([...t.screen(pane).matchAll(/flood line \d+/g)].at(-1)?.[0] ?? "")?.[1] ?? 0);
        const firstLine = lineAt();
        const [uiFlood, logsFlood] = await cpuOver([uiPid, logs.pid], floodSeconds);
        addSample(floodUi, "tend", uiFlood!);
        addSample(floodLogs, "tend", logsFlood!);
        addSample(floodLines, "tend", lineAt() - firstLine);
        logs.kill("SIGKILL");
        t.keys(pane, "q");
        ctx.log(`W8 flood: ${floodSeconds} s measured`);
      });
    } finally {
      t.end();
    }

    const ui = median(startUi, "tend");
    const ps = median(startPs, "tend");
    const idle = median(idleUi, "tend");
    const flooded = median(floodUi, "tend");
    const follower = median(floodLogs, "tend");
    const checks: Check[] = [
      {
        target: `W8: \`tend ui\` shows its first full frame within ${STARTUP_TARGET_MS} ms`,
        measured: ui !== null && ps !== null ? `${fmtNumber(ui)} ms (${fmtNumber(ui / ps)}× \`tend ps\`'s ${fmtNumber(ps)} ms)` : "not measured",
        met: ui !== null ? ui <= STARTUP_TARGET_MS : null,
      },
      {
        target: `W8: \`tend ui\` idle with ${PROCESSES} processes under ${IDLE_TARGET * 100}% of a core`,
        measured: idle !== null ? `${fmtNumber((100 * idle) / idleSeconds)}% (${fmtNumber(idle)} s in ${idleSeconds} s)` : "not measured",
        met: idle !== null ? idle / idleSeconds < IDLE_TARGET : null,
      },
      {
        target: "W8: `tend ui` following a flood (no target; for comparison with `tend logs -f`)",
        measured: flooded !== null && follower ? `${fmtNumber((100 * flooded) / floodSeconds)}% of a core, ${fmtNumber(flooded / follower)}× \`tend logs -f\`` : "not measured",
        met: null,
      },
    ];
    return {
      id: "W8",
      title: TITLE,
      metrics: [startUi, startPs, idleUi, idleSup, floodUi, floodLogs, floodLines],
      checks,
      notes: [
        `${PROCESSES} sleeping workers (\`tend start -d\`), the UI in a ${SIZE.cols}×${SIZE.rows} tmux window of a private server. Start-up: from starting the window until \`capture-pane\`, polled every 2 ms, shows the UI's footer and its first process row; \`tend ps\` is timed the same way, up to its last row, as the reference. ${reps} repetitions each, interleaved, after one untimed UI start.`,
        `Idle: the UI's own CPU time (utime + stime from /proc) over ${idleSeconds} s, 2 s after its first frame, with nothing changing but the clock (it redraws once a second and measures CPU and memory every 3 s).`,
        `Flood: \`fixtures/steady-flood.sh\` writes about 1,000 lines every 10 ms; the UI follows it in its log pane while \`tend logs -f\` follows it too, to /dev/null, as the reference. The line count is read from the UI's own screen.`,
      ],
    };
  },
};
