import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { useTendHome, waitFor } from "../helpers/home";
import { BINARY, requireBinary, tend } from "../helpers/tend-cli";

const t = useTendHome({ killAll: { grace: "500ms" }, stop: true });

/** `tend start` in the foreground, its output read as it comes. */
function startForeground(toml: string, args: string[] = []) {
  writeFileSync(path.join(t.home, "tend.toml"), toml);
  requireBinary();
  const proc = Bun.spawn({ cmd: [BINARY, "start", "--dir", t.home, ...args], env: t.env, stdout: "pipe", stderr: "pipe" });
  let out = "";
  const reading = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of proc.stdout) out += decoder.decode(chunk, { stream: true });
  })();
  return { proc, output: () => out, done: async () => ((await proc.exited), await reading, out) };
}

const linesOf = (text: string, name: string) => text.split("\n").filter((l) => l.startsWith(`${name} `) && l.includes(" | "));

test("start and logs print the same prefix, so their columns line up", async () => {
  const run = startForeground(`
[processes.a]
command = "echo from-a"
restart = "no"

[processes.longer]
command = "echo from-longer"
restart = "no"
`);
  const out = await run.done();
  const logs = (await tend(["logs", "--all"], { env: t.env })).stdout;
  for (const name of ["a", "longer"]) expect(linesOf(logs, name)).toEqual(linesOf(out, name));
  expect(linesOf(out, "a")).toEqual(["a      | from-a"]);
}, 20_000);

test("a prompt without its newline is shown while the process waits; a \\r progress line shows its last state", async () => {
  const run = startForeground(`
[processes.db]
command = "printf 'Password: '; sleep 6; echo; printf '10%%\\\\r50%%\\\\r100%%\\\\n'"
restart = "no"
`);
  await waitFor("the prompt to show", () => run.output().includes("db   | Password: \n"), 5000);
  const out = await run.done();
  expect(out).toContain("db   | 100%\n");
  expect(out).not.toContain("10%");
}, 20_000);

test("-t puts the time of day in front of every line", async () => {
  const run = startForeground(`
[processes.web]
command = "echo up"
restart = "no"
`, ["-t"]);
  expect(await run.done()).toMatch(/^\d\d:\d\d:\d\d\.\d{3} web  \| up$/m);
}, 20_000);

test("--exit-with first: the first process to end stops the rest, and its status is start's", async () => {
  const run = startForeground(`
[processes.tests]
command = "sleep 0.5; exit 3"

[processes.server]
command = "exec sleep 60"
`, ["--exit-with", "first"]);
  const started = Date.now();
  const out = await run.done();
  expect(await run.proc.exited).toBe(3);
  expect(out).toContain("tests  * ended (code=3): stopping the rest (--exit-with)");
  expect(Date.now() - started).toBeLessThan(15_000);
}, 30_000);

test("--exit-with NAME waits for that one, even past others that end first", async () => {
  const run = startForeground(`
[processes.quick]
command = "exit 0"
restart = "no"

[processes.main]
command = "sleep 1; exit 0"
restart = "no"

[processes.server]
command = "exec sleep 60"
`, ["--exit-with", "main"]);
  const out = await run.done();
  expect(await run.proc.exited).toBe(0);
  expect(out).toContain("main   * ended (code=0): stopping the rest (--exit-with)");
}, 30_000);

test("a one-shot job that exits 0 under restart always is parked with what to change, and start exits 0", async () => {
  writeFileSync(path.join(t.home, "tend.toml"), '[processes.job]\ncommand = "true"\n[processes.job.backoff]\ninitial = "10ms"\n');
  const r = await tend(["start", "--dir", t.home], { env: t.env, timeoutMs: 20_000 });
  expect(r.stdout).toContain('parked: exits at once with code 0 (5 times, each ran < 10s); use restart = "no" for one-shot jobs');
  expect(r.code).toBe(0);
}, 30_000);

test("--exit-with with an unknown name is a usage error", async () => {
  writeFileSync(path.join(t.home, "tend.toml"), '[processes.web]\ncommand = "sleep 1"\n');
  const r = await tend(["start", "--dir", t.home, "--exit-with", "nope"], { env: t.env });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('--exit-with nope: expected "first" or the name of a process');
});
