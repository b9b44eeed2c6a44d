import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { useTendHome, waitFor } from "../helpers/home";
import { FIXTURES, projectLogs, tend } from "../helpers/tend-cli";

const t = useTendHome({ killAll: { grace: "1s" }, stop: true });

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

const server = path.join(FIXTURES, "http-server.ts");

describe("readiness", () => {
  test("a server started with --ready-http answers right after bg returns — never a refused connection", async () => {
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const bg = await tend(["bg", "--name", `web${i}`, "-e", `PORT=${port}`, "-e", "DELAY_MS=400", "--ready-http", `http://127.0.0.1:${port}/`, "--", process.execPath, server], { env: t.env });
      expect(bg.code).toBe(0);
      expect(bg.stdout + bg.stderr).toMatch(/web\d ready after \d/);
      const res = await fetch(`http://127.0.0.1:${port}/`);
      expect(res.status).toBe(200);
      const ps = JSON.parse((await tend(["ps", "--json"], { env: t.env })).stdout);
      const rec = ps.processes.find((p: { name: string }) => p.name === `web${i}`);
      expect(rec.state).toBe("ready");
      expect(rec.readyAt).toBeGreaterThanOrEqual(rec.startedAt);
      // A later wait finds it ready and says how long the run took, not that the wait did.
      const wait = await tend(["wait", `web${i}`], { env: t.env });
      expect(wait.code).toBe(0);
      expect(wait.stdout + wait.stderr).toMatch(new RegExp(`web${i} ready \\([\\d.]+m?s after it started\\)`));
    }
  }, 30_000);

  test("a server that never becomes ready: bg exits 1 after the timeout, with its last log lines", async () => {
    const port = await freePort();
    const started = Date.now();
    const bg = await tend(["bg", "--name", "slow", "--ready-http", `http://127.0.0.1:${port}/`, "--timeout", "1500ms", "--", "sh", "-c", "echo booting; echo still booting; sleep 30"], { env: t.env });
    expect(bg.code).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(bg.stderr).toContain("tend: slow not ready after 1.5s");
    expect(bg.stderr).toContain("--- last 2 lines of slow ---\nbooting\nstill booting\n");
  }, 15_000);

  test("a server that crashes during start: exit 1 well before the timeout, saying it exited and with what code", async () => {
    const port = await freePort();
    const started = Date.now();
    const bg = await tend(["bg", "--name", "crashy", "-e", `PORT=${port}`, "-e", "FAIL_AFTER_MS=200", "--ready-http", `http://127.0.0.1:${port}/`, "--timeout", "30s", "--", process.execPath, server], { env: t.env });
    expect(bg.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(bg.stderr).toContain("tend: crashy exited (code=3) before it was ready");
    expect(bg.stderr).toContain("fatal: cannot open the database");
  }, 15_000);

  test("--ready-log matches a line that arrives split across two writes", async () => {
    const bg = await tend(["bg", "--name", "split", "--ready-log", "ready to serve", "--timeout", "5s", "--", "sh", "-c", "printf 'ready to '; sleep 0.3; echo 'serve'; sleep 30"], { env: t.env });
    expect(bg.code).toBe(0);
    expect(bg.stdout + bg.stderr).toContain("split ready after");
  }, 15_000);

  test("a --ready-port probe against a port nobody listens on times out cleanly", async () => {
    const port = await freePort();
    const bg = await tend(["bg", "--name", "noport", "--ready-port", String(port), "--timeout", "1s", "--", "sleep", "30"], { env: t.env });
    expect(bg.code).toBe(1);
    expect(bg.stderr).toContain(`noport not ready after 1s (port 127.0.0.1:${port}): connection refused`);
    expect(bg.stderr.split("\n").filter((l) => l.startsWith("tend:"))).toHaveLength(1);
  }, 15_000);
});

describe("tend wait", () => {
  test("wait --exit returns the job's exit code: 0, 3, and 137 for a SIGKILLed job", async () => {
    for (const [name, script, code] of [["ok", "exit 0", 0], ["three", "sleep 0.2; exit 3", 3], ["killed", "kill -9 $$", 137]] as const) {
      expect((await tend(["bg", "--name", name, "--", "sh", "-c", script], { env: t.env })).code).toBe(0);
      const w = await tend(["wait", name, "--exit"], { env: t.env });
      expect({ name, code: w.code }).toEqual({ name, code });
    }
  }, 20_000);

  test("wait NAME waits for the configured probe; wait NAME --ready-port probes from the command line", async () => {
    const port = await freePort();
    expect((await tend(["bg", "--name", "api", "-e", `PORT=${port}`, "-e", "DELAY_MS=500", "--", process.execPath, server], { env: t.env })).code).toBe(0);
    const w = await tend(["wait", "api", "--ready-port", String(port), "--timeout", "10s"], { env: t.env });
    expect(w.code).toBe(0);
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
  }, 20_000);
});

describe("dependencies", () => {
  test("web starts only after db is ready (by log line), as the log timestamps show; a cycle is rejected with its path", async () => {
    writeFileSync(
      path.join(t.home, "tend.toml"),
      [
        "[processes.db]",
        `command = "sleep 0.5; echo db accepting connections; sleep 30"`,
        `ready = { log = "accepting connections" }`,
        "[processes.web]",
        `command = "echo web started; sleep 30"`,
        `depends_on = ["db"]`,
      ].join("\n"),
    );
    expect((await tend(["start", "-d", "--dir", t.home], { env: t.env })).code).toBe(0);
    expect((await tend(["wait", "web", "--timeout", "10s"], { env: t.env })).code).toBe(0);
    const find = (name: string, text: string) => readFileSync(path.join(projectLogs(t.home, t.home), `${name}.log`), "utf8").split("\n").find((l) => l.endsWith(text));
    const stamp = (name: string, text: string) => find(name, text)!.slice(0, find(name, text)!.indexOf(" "));
    // Running is not the same as having written: web's line reaches its log a moment after it starts.
    await waitFor("web's first line in its log", () => find("web", "web started") !== undefined);
    expect(stamp("web", "web started") > stamp("db", "db accepting connections")).toBe(true);

    writeFileSync(path.join(t.home, "cycle.toml"), '[processes.a]\ncommand = "true"\ndepends_on = ["b"]\n[processes.b]\ncommand = "true"\ndepends_on = ["a"]\n');
    const cycle = await tend(["start", "--config", path.join(t.home, "cycle.toml")], { env: t.env });
    expect(cycle.code).toBe(2);
    expect(cycle.stderr).toMatch(/dependency cycle: (a -> b -> a|b -> a -> b)/);
  }, 30_000);
});
