import { expect, test } from "bun:test";
import net from "node:net";
import path from "node:path";
import { useTendHome } from "../helpers/home";
import { useMarkedProcesses } from "../helpers/marked-processes";
import { FIXTURES, tend } from "../helpers/tend-cli";

/**
 * Ready means the answer came from the process's own tree: a server left from an earlier run
 * that still answers on the port must not pass for the new one.
 */

const t = useTendHome({ killAll: { grace: "1s" }, stop: true });
const marked = useMarkedProcesses();
const server = path.join(FIXTURES, "http-server.ts");

function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, host, () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function answers(url: string): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(url);
      return true;
    } catch {
      await Bun.sleep(20);
    }
  }
  return false;
}

/** A server of nobody's tend: started by the test, as one left by an earlier CI run would be. */
async function staleServer(port: number): Promise<number> {
  const stale = marked.start([process.execPath, server], { env: { PORT: String(port) } });
  expect(await answers(`http://127.0.0.1:${port}/`)).toBe(true);
  return stale.pid;
}

test("a stale server on the port: bg --ready-http fails fast naming the holder, not 'ready'", async () => {
  const port = await freePort();
  const stalePid = await staleServer(port);
  const started = Date.now();
  const bg = await tend(["bg", "--name", "api", "-e", `PORT=${port}`, "-e", "DELAY_MS=300", "--ready-http", `http://127.0.0.1:${port}/`, "--timeout", "20s", "--", process.execPath, server], { env: t.env });
  expect(bg.code).toBe(1);
  expect(bg.stderr).toContain(`port ${port} is held by pid ${stalePid} (${process.execPath} ${server}), not by api`);
  // Its own server could not bind the port and ended: said so, with its last lines, not "still running".
  expect(bg.stderr).toContain("api exited (code=1) before it was ready");
  expect(bg.stderr).toContain("--- last ");
  expect(bg.stderr).not.toContain("still running");
  // Fast: the first answer settles it, well before the 20 s timeout.
  expect(Date.now() - started).toBeLessThan(10_000);
}, 30_000);

test("a stale server and --ready-port: the same", async () => {
  const port = await freePort();
  const stalePid = await staleServer(port);
  const bg = await tend(["bg", "--name", "db", "--ready-port", String(port), "--timeout", "20s", "--", "sleep", "30"], { env: t.env });
  expect(bg.code).toBe(1);
  expect(bg.stderr).toContain(`port ${port} is held by pid ${stalePid}`);
  expect(bg.stderr).toContain("not by db");
}, 30_000);

test("wait --ready-port from the client side does not lie either", async () => {
  const port = await freePort();
  await staleServer(port);
  expect((await tend(["bg", "--name", "idle", "--", "sleep", "30"], { env: t.env })).code).toBe(0);
  const wait = await tend(["wait", "idle", "--ready-port", String(port), "--timeout", "20s"], { env: t.env });
  expect(wait.code).toBe(1);
  expect(wait.stderr).toContain(`port ${port} is held by pid`);
}, 30_000);

test("the process's own server is ready, also when a process it started outside its group holds the port", async () => {
  const own = await freePort();
  const bg = await tend(["bg", "--name", "own", "-e", `PORT=${own}`, "--ready-http", `http://127.0.0.1:${own}/`, "--", process.execPath, server], { env: t.env });
  expect(bg.code).toBe(0);
  // A port proxy of a container runtime is no child of ours, but appears after the run starts.
  const proxied = await freePort();
  const script = `setsid env -u TEND_PROCESS_ID -u TEND_HOME TEND_TEST_MARK=${marked.mark} PORT=${proxied} ${process.execPath} ${server} >/dev/null 2>&1 </dev/null & sleep 30`;
  const viaProxy = await tend(["bg", "--name", "proxied", "--ready-port", String(proxied), "--", "sh", "-c", script], { env: t.env });
  // The stand-in proxy leads its own session: it goes with the test's groups.
  marked.groups.push(...(await marked.atLeast(1)));
  expect(viaProxy.stderr).not.toContain("held by");
  expect(viaProxy.code).toBe(0);
}, 30_000);

test("localhost is probed on ::1 as well as 127.0.0.1", async () => {
  const port = await freePort("::1");
  const bg = await tend(["bg", "--name", "v6", "-e", `PORT=${port}`, "-e", "HOST=::1", "--ready-http", `http://localhost:${port}/`, "--timeout", "10s", "--", process.execPath, server], { env: t.env });
  expect(bg.stdout + bg.stderr).toContain("v6 ready after");
  expect(bg.code).toBe(0);
}, 30_000);
