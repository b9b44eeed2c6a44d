import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { useTendHome } from "../helpers/home";
import { requireBinary, sessionsIn, tend } from "../helpers/tend-cli";
import { useTmux } from "../helpers/tmux";

const tmux = useTmux();
const t = useTendHome({ killAll: { grace: "0s" }, stop: true, beforeReap: tmux.end, timeoutMs: 30_000 });
const { bg } = sessionsIn(t);
const SIZE = { cols: 100, rows: 30 };

/** `tend attach NAME` in a new tmux session; resolves once the program's screen shows `ready`. */
async function attachInTmux(name: string, ready: string): Promise<string> {
  const s = tmux.start([requireBinary(), "attach", name], { TEND_HOME: t.home }, SIZE);
  await tmux.until(s, ready);
  return s;
}

async function detach(s: string): Promise<void> {
  tmux.keys(s, ["C-\\"]);
  await tmux.until(s, "[detached from");
}

test("vim after thousands of cursor moves comes back row for row after a detach", async () => {
  const file = path.join(t.home, "notes.txt");
  writeFileSync(file, Array.from({ length: 400 }, (_, i) => `line ${i + 1} ${"abc ".repeat((i % 9) + 1)}`).join("\n"));
  await bg("--tty", "--name", "vim", "--", "vim", "-u", "NONE", "-N", "-i", "NONE", "-c", "set number ruler laststatus=2", file);
  const first = await attachInTmux("vim", "line 1 abc");
  // Long use: a program that redraws only what changed, for a long time.
  for (let round = 0; round < 3; round++) {
    tmux.keys(first, ["j"], { repeat: 500 });
    tmux.keys(first, ["k"], { repeat: 480 });
  }
  tmux.keys(first, ["w"], { repeat: 40 });
  tmux.keys(first, ["i", "EDITED", "Escape"]);
  await tmux.until(first, "EDITED");
  await Bun.sleep(500);
  const before = tmux.screen(first);
  await detach(first);

  const again = await attachInTmux("vim", "EDITED");
  const after = await tmux.until(again, (rows) => rows.join("\n") === before.join("\n")).catch(() => tmux.screen(again));
  expect(after).toEqual(before);
  // And it is still vim, driven from the new terminal.
  tmux.keys(again, [":q!", "Enter"]);
  await tmux.until(again, "[vim exited with code 0]");
}, 40_000);

/**
 * A program that refreshes often, for a while, then frozen (SIGSTOP) so that its screen holds
 * still to compare: what a reattach shows must be that screen, every row.
 */
async function refreshedThenFrozen(name: string, argv: string[], ready: string) {
  await bg("--tty", "--name", name, "--", ...argv);
  const first = await attachInTmux(name, ready);
  await Bun.sleep(6000);
  const pid = JSON.parse((await tend(["status", "--json"], { env: t.env })).stdout).processes[0].pid as number;
  process.kill(pid, "SIGSTOP");
  await Bun.sleep(500);
  const before = tmux.screen(first);
  await detach(first);
  const again = await attachInTmux(name, ready);
  // Read before the program runs again: it redraws as soon as it is continued.
  const after = await tmux.until(again, (rows) => rows.join("\n") === before.join("\n"), 3000).catch(() => tmux.screen(again));
  process.kill(pid, "SIGCONT");
  return { before, after, again };
}

test("top after many refreshes comes back with its header and every row after a detach", async () => {
  const { before, after, again } = await refreshedThenFrozen("top", ["top", "-d", "0.1"], "PID");
  expect(before[0]).toMatch(/^top - /);
  expect(after).toEqual(before);
  tmux.keys(again, ["q"]);
  await tmux.until(again, "[top exited with code 0]");
}, 40_000);

test("htop after many refreshes comes back with its meters, header and key bar after a detach", async () => {
  const { before, after, again } = await refreshedThenFrozen("htop", ["htop", "-d", "1"], "PID");
  expect(before.at(-1)).toContain("F10Quit");
  expect(after).toEqual(before);
  tmux.keys(again, ["q"]);
  await tmux.until(again, "[htop exited with code 0]");
}, 40_000);
