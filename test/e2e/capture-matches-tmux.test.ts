import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { useTendHome, waitFor } from "../helpers/home";
import { requireBinary, sessionsIn, tend } from "../helpers/tend-cli";
import { trimmed, useTmux } from "../helpers/tmux";

const tmux = useTmux();
const t = useTendHome({ killAll: { grace: "0s" }, stop: true, beforeReap: tmux.end, timeoutMs: 30_000 });
const { bg, stateOf } = sessionsIn(t);
// A --tty session's terminal has this size until a client attaches.
const SIZE = { cols: 120, rows: 40 };

async function captured(name: string, ...flags: string[]): Promise<string> {
  const run = await tend(["capture", name, ...flags], { env: t.env });
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return run.stdout;
}

const rows = (text: string) => trimmed(text.replace(/\n$/, "").split("\n"));

test("tend capture shows what tmux shows for the same program: vim, then less", async () => {
  const file = path.join(t.home, "words.txt");
  writeFileSync(file, Array.from({ length: 200 }, (_, i) => `${i + 1}: ${"lorem ipsum ".repeat((i % 7) + 1)}`).join("\n"));
  for (const [name, argv, keys] of [
    ["vim", ["vim", "-u", "NONE", "-N", "-i", "NONE", "-n", "-c", "set number", file], ["4", "0", "G", "w", "w"]],
    ["less", ["less", file], ["Space", "Space", "/", "ipsum lorem", "Enter"]],
  ] as const) {
    await bg("--tty", "--name", name, "-e", "TERM=xterm-256color", "--", ...argv);
    const direct = tmux.start(["env", "TERM=xterm-256color", ...argv], {}, SIZE);
    await tmux.until(direct, "lorem");
    for (const key of keys) tmux.keys(direct, [key]);
    await Bun.sleep(500);
    // The same keys, typed into the session through the API's input path (an attach).
    const client = Bun.spawn({ cmd: ["sh", "-c", `sleep 0.2; printf '%s' "$KEYS"`], env: { KEYS: keys.map((k) => (k === "Space" ? " " : k === "Enter" ? "\r" : k)).join("") }, stdout: "pipe" });
    const attach = Bun.spawn({ cmd: [requireBinary(), "attach", name], env: t.env, stdin: client.stdout, stdout: "ignore", stderr: "ignore" });
    expect(await attach.exited).toBe(0);
    const expected = trimmed(tmux.screen(direct));
    await waitFor(`${name}'s screen to match`, async () => JSON.stringify(rows(await captured(name))) === JSON.stringify(expected), 5000).catch(() => {});
    expect(rows(await captured(name))).toEqual(expected);
  }
}, 40_000);

test("capture -S adds history, --json gives rows, --ansi colours; a finished session keeps its last screen", async () => {
  const script = String.raw`for i in $(seq 1 60); do echo "row $i"; done; printf '\033[31mred\033[0m tail\n'; exit 4`;
  await bg("--tty", "--name", "rows", "--", "sh", "-c", script);
  await waitFor("rows to end", async () => (await stateOf("rows")) === "crashed");
  const screen = rows(await captured("rows"));
  expect(screen.length).toBe(SIZE.rows - 1);
  expect(screen[0]).toBe("row 23");
  expect(screen.at(-1)).toBe("red tail");
  expect(rows(await captured("rows", "-S", "5")).slice(0, 6)).toEqual(["row 18", "row 19", "row 20", "row 21", "row 22", "row 23"]);
  expect(await captured("rows", "--ansi")).toContain("\x1b[0;31mred\x1b[0m tail\n");
  const json = JSON.parse(await captured("rows", "--json"));
  expect(json).toMatchObject({ name: "rows", cols: SIZE.cols, rows: SIZE.rows, alternate: false, scrollback: 0 });
  expect(json.lines[SIZE.rows - 2]).toBe("red tail");

  // Without a supervisor, from the screen file it left.
  expect((await tend(["stop"], { env: t.env })).code).toBe(0);
  expect(rows(await captured("rows"))).toEqual(screen);
  const attach = await tend(["attach", "rows"], { env: t.env });
  expect(attach.stdout.split("\n").slice(-3)).toEqual(["row 60", "red tail", ""]);
  expect(attach.stderr).toBe("[rows exited with code 4]\n");

  await bg("--name", "plain", "--", "sleep", "30");
  const plain = await tend(["capture", "plain"], { env: t.env });
  expect(plain).toEqual({ code: 1, stdout: "", stderr: 'tend: "plain" has no terminal, so no screen (its output is in "tend logs plain"; a session started with "tend bg --tty" has one)\n' });
  const bad = await tend(["capture", "rows", "-S", "lots"], { env: t.env });
  expect(bad.code).toBe(2);
}, 30_000);
