import { readFileSync } from "node:fs";
import { runId } from "../lib/cleanup";
import { run, runOk } from "../lib/exec";
import { waitFor } from "../lib/poll";
import { isRunning, rssBytes } from "../lib/proc-stats";
import { removeDir, scratchDir } from "../lib/scratch";
import { fmtNumber, median } from "./common";
import { addSample, metric, type SectionResult, type Workload } from "./types";

const TITLE = "Terminal sessions: the screen model against tmux";
const SESSIONS = 20;
const COLS = 120;
const ROWS = 40;
/** Enough output to fill 1,000 lines of history and the screen, 110 columns a line. */
const FILL = `seq 1 1100 | sed 's/$/ ${"x".repeat(100)}/'; exec sleep 600`;
const FLOOD = "seq 1 1000000";
const ECHO_SAMPLES = 200;

const mib = (bytes: number) => bytes / 1048576;

/** A tend home of its own, ended and removed after `body`. */
async function withTend<T>(bin: string, label: string, body: (tend: (...args: string[]) => Promise<string>, home: string) => Promise<T>): Promise<T> {
  const home = scratchDir(`w7-${label}`, "disk");
  const env = { TEND_HOME: home, TEND_LINGER: "60s" };
  const tend = async (...args: string[]) => (await runOk([bin, ...args], { env, timeoutMs: 120_000 })).stdout;
  try {
    return await body(tend, home);
  } finally {
    await run([bin, "kill", "--all", "--grace", "0s"], { env }).catch(() => {});
    await run([bin, "stop"], { env }).catch(() => {});
    removeDir(home);
  }
}

/** A tmux server of its own (private socket, no config), ended after `body`. */
async function withTmux<T>(label: string, body: (tmux: (...args: string[]) => Promise<string>) => Promise<T>): Promise<T> {
  const socket = `tb-${runId}-${label}`;
  const tmux = async (...args: string[]) => (await runOk(["tmux", "-L", socket, "-f", "/dev/null", ...args], { timeoutMs: 120_000 })).stdout;
  try {
    return await body(tmux);
  } finally {
    // kill-server returns before the server and its programs are gone: wait for them, so the
    // clean-up sweep after the workload finds nothing of it.
    const pid = Number((await run(["tmux", "-L", socket, "display-message", "-p", "#{pid}"]).catch(() => ({ stdout: "" }))).stdout.trim());
    await run(["tmux", "-L", socket, "kill-server"]).catch(() => {});
    if (pid > 0) await waitFor("the tmux server to exit", () => (isRunning(pid) ? undefined : true), 5000).catch(() => {});
  }
}

async function tmuxSession(tmux: (...args: string[]) => Promise<string>, name: string, command: string): Promise<void> {
  await tmux("new-session", "-d", "-s", name, "-x", String(COLS), "-y", String(ROWS), command);
  await tmux("set-option", "-t", name, "history-limit", "1000");
}

function supervisorPid(home: string): number {
  return JSON.parse(readFileSync(`${home}/supervisor.json`, "utf8")).pid as number;
}

/** Supervisor RSS with SESSIONS sessions that each wrote FILL, with or without a terminal. */
async function tendRss(bin: string, tty: boolean): Promise<number> {
  return withTend(bin, tty ? "mem-tty" : "mem-pipe", async (tend, home) => {
    for (let i = 0; i < SESSIONS; i++) await tend("bg", ...(tty ? ["--tty"] : []), "--name", `s${i}`, "--", "sh", "-c", FILL);
    // Written, and (with a terminal) parsed by the screen model.
    await waitFor("every session's output", async () => {
      if (!tty) return (await tend("logs", "s0", "-n", "1")).includes("1100 x") ? true : undefined;
      for (let i = 0; i < SESSIONS; i++) if (!(await tend("capture", `s${i}`)).includes("1100 x")) return undefined;
      return true;
    }, 60_000, 100);
    await Bun.sleep(1000);
    return rssBytes(supervisorPid(home))!;
  });
}

/** tmux server RSS with SESSIONS sessions (each one pane, 1,000 lines of history) that each wrote FILL. */
async function tmuxRss(count: number): Promise<number> {
  return withTmux(`mem${count}`, async (tmux) => {
    for (let i = 0; i < count; i++) await tmuxSession(tmux, `s${i}`, FILL);
    await waitFor("tmux panes filled", async () => ((await tmux("capture-pane", "-p", "-t", `s${count - 1}`)).includes("1100 x") ? true : undefined), 60_000, 100);
    await Bun.sleep(1000);
    const pid = Number((await tmux("display-message", "-p", "#{pid}")).trim());
    return rssBytes(pid)!;
  });
}

/** Seconds from the start of a cold `tend bg --tty -- seq 1 1000000` until its screen shows the last line. */
async function tendFlood(bin: string): Promise<number> {
  return withTend(bin, "flood", async (tend) => {
    const t0 = performance.now();
    await tend("bg", "--tty", "--name", "flood", "--", "sh", "-c", FLOOD);
    // The exit is recorded once the screen model has taken in all of the output.
    await tend("wait", "flood", "--exit");
    const seconds = (performance.now() - t0) / 1000;
    if (!(await tend("capture", "flood")).includes("1000000\n")) throw new Error("tend's screen does not end with 1000000");
    return seconds;
  });
}

/** The same through a cold tmux server, until its pane shows the last line. */
async function tmuxFlood(): Promise<number> {
  return withTmux("flood", async (tmux) => {
    const t0 = performance.now();
    await tmuxSession(tmux, "flood", `${FLOOD}; exec sleep 600`);
    await waitFor("tmux to show 1000000", async () => ((await tmux("capture-pane", "-p", "-t", "flood")).includes("1000000\n") ? true : undefined), 60_000, 5);
    return (performance.now() - t0) / 1000;
  });
}

/**
 * Milliseconds from a key written to the terminal of an attach client (`argv`) until the
 * program's answer to it, "[key]" (fixtures/echo-keys.ts, raw mode, so no terminal echoes),
 * is drawn there by the client: both times taken on this side, the second as the bytes arrive.
 */
async function echoLatency(argv: string[], env: Record<string, string>): Promise<number[]> {
  const decoder = new TextDecoder();
  let seen = "";
  let waiting: { answer: string; arrived: (at: number) => void } | null = null;
  const proc = Bun.spawn({
    cmd: argv,
    env: { ...(process.env as Record<string, string>), ...env },
    terminal: {
      cols: COLS,
      rows: ROWS,
      data: (_t, d) => {
        const at = performance.now();
        seen += decoder.decode(d);
        if (waiting && seen.includes(waiting.answer)) {
          waiting.arrived(at);
          waiting = null;
        }
      },
    },
  });
  const samples: number[] = [];
  try {
    await waitFor("the attach to draw", () => (seen.includes("ready") ? true : undefined), 10_000);
    await Bun.sleep(300);
    for (let i = 0; i < ECHO_SAMPLES; i++) {
      const key = String.fromCharCode(97 + (i % 26));
      seen = "";
      const arrived = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer to ${key} within 5 s`)), 5000);
        waiting = { answer: `[${key}]`, arrived: (at) => (clearTimeout(timer), resolve(at)) };
      });
      const t0 = performance.now();
      proc.terminal!.write(key);
      samples.push((await arrived) - t0);
      await Bun.sleep(2);
    }
  } finally {
    proc.kill("SIGKILL");
    proc.terminal?.close();
  }
  return samples;
}

export const w7: Workload = {
  id: "W7",
  title: TITLE,
  async run(ctx): Promise<SectionResult> {
    const bin = ctx.tools.find((t) => t.id === "tend")!.startup.argv[0]!;
    const reps = ctx.quick ? 2 : 5;
    const memory = metric(`memory per terminal session, ${COLS}×${ROWS} with 1,000 lines of history filled (MiB)`, "MiB", "lower");
    const flood = metric("`seq 1 1000000` through a terminal session, cold start → last line on its screen (s)", "s", "lower");
    const echo = metric(`keystroke → the program's answer drawn by an attached client, median of ${ECHO_SAMPLES} (ms)`, "ms", "lower");

    for (let rep = 0; rep < (ctx.quick ? 1 : 2); rep++) {
      addSample(memory, "tend", mib((await tendRss(bin, true)) - (await tendRss(bin, false))) / SESSIONS);
      addSample(memory, "tmux", mib((await tmuxRss(SESSIONS)) - (await tmuxRss(1))) / (SESSIONS - 1));
    }
    for (let rep = 0; rep < reps; rep++) {
      addSample(flood, "tend", await tendFlood(bin));
      addSample(flood, "tmux", await tmuxFlood());
      ctx.log(`W7 flood ${rep + 1}/${reps} done`);
    }
    const echoKeys = [process.execPath, `${ctx.fixtures}/echo-keys.ts`];
    const echoTend = await withTend(bin, "echo", async (tend, home) => {
      await tend("bg", "--tty", "--name", "keys", "--", ...echoKeys);
      return echoLatency([bin, "attach", "keys"], { TEND_HOME: home });
    });
    const echoTmux = await withTmux("echo", async (tmux) => {
      await tmuxSession(tmux, "keys", echoKeys.map((a) => `'${a}'`).join(" "));
      const socket = (await tmux("display-message", "-p", "#{socket_path}")).trim();
      return echoLatency(["tmux", "-S", socket, "attach", "-t", "keys"], {});
    });
    for (const v of echoTend) addSample(echo, "tend", v);
    for (const v of echoTmux) addSample(echo, "tmux", v);

    const m = median(memory, "tend");
    const f = median(flood, "tend");
    const ft = median(flood, "tmux");
    const e = median(echo, "tend");
    return {
      id: "W7",
      title: TITLE,
      metrics: [memory, flood, echo],
      checks: [
        { target: "W7: ≤ 2 MiB per terminal session (120×40, 1,000 lines of history)", measured: m !== null ? `${fmtNumber(m)} MiB` : "not measured", met: m !== null ? m <= 2 : null },
        { target: "W7: `seq 1 1000000` through a terminal session no slower than through tmux", measured: f !== null && ft !== null ? `${fmtNumber(f)} s vs ${fmtNumber(ft)} s` : "not measured", met: f !== null && ft !== null ? f <= ft : null },
        { target: "W7: keystroke → the program's answer through an attached client, median ≤ 2 ms", measured: e !== null ? `${fmtNumber(e)} ms` : "not measured", met: e !== null ? e <= 2 : null },
      ],
      notes: [
        `Memory: the supervisor's RSS with ${SESSIONS} \`--tty\` sessions minus with ${SESSIONS} pipe sessions, each having written 1,100 lines of 110 columns (so its model's history is full), divided by ${SESSIONS}; tmux: its server's RSS with ${SESSIONS} sessions of the same output (history-limit 1000) minus with 1, divided by ${SESSIONS - 1}. ${ctx.quick ? 1 : 2} measurements each.`,
        `Flood: ${reps} cold starts each, interleaved. tend: \`tend bg --tty\` until \`tend wait --exit\` returns, which is once the screen model has parsed all output; then its screen is checked to end with 1000000. tmux: \`new-session -d\` until \`capture-pane\` shows 1000000 (polled every 5 ms).`,
        `Echo: a key written to a pseudo-terminal running \`tend attach\` (or \`tmux attach\`) until the session's program (fixtures/echo-keys.ts, in raw mode, so no terminal echoes) has answered it with "[key]" and the client has drawn that on the same pseudo-terminal; both times taken by the bench, the second as the bytes arrive; ${ECHO_SAMPLES} keys, one at a time.`,
      ],
    };
  },
};
