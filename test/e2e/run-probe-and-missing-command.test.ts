import { expect, test } from "bun:test";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { useTendHome, waitFor } from "../helpers/home";
import { FIXTURES, sessionsIn, tend } from "../helpers/tend-cli";

const t = useTendHome({ killAll: { grace: "0s" }, stop: true });
const { bg, stateOf } = sessionsIn(t);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

test("tend run --name N --ready-http waits for the probe given, not only for N to run", async () => {
  // Without a probe of its own the session counts as ready as soon as it runs.
  await bg("--name", "api", "--", "sh", "-c", "echo api up; exec sleep 30");
  const closed = `http://127.0.0.1:${await freePort()}/`;
  const notYet = await tend(["run", "--name", "api", "--ready-http", closed, "--timeout", "400ms", "--tail", "5", "--", "echo", "ran"], { env: t.env });
  expect(notYet.code).toBe(1);
  expect(notYet.stdout).not.toContain("ran");
  expect(notYet.stderr).toContain(`\ntend: api not ready after 400ms (http ${closed})`);
  expect(notYet.stderr).toContain("api up");

  // The answer must come from the session's own server, which starts a moment after it runs.
  const port = await freePort();
  await bg("--name", "web", "-e", `PORT=${port}`, "-e", "DELAY_MS=500", "--", process.execPath, path.join(FIXTURES, "http-server.ts"));
  const up = await tend(["run", "--name", "web", "--ready-http", `http://127.0.0.1:${port}/`, "--timeout", "5s", "--", "echo", "ran"], { env: t.env });
  expect(up.code).toBe(0);
  // tend's own lines go to stderr: stdout is the command's alone.
  expect(up.stdout).toBe("ran\n");
  expect(up.stderr).toMatch(/web ready after \S+; running echo ran\n$/);
}, 20_000);

test("tend run --name N --timeout gives up after that long when N's own probe has not passed", async () => {
  // bg waits for its probe; it is left waiting while run asks for the same readiness.
  const starting = tend(["bg", "--name", "slow", "--ready-log", "never printed", "--timeout", "30s", "--", "sleep", "30"], { env: t.env });
  await waitFor("slow running", async () => (await stateOf("slow")) !== undefined);
  const started = Date.now();
  const run = await tend(["run", "--name", "slow", "--timeout", "500ms", "--", "echo", "ran"], { env: t.env });
  expect(run.code).toBe(1);
  expect(run.stdout).not.toContain("ran");
  expect(Date.now() - started).toBeLessThan(10_000);
  expect((await tend(["kill", "slow"], { env: t.env })).code).toBe(0);
  expect((await starting).code).toBe(1);
}, 20_000);

test("a command tend run cannot start is one line with the shell's exit status: 127 missing, 126 not runnable", async () => {
  const missing = await tend(["run", "--", "/nonexistent"], { env: t.env });
  expect(missing).toEqual({ code: 127, stdout: "", stderr: "tend: cannot run /nonexistent: command not found\n" });
  const notOnPath = await tend(["run", "--", "no-such-command-anywhere"], { env: t.env });
  expect(notOnPath).toEqual({ code: 127, stdout: "", stderr: "tend: cannot run no-such-command-anywhere: command not found\n" });

  const plain = path.join(t.home, "plain.txt");
  writeFileSync(plain, "echo hi\n");
  chmodSync(plain, 0o644);
  const notExecutable = await tend(["run", "--", plain], { env: t.env });
  expect(notExecutable).toEqual({ code: 126, stdout: "", stderr: `tend: cannot run ${plain}: permission denied\n` });
  const dir = path.join(t.home, "a-dir");
  mkdirSync(dir);
  const directory = await tend(["run", "--", dir], { env: t.env });
  expect(directory).toEqual({ code: 126, stdout: "", stderr: `tend: cannot run ${dir}: is a directory\n` });
}, 20_000);
