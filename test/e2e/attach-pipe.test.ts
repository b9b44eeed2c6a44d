import { expect, test } from "bun:test";
import { useTendHome, waitFor } from "../helpers/home";
import { requireBinary, ROOT, sessionsIn, tend } from "../helpers/tend-cli";

const t = useTendHome({ killAll: { grace: "0s" }, stop: true, timeoutMs: 10_000 });
const { bg, stateOf } = sessionsIn(t);

/** `tend attach NAME` with its stdin, stdout and stderr on pipes, read as they come. */
function attachPiped(name: string) {
  const proc = Bun.spawn({ cmd: [requireBinary(), "attach", name], env: t.env, cwd: ROOT, stdin: "pipe", stdout: "pipe", stderr: "pipe" });
  const seen = { stdout: "", stderr: "" };
  const collect = async (stream: ReadableStream<Uint8Array>, key: keyof typeof seen) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) seen[key] += decoder.decode(chunk, { stream: true });
  };
  const read = Promise.all([collect(proc.stdout, "stdout"), collect(proc.stderr, "stderr")]);
  return {
    proc,
    seen,
    until: (key: keyof typeof seen, text: string) => waitFor(`${JSON.stringify(text)} on ${key}`, () => seen[key].includes(text), 5000),
    exited: async () => {
      const code = await proc.exited;
      await read;
      return code;
    },
  };
}

const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}\n`).join("");

test("input piped to attach reaches a session without a terminal; its answer and end follow", async () => {
  await bg("--name", "reader", "--", "sh", "-c", "read x; echo got $x");
  const client = attachPiped("reader");
  client.proc.stdin.write("hello\n");
  await client.proc.stdin.end();
  expect(await client.exited()).toBe(0);
  expect(client.seen.stdout).toBe("got hello\n");
  expect(client.seen.stderr).toBe("[reader exited with code 0]\n");
}, 15_000);

test("attaching to a finished session shows its last 50 lines and how it ended, with or without a supervisor", async () => {
  await bg("--name", "counter", "--", "sh", "-c", "for i in $(seq 1 60); do echo line $i; done; exit 3");
  await waitFor("counter ended", async () => (await stateOf("counter")) === "crashed");
  const live = await tend(["attach", "counter"], { env: t.env });
  expect(live).toEqual({ code: 0, stdout: lines(11, 60), stderr: "[counter exited with code 3]\n" });

  expect((await tend(["stop"], { env: t.env })).code).toBe(0);
  const fromDisk = await tend(["attach", "counter"], { env: t.env });
  expect(fromDisk).toEqual(live);
}, 15_000);

test("a restart keeps the client attached and says so; a kill ends the attach", async () => {
  // Piped input gets live output only: the session keeps saying which run it is.
  await bg("--name", "svc", "--", "sh", "-c", "while :; do echo run $TEND_RESTARTS; sleep 0.1; done");
  const client = attachPiped("svc");
  await client.until("stdout", "run 0\n");
  expect((await tend(["restart", "svc"], { env: t.env })).code).toBe(0);
  await client.until("stdout", "run 1\n");
  await client.until("stderr", "[svc started again, pid ");
  expect((await tend(["kill", "svc"], { env: t.env })).code).toBe(0);
  expect(await client.exited()).toBe(0);
  expect(client.seen.stderr).toEndWith("[svc was stopped (SIGTERM)]\n");
  expect(client.seen.stdout).toStartWith("run 0\n");
}, 15_000);

test("a process waiting to restart keeps the client attached, which hears when it comes back", async () => {
  // The first run lasts long enough for the client to be there when it fails.
  await bg("--name", "flaky", "--restart", "on-failure", "--", "sh", "-c", 'echo try $TEND_RESTARTS; if [ "$TEND_RESTARTS" = 0 ]; then sleep 2; else sleep 0.3; fi; exit 1');
  const client = attachPiped("flaky");
  await client.until("stderr", "[flaky restarting in 2s]");
  await client.until("stdout", "try 1\n");
  await client.until("stderr", "[flaky started again, pid ");
  client.proc.kill("SIGINT");
  expect(await client.exited()).toBe(0);
  expect(client.seen.stderr).toContain("[detached from flaky; it keeps running — tend attach flaky to come back]");
}, 15_000);

test("an unknown name, a missing supervisor or a bad detach key is one line and a non-zero exit", async () => {
  const nothing = await tend(["attach", "web"], { env: t.env });
  expect(nothing).toEqual({
    code: 1,
    stdout: "",
    stderr: 'tend: no process named "web" (there are no processes; start one with "tend bg" or "tend start")\n',
  });

  await bg("--name", "api", "--", "sleep", "30");
  await bg("--name", "db", "--", "sleep", "30");
  expect(await tend(["attach", "web"], { env: t.env })).toEqual({ code: 1, stdout: "", stderr: 'tend: no process named "web" (known: api, db)\n' });

  const badKey = await tend(["attach", "api", "--detach-key", "ctrl-["], { env: t.env });
  expect(badKey.code).toBe(2);
  expect(badKey.stderr).toStartWith("tend: detach key ctrl-[ is Escape");
  const badName = await tend(["attach", "no/such/name"], { env: t.env });
  expect(badName.code).toBe(2);
  expect(await stateOf("api")).toBe("running");
}, 15_000);
