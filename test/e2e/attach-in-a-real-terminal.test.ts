import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { isLiveProcess } from "../../src/platform/live-processes";
import { useTendHome, waitFor } from "../helpers/home";
import { requireBinary, sessionsIn } from "../helpers/tend-cli";
import { useTmux } from "../helpers/tmux";

const tmux = useTmux();
// An interactive shell ignores SIGTERM: don't sit out its grace.
const t = useTendHome({ killAll: { grace: "0s" }, stop: true, beforeReap: tmux.end, timeoutMs: 30_000 });
const { bg, stateOf } = sessionsIn(t);

function attachInTmux(name: string): string {
  return tmux.start([requireBinary(), "attach", name], { TEND_HOME: t.home });
}

test("a reattach types nothing: after vim ran in the shell, the prompt stays clean", async () => {
  await bg("--tty", "--name", "sh", "-e", "PS1=$ ", "--", "sh");
  const first = attachInTmux("sh");
  await tmux.until(first, "$");
  // vim asks the terminal for its kind and the cursor position when it starts.
  tmux.keys(first, ["vim -u NONE -N", "Enter"]);
  await tmux.until(first, "~");
  tmux.keys(first, [":q!", "Enter"]);
  await tmux.until(first, (rows) => rows.filter((r) => r.startsWith("$")).length >= 2);
  tmux.keys(first, ["C-\\"]);
  await tmux.until(first, "[detached from sh");

  for (let i = 0; i < 3; i++) {
    const again = attachInTmux("sh");
    await tmux.until(again, "vim -u NONE -N");
    await Bun.sleep(700);
    tmux.keys(again, ["echo clean-$((40+2))", "Enter"]);
    const rows = await tmux.until(again, "clean-42");
    // The command line is exactly what was typed: no answer of the terminal ran ahead of it.
    expect(rows).toContain("$ echo clean-$((40+2))");
    tmux.keys(again, ["C-\\"]);
    await tmux.until(again, "[detached from sh");
  }
}, 40_000);

test("a 4 MB burst in an attached shell leaves the attach up, showing the end of it", async () => {
  await bg("--tty", "--name", "sh", "-e", "PS1=$ ", "--", "sh");
  const s = attachInTmux("sh");
  await tmux.until(s, "$");
  tmux.keys(s, ["head -c 3000000 /dev/urandom | base64 -w 76; seq 1 20000 | tail -n 3; echo burst-$((1+1))-done", "Enter"]);
  await tmux.until(s, "burst-2-done", 20_000);
  // Still attached: what is typed next reaches the shell, whose answer comes back.
  tmux.keys(s, ["echo still-$((3*3))", "Enter"]);
  const rows = await tmux.until(s, "still-9");
  expect(rows.join("\n")).toContain("19999\n20000\nburst-2-done");
  expect(rows.join("\n")).not.toContain("dropped");
  expect(tmux.alive(s)).toBe(true);
  expect(await stateOf("sh")).toBe("running");
}, 40_000);

test("an attach whose terminal goes away (tmux kill-session) exits within a second", async () => {
  await bg("--tty", "--name", "sh", "-e", "PS1=$ ", "--", "sh");
  const s = attachInTmux("sh");
  await tmux.until(s, "$");
  const pid = tmux.panePid(s);
  expect(isLiveProcess(pid)).toBe(true);
  tmux.kill(s);
  const killedAt = Date.now();
  await waitFor("the attach to exit", () => !isLiveProcess(pid), 3000);
  // It gives itself 0.5 s to restore the terminal; the rest is room for a loaded machine.
  expect(Date.now() - killedAt).toBeLessThan(2000);
  expect(await stateOf("sh")).toBe("running");
}, 20_000);

test("SIGTERM or SIGHUP ends an attach at once, and the terminal is back in line mode", async () => {
  await bg("--tty", "--name", "sh", "-e", "PS1=$ ", "--", "sh");
  for (const signal of ["SIGTERM", "SIGHUP"] as const) {
    const report = path.join(t.home, `stty-${signal}`);
    // The shell around the attach reads the terminal's mode once the attach is gone.
    const s = tmux.start(["sh", "-c", `${requireBinary()} attach sh; stty -a > ${report}`], { TEND_HOME: t.home });
    await tmux.until(s, "$");
    const attach = Number(Bun.spawnSync(["pgrep", "-P", String(tmux.panePid(s))]).stdout.toString().trim());
    process.kill(attach, signal);
    const sentAt = Date.now();
    await waitFor(`the attach to exit on ${signal}`, () => !isLiveProcess(attach), 3000);
    expect(Date.now() - sentAt).toBeLessThan(2000);
    await waitFor("the terminal's mode", () => {
      try {
        return readFileSync(report, "utf8").includes("icanon");
      } catch {
        return false;
      }
    });
    expect(readFileSync(report, "utf8")).not.toMatch(/(^|\s)-icanon/);
    expect(readFileSync(report, "utf8")).not.toMatch(/(^|\s)-echo(\s|$)/);
  }
}, 30_000);
