import { expect, test } from "bun:test";
import { useTendHome } from "../helpers/home";
import { requireBinary, ROOT, sessionsIn } from "../helpers/tend-cli";

const t = useTendHome({ killAll: { grace: "0s" }, stop: true, timeoutMs: 10_000 });
const { bg, stateOf } = sessionsIn(t);
const DETACHED = (name: string) => `[detached from ${name}; it keeps running — tend attach ${name} to come back]\n`;

/** `tend attach NAME` fed `input` on a pipe that then closes: its outcome and how long it took. */
async function attachWithInput(name: string, input: string, timeoutMs: number) {
  const started = Date.now();
  const proc = Bun.spawn({ cmd: [requireBinary(), "attach", name], env: t.env, cwd: ROOT, stdin: "pipe", stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
  proc.stdin.write(input);
  await proc.stdin.end();
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  return { code, stdout, stderr, tookMs: Date.now() - started };
}

test("piped input that ends lets its answer through, then detaches and leaves the session running", async () => {
  await bg("--name", "echoer", "--", "cat");
  const run = await attachWithInput("echoer", "hello\n", 5000);
  expect(run).toMatchObject({ code: 0, stdout: "hello\n", stderr: DETACHED("echoer") });
  expect(await stateOf("echoer")).toBe("running");

  // The session still reads what comes next, from a later attach, which shows only the answer
  // to its own input: a script reads what it asked for, not the history before it.
  const again = await attachWithInput("echoer", "again\n", 5000);
  expect(again).toMatchObject({ code: 0, stdout: "again\n", stderr: DETACHED("echoer") });
}, 15_000);

test("a session that never stops talking does not hold an attach open after its piped input ended", async () => {
  await bg("--name", "chatty", "--", "sh", "-c", "while :; do echo tick; sleep 0.05; done");
  const run = await attachWithInput("chatty", "", 8000);
  expect(run.code).toBe(0);
  expect(run.stdout).toContain("tick\n");
  expect(run.stderr).toBe(DETACHED("chatty"));
  // The drain gives up after 2 s, however much keeps coming.
  expect(run.tookMs).toBeLessThan(5000);
  expect(await stateOf("chatty")).toBe("running");
}, 15_000);
