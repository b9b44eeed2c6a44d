import { expect, test } from "bun:test";
import { freePort } from "../helpers/free-port";
import { useTendHome } from "../helpers/home";
import { requireBinary, tend } from "../helpers/tend-cli";
import { useTmux } from "../helpers/tmux";

/**
 * A readiness wait that lasts says, every 10 s in a CI log, what it waits for and why the
 * last attempt failed; on a terminal the spinner shows the same. Each wait here gives up after
 * 12 s, so a CI log gets exactly one such line.
 */
const tmux = useTmux();
const t = useTendHome({ killAll: { grace: "0s" }, stop: true, beforeReap: tmux.end, timeoutMs: 30_000 });

test("without a terminal, bg, wait and run each print one 'still waiting' line per 10 s, with the probe's last error", async () => {
  const [bgPort, waitPort, runPort] = [await freePort(), await freePort(), await freePort()];
  expect((await tend(["bg", "--name", "idle", "--", "sleep", "60"], { env: t.env })).code).toBe(0);
  const [bg, wait, run] = await Promise.all([
    tend(["bg", "--name", "api", "--ready-http", `http://127.0.0.1:${bgPort}/health`, "--timeout", "12s", "--", "sleep", "60"], { env: t.env }),
    tend(["wait", "idle", "--ready-port", String(waitPort), "--timeout", "12s"], { env: t.env }),
    tend(["run", "--ready-port", String(runPort), "--timeout", "12s", "--", "true"], { env: t.env }),
  ]);
  const stillOn = (text: string) => text.split("\n").filter((l) => l.includes("still waiting"));
  const still = (r: { stdout: string }) => stillOn(r.stdout);
  expect(bg.code).toBe(1);
  expect(still(bg)).toEqual([expect.stringMatching(new RegExp(`still waiting for api: http://127\\.0\\.0\\.1:${bgPort}/health: connection refused \\(10s\\)$`))]);
  expect(wait.code).toBe(1);
  expect(still(wait)).toEqual([expect.stringMatching(new RegExp(`still waiting for idle: 127\\.0\\.0\\.1:${waitPort}: connection refused \\(10s\\)$`))]);
  expect(run.code).toBe(1);
  // run's own lines go to stderr: its stdout is the command's.
  expect(stillOn(run.stderr)).toEqual([expect.stringMatching(new RegExp(`still waiting for 127\\.0\\.0\\.1:${runPort}: connection refused \\(10s\\)$`))]);
}, 30_000);

test("on a terminal, the spinner shows why the last attempt failed", async () => {
  const port = await freePort();
  // Empty rather than left out: the tmux server passes on its own environment, CI included.
  const env = { ...t.env, CI: "" };
  const pane = tmux.start([requireBinary(), "bg", "--name", "api", "--ready-port", String(port), "--timeout", "5s", "--", "sleep", "60"], env);
  await tmux.until(pane, (screen) => screen.some((l) => /waiting for api to be ready \(port 127\.0\.0\.1:\d+\) \(\d.*\): connection refused/.test(l)));
}, 20_000);
