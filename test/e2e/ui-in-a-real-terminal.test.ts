import { expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { isLiveProcess } from "../../src/platform/live-processes";
import { useTendHome, waitFor } from "../helpers/home";
import { requireBinary, sessionsIn, tend } from "../helpers/tend-cli";
import { useTmux } from "../helpers/tmux";

const tmux = useTmux();
// An interactive shell ignores SIGTERM: don't sit out its grace.
const t = useTendHome({ killAll: { grace: "0s" }, stop: true, beforeReap: tmux.end, timeoutMs: 30_000 });
const { bg } = sessionsIn(t);

/** `tend ui` in a terminal of its own, once it shows its first full frame. */
async function ui(size = { cols: 100, rows: 30 }): Promise<string> {
  const s = tmux.start([requireBinary(), "ui"], { TEND_HOME: t.home }, size);
  await tmux.until(s, "? help");
  return s;
}

async function restartsOf(name: string): Promise<number | undefined> {
  const status = JSON.parse((await tend(["ps", "--json"], { env: t.env })).stdout);
  return status.processes.find((p: { name: string }) => p.name === name)?.restarts;
}

/** The row of the list that names `name`. */
/** The list's row of a process, indented under its project's heading or not. */
function rowOf(screen: string[], name: string): string | undefined {
  return screen.find((l) => l.trimStart().startsWith(`${name} `) && !l.startsWith(" tend ui"));
}

const sleeper = ["--", "sleep", "60"];

test("the list shows every process with its state and why it is there", async () => {
  await bg("--name", "web", ...sleeper);
  await bg("--name", "bad", "--", "sh", "-c", "exit 3");
  await waitFor("bad to crash", async () => (await tend(["ps"], { env: t.env })).stdout.includes("crashed"));
  const s = await ui();
  const screen = await tmux.until(s, (rows) => rowOf(rows, "bad")?.includes("crashed") === true && rowOf(rows, "web")?.includes("running") === true);
  expect(screen[0]).toContain("supervisor");
  expect(screen[1]).toMatch(/^NAME\s+STATE\s+PID\s+RESTARTS\s+UPTIME\s+READY\s+CPU\s+MEM\s+WHY/);
  expect(rowOf(screen, "bad")).toContain("code=3");
  expect(screen.at(-1)).toContain("q quit");
}, 20_000);

test("the restart key restarts the selected process, and :restart NAME does the same", async () => {
  await bg("--name", "a-first", ...sleeper);
  await bg("--name", "b-second", ...sleeper);
  const s = await ui();
  await tmux.until(s, (rows) => rowOf(rows, "b-second")?.includes("running") === true);
  // The first process is selected; j moves to the second.
  tmux.keys(s, ["j", "r"]);
  await waitFor("b-second restarted", async () => (await restartsOf("b-second")) === 1);
  expect(await restartsOf("a-first")).toBe(0);
  await tmux.until(s, "restarted b-second");

  tmux.keys(s, [":"]);
  tmux.keys(s, ["restart a-first"], { literal: true });
  tmux.keys(s, ["Enter"]);
  await waitFor("a-first restarted", async () => (await restartsOf("a-first")) === 1);
  // The command's own output, shown in the pane and as the last word in the status line.
  await tmux.until(s, (rows) => rows.filter((r) => r.includes("restarted a-first")).length >= 2);
}, 20_000);

test("K kills the selected process once confirmed, and the selection stays where it was", async () => {
  for (const name of ["a-one", "b-two", "c-three"]) await bg("--name", name, ...sleeper);
  const s = await ui();
  await tmux.until(s, (rows) => rowOf(rows, "c-three")?.includes("running") === true);
  tmux.keys(s, ["j"]);
  await tmux.until(s, "── log: b-two");
  tmux.keys(s, ["K"]);
  await tmux.until(s, "kill b-two and remove it from the list? y / n");
  tmux.keys(s, ["y"]);
  const after = await tmux.until(s, (rows) => rowOf(rows, "b-two") === undefined && rows.some((r) => r.startsWith("── log: c-three")));
  expect(rowOf(after, "a-one")).toContain("running");
}, 20_000);

test(":bg -- … creates a session that then appears in the list, and up recalls the command", async () => {
  const s = await ui();
  tmux.keys(s, [":"]);
  tmux.keys(s, ["bg --name from-ui -- sleep 60"], { literal: true });
  tmux.keys(s, ["Enter"]);
  await tmux.until(s, (rows) => rowOf(rows, "from-ui")?.includes("running") === true);
  tmux.keys(s, [":", "Up"]);
  await tmux.until(s, ":bg --name from-ui -- sleep 60");
  tmux.keys(s, ["Enter"]);
  // The same name twice: the command's error, in one line.
  await tmux.until(s, 'a process named "from-ui" already exists');
  // An answer of many lines stands in its pane; the message line does not repeat its last one.
  tmux.keys(s, [":"]);
  tmux.keys(s, ["ps"], { literal: true });
  tmux.keys(s, ["Enter"]);
  const ps = await tmux.until(s, (rows) => rows.some((r) => r.startsWith("tend ps: done")));
  // Its row in the list and in ps's answer, not a third time below.
  expect(ps.filter((r) => r.trimStart().startsWith("from-ui ")).length).toBe(2);
}, 20_000);

test("attaching to a session without a terminal, Ctrl-\\ comes back to the UI too (the terminal is in line mode then)", async () => {
  await bg("--name", "ticker", "--", "sh", "-c", "while :; do echo tick; sleep 0.2; done");
  const s = await ui();
  await tmux.until(s, (rows) => rowOf(rows, "ticker")?.includes("running") === true);
  tmux.keys(s, ["a"]);
  await tmux.until(s, (rows) => rows.filter((r) => r === "tick").length >= 2);
  tmux.keys(s, ["C-\\"]);
  const back = await tmux.until(s, (rows) => rows[0]?.includes("supervisor") === true && rows.some((r) => r.startsWith("detached from ticker")));
  expect(rowOf(back, "ticker")).toContain("running");
  // Still the UI a moment later: nothing ends it behind the user's back.
  await Bun.sleep(1000);
  tmux.keys(s, ["?"]);
  await tmux.until(s, "keys (any key closes this)");
}, 20_000);

test("attach hands the terminal to the session, and detaching comes back to the UI", async () => {
  await bg("--tty", "--name", "sh", "-e", "PS1=$ ", "--", "sh");
  const s = await ui();
  await tmux.until(s, (rows) => rowOf(rows, "sh")?.includes("running") === true);
  tmux.keys(s, ["a"]);
  await tmux.until(s, (rows) => rows[0]?.startsWith("$") === true);
  tmux.keys(s, ["echo attached-$((6*7))"], { literal: true });
  tmux.keys(s, ["Enter"]);
  await tmux.until(s, "attached-42");
  tmux.keys(s, ["C-\\"]);
  // The UI's frame again, with its word on how it came back.
  const back = await tmux.until(s, (rows) => rows[0]?.includes("supervisor") === true && rows.some((r) => r.startsWith("detached from sh")));
  expect(rowOf(back, "sh")).toContain("running");
  // And the UI takes keys again.
  tmux.keys(s, ["?"]);
  await tmux.until(s, "keys (any key closes this)");
}, 20_000);

test("a resize redraws the whole frame at the new size", async () => {
  await bg("--name", "web", ...sleeper);
  const s = await ui({ cols: 120, rows: 40 });
  await tmux.until(s, (rows) => rows.length === 40 && rows[39]!.includes("q quit"));
  tmux.resize(s, { cols: 80, rows: 24 });
  const small = await tmux.until(s, (rows) => rows.length === 24 && rows[23]!.includes("q quit") && rowOf(rows, "web") !== undefined);
  expect(small.every((r) => r.length <= 80)).toBe(true);
  expect(small[1]).toStartWith("NAME");
}, 20_000);

test("quitting leaves the terminal as it was, with q or Ctrl-C (exit 0) and with SIGTERM", async () => {
  for (const how of ["q", "C-c", "SIGTERM"] as const) {
    const dir = path.join(t.home, how);
    // The shell stays, so the pane shows the screen as the shell has it (a dead pane is redrawn).
    const script = `mkdir -p ${dir}; stty -a > ${dir}/before; echo before-ui; ${requireBinary()} ui; echo "exit=$?"; stty -a > ${dir}/after; sleep 60`;
    const s = tmux.start(["sh", "-c", script], { TEND_HOME: t.home });
    await tmux.until(s, "? help");
    if (how !== "SIGTERM") tmux.keys(s, [how]);
    else {
      const pid = Number(Bun.spawnSync(["pgrep", "-f", `${requireBinary()} ui`, "-P", String(tmux.panePid(s))]).stdout.toString().trim());
      process.kill(pid, "SIGTERM");
    }
    const after = await tmux.until(s, "exit=");
    // The normal screen is back, with what was on it before.
    expect(after.join("\n")).toContain("before-ui");
    expect(after.join("\n")).toContain("exit=0");
    await waitFor("the terminal's mode after", () => readFileSync(`${dir}/after`, "utf8").length > 0);
    expect(readFileSync(`${dir}/after`, "utf8")).toBe(readFileSync(`${dir}/before`, "utf8"));
  }
}, 30_000);

test("when the supervisor stops the UI says so, and S starts one it reconnects to", async () => {
  await bg("--name", "web", ...sleeper);
  const s = await ui();
  await tmux.until(s, (rows) => rowOf(rows, "web")?.includes("running") === true);
  await tend(["stop"], { env: t.env });
  await tmux.until(s, "no supervisor is running — S starts one again");
  tmux.keys(s, ["S"]);
  await tmux.until(s, (rows) => rows[0]?.includes("supervisor") === true && /supervisor \d+ up/.test(rows[0]));
  // Reconnected: a session added from outside appears.
  await bg("--name", "later", ...sleeper);
  await tmux.until(s, (rows) => rowOf(rows, "later")?.includes("running") === true);
}, 30_000);

test("without a terminal tend ui refuses in one line, with exit code 2", async () => {
  const run = await tend(["ui"], { env: t.env });
  expect(run.code).toBe(2);
  expect(run.stderr.trim().split("\n")).toHaveLength(1);
  expect(run.stderr).toContain("tend ui needs a terminal");
});

test("a supervisor killed outright is reported as lost, and the next one is followed by itself", async () => {
  await bg("--name", "web", ...sleeper);
  const s = await ui();
  await tmux.until(s, (rows) => rowOf(rows, "web")?.includes("running") === true);
  const status = JSON.parse((await tend(["ps", "--json"], { env: t.env })).stdout);
  process.kill(status.supervisor.pid, "SIGKILL");
  await tmux.until(s, "the supervisor was lost — S starts one again");
  // Any command that starts a supervisor will do: the UI finds it without a key.
  await bg("--name", "later", ...sleeper);
  await tmux.until(s, (rows) => /supervisor \d+ up/.test(rows[0] ?? "") && rowOf(rows, "later")?.includes("running") === true);
}, 30_000);

test("a frozen supervisor is said, and once it answers again the UI follows it and its logs again", async () => {
  await bg("--name", "web", "--", "sh", "-c", "echo before; sleep 3; echo after; sleep 60");
  const s = tmux.start([requireBinary(), "ui"], { TEND_HOME: t.home, TEND_TIMEOUT: "1s" });
  await tmux.until(s, (rows) => rowOf(rows, "web")?.includes("running") === true);
  const { supervisor } = JSON.parse((await tend(["ps", "--json"], { env: t.env })).stdout);
  process.kill(supervisor.pid, "SIGSTOP");
  try {
    await tmux.until(s, "the supervisor does not answer", 10_000);
  } finally {
    process.kill(supervisor.pid, "SIGCONT");
  }
  await tmux.until(s, (rows) => /supervisor \d+ up/.test(rows[0] ?? "") && rows.some((r) => r.includes("after")), 15_000);
}, 30_000);

test("NO_COLOR leaves colours out; the selected row is still shown in reverse video", async () => {
  await bg("--name", "web", ...sleeper);
  for (const noColor of [false, true]) {
    const s = tmux.start([requireBinary(), "ui"], { TEND_HOME: t.home, ...(noColor ? { NO_COLOR: "1" } : {}) });
    await tmux.until(s, (rows) => rowOf(rows, "web")?.includes("running") === true);
    const ansi = tmux.screen(s, { escapes: true }).join("\n");
    // SGR colours: 30–37, 90–97 (foreground), as the state column uses.
    expect(/\x1b\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7])m/.test(ansi)).toBe(!noColor);
    expect(ansi).toContain("\x1b[7m");
    tmux.kill(s);
  }
}, 20_000);

test("p opens the whole log in $PAGER and comes back; / finds a line in the log pane", async () => {
  await bg("--name", "talker", "--", "sh", "-c", 'for i in $(seq 1 300); do echo "line $i of the talk"; done; exec sleep 60');
  const paged = path.join(t.home, "paged.txt");
  const s = tmux.start([requireBinary(), "ui"], { TEND_HOME: t.home, PAGER: `cat > ${paged}` });
  await tmux.until(s, "line 300 of the talk");
  tmux.keys(s, ["p"]);
  await waitFor("the pager's input", () => {
    try {
      return readFileSync(paged, "utf8").includes("line 300 of the talk\n");
    } catch {
      return false;
    }
  });
  expect(readFileSync(paged, "utf8").split("\n").filter(Boolean)).toHaveLength(300);
  await tmux.until(s, (rows) => rows[0]?.includes("supervisor") === true && rows.some((r) => r.startsWith("line 300 of the talk")));

  tmux.keys(s, ["/"]);
  tmux.keys(s, ["line 42 of"], { literal: true });
  tmux.keys(s, ["Enter"]);
  // The match is the pane's first line, the search named in its title.
  const found = await tmux.until(s, (rows) => rows.some((r) => r.includes("/line 42 of")));
  const title = found.findIndex((r) => r.includes("/line 42 of"));
  expect(found[title + 1]).toBe("line 42 of the talk");
}, 20_000);

test("the details say what runs, and for a worker the config file and line it comes from", async () => {
  const dir = path.join(t.home, "app");
  mkdirSync(dir);
  writeFileSync(path.join(dir, "tend.toml"), '# the app\n[processes.web]\ncommand = "sleep 60"\nenv = { GREETING = "hi" }\n');
  expect((await tend(["start", "-d", "--dir", dir], { env: t.env })).code).toBe(0);
  const s = await ui();
  await tmux.until(s, (rows) => rowOf(rows, "web")?.includes("running") === true);
  tmux.keys(s, ["Enter"]);
  const details = await tmux.until(s, "details: app/web");
  const text = details.join("\n");
  expect(text).toContain(`worker, from ${path.join(dir, "tend.toml")}:2`);
  expect(text).toMatch(/command\s+sh -c 'sleep 60'/);
  expect(text).toMatch(/env\s+.*GREETING/);
  expect(text).toMatch(/restart\s+always; backoff 2s/);
}, 20_000);

test("in a short terminal the details say what does not fit, and PgDn shows it", async () => {
  // Thirty variables of its own: their names take more rows than the pane has.
  const own = Array.from({ length: 30 }, (_, i) => ["-e", `SETTING_NUMBER_${i}=x`]).flat();
  await bg("--name", "web", "-e", "GREETING=hi", ...own, ...sleeper);
  const s = await ui({ cols: 80, rows: 24 });
  await tmux.until(s, (rows) => rowOf(rows, "web")?.includes("running") === true);
  tmux.keys(s, ["Enter"]);
  const first = await tmux.until(s, (rows) => rows.some((r) => /── details: web {2}\(rows 1–\d+ of \d+, PgUp PgDn; /.test(r)));
  expect(first.some((r) => r.startsWith("marker"))).toBe(false);
  // What was set for it is listed; what it took from the shell is counted.
  expect(first.find((r) => r.startsWith("env "))).toMatch(/^env\s+GREETING /);
  const seen = [...first];
  let later: string[] = first;
  for (let page = 0; page < 10 && !later.some((r) => r.startsWith("marker ")); page++) {
    tmux.keys(s, ["PageDown"]);
    const before = later.join("\n");
    later = await tmux.until(s, (rows) => rows.join("\n") !== before || rows.some((r) => r.startsWith("marker ")));
    seen.push(...later);
  }
  // The value goes on over rows, cut at spaces.
  expect(seen.join(" ").replace(/\s+/g, " ")).toMatch(/SETTING_NUMBER_9 (\S+ )*\(and \d+ as in this terminal\)/);
  expect(later.some((r) => r.startsWith("marker "))).toBe(true);
  expect(later.some((r) => /── details: web {2}\(rows [2-9]\d*–/.test(r))).toBe(true);
}, 20_000);

test("a terminal that goes away (tmux kill-session) ends the UI within a second", async () => {
  const s = await ui();
  const pid = tmux.panePid(s);
  expect(isLiveProcess(pid)).toBe(true);
  tmux.kill(s);
  const killedAt = Date.now();
  await waitFor("the UI to exit", () => !isLiveProcess(pid), 3000);
  // Within a second on a quiet machine; the bound leaves room for a loaded one.
  expect(Date.now() - killedAt).toBeLessThan(2000);
}, 20_000);
