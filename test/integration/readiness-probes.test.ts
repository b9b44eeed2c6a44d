import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { systemClock } from "../../src/core/clock";
import type { ProbeCheck, ProbeSpec } from "../../src/core/probe-spec";
import { isLiveProcess } from "../../src/platform/live-processes";
import { ReadinessWatcher } from "../../src/platform/readiness";
import { useTendHome, waitFor } from "../helpers/home";

type Outcome = { ready: true; afterMs: number } | { ready: false; afterMs: number; lastError: string | null };

// Small enough for quick tests on a real clock; bounds below stay generous for slow CI machines.
const INTERVAL = 20;
const TIMEOUT = 1000;

const cleanups: (() => void | Promise<void>)[] = [];

// Every cmd probe runs with this home's TEND_HOME: nothing of it may be left running.
const t = useTendHome({
  prefix: "tend-probe-",
  beforeReap: async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  },
});

/** Starts a watcher on the real clock; `events` records every callback, to prove there is only one. */
function watch(check: ProbeCheck, timing: Partial<Omit<ProbeSpec, "check">> = {}) {
  const spec: ProbeSpec = { check, intervalMs: INTERVAL, attemptTimeoutMs: 500, timeoutMs: TIMEOUT, ...timing };
  const events: Outcome[] = [];
  let settle: (outcome: Outcome) => void = () => {};
  const outcome = new Promise<Outcome>((resolve) => (settle = resolve));
  const watcher = new ReadinessWatcher(spec, { clock: systemClock, cwd: t.home, env: { ...t.env, PROBE_VAR: "yes" } }, {
    ready(afterMs) {
      events.push({ ready: true, afterMs });
      settle(events[0]!);
    },
    timedOut(afterMs, lastError) {
      events.push({ ready: false, afterMs, lastError });
      settle(events[0]!);
    },
  });
  cleanups.push(() => watcher.cancel());
  const startedAt = Date.now();
  watcher.start();
  return { watcher, outcome, events, startedAt };
}

function serve(handler: (req: Request) => Response | Promise<Response>) {
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: handler });
  cleanups.push(() => server.stop(true));
  return { server, url: `http://127.0.0.1:${server.port}/health` };
}

/** A port that was free a moment ago: nobody listens on it. */
function freePort(): number {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = listener.port;
  listener.stop(true);
  return port;
}

function hasIpv6Loopback(): boolean {
  try {
    Bun.listen({ hostname: "::1", port: 0, socket: { data() {} } }).stop(true);
    return true;
  } catch {
    return false;
  }
}

function openFds(): number {
  return readdirSync("/proc/self/fd").length;
}

/** The callbacks so far, after a pause long enough for a stray one to show up. */
async function settledEvents(events: Outcome[]): Promise<Outcome[]> {
  await Bun.sleep(INTERVAL * 10);
  return events;
}

describe("http", () => {
  test("ready as soon as the server answers 200", async () => {
    const { url } = serve(() => new Response("ok"));
    const { outcome, events } = watch({ kind: "http", url, statuses: null });
    const result = await outcome;
    expect(result.ready).toBe(true);
    expect(result.afterMs).toBeLessThan(TIMEOUT);
    expect(await settledEvents(events)).toHaveLength(1);
  });

  test("503 until the server has warmed up, one request at a time", async () => {
    let requests = 0;
    let inFlight = 0;
    let mostInFlight = 0;
    const { url } = serve(async () => {
      requests++;
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await Bun.sleep(5);
      inFlight--;
      return new Response(null, { status: requests <= 3 ? 503 : 200 });
    });
    const { outcome } = watch({ kind: "http", url, statuses: null });
    expect((await outcome).ready).toBe(true);
    expect(requests).toBe(4);
    expect(mostInFlight).toBe(1);
  });

  test("a server that never gets better times out with its last status", async () => {
    const { url } = serve(() => new Response(null, { status: 503 }));
    const { outcome, events } = watch({ kind: "http", url, statuses: null }, { timeoutMs: 300 });
    expect(await outcome).toMatchObject({ ready: false, lastError: "HTTP 503" });
    expect(await settledEvents(events)).toHaveLength(1);
  });

  test("custom statuses, and redirects count as answers but are not followed", async () => {
    const { url } = serve((req) =>
      new URL(req.url).searchParams.has("moved")
        ? new Response(null, { status: 302, headers: { location: "http://127.0.0.1:1/" } })
        : new Response(null, { status: 204 }),
    );
    expect((await watch({ kind: "http", url, statuses: [200, 204] }).outcome).ready).toBe(true);
    expect((await watch({ kind: "http", url: `${url}?moved`, statuses: null }).outcome).ready).toBe(true);
    expect(await watch({ kind: "http", url, statuses: [200] }, { timeoutMs: 200 }).outcome).toMatchObject({
      ready: false,
      lastError: "HTTP 204",
    });
    expect(await watch({ kind: "http", url: `${url}?moved`, statuses: [200] }, { timeoutMs: 200 }).outcome).toMatchObject({
      ready: false,
      lastError: "HTTP 302",
    });
  });

  test("an answer slower than the attempt timeout is a failed attempt", async () => {
    const { url } = serve(async () => {
      await Bun.sleep(2000);
      return new Response("too late");
    });
    const { outcome } = watch({ kind: "http", url, statuses: null }, { attemptTimeoutMs: 100, timeoutMs: 500 });
    expect(await outcome).toMatchObject({ ready: false, lastError: "timed out after 100ms" });
  });

  test("nobody listening: connection refused", async () => {
    const { outcome } = watch({ kind: "http", url: `http://127.0.0.1:${freePort()}/`, statuses: null }, { timeoutMs: 200 });
    expect(await outcome).toMatchObject({ ready: false, lastError: "connection refused" });
  });
});

describe("port", () => {
  test("nobody listening: times out on time with connection refused, leaving no socket open", async () => {
    const port = freePort();
    // The first connect sets up what the runtime keeps for every later one; count after it.
    await watch({ kind: "port", host: "127.0.0.1", port }, { timeoutMs: 50 }).outcome;
    const fdsBefore = process.platform === "linux" ? openFds() : 0;

    const { outcome, events, startedAt } = watch({ kind: "port", host: "127.0.0.1", port });
    const result = await outcome;
    expect(result).toMatchObject({ ready: false, lastError: "connection refused" });
    expect(result.afterMs).toBeGreaterThanOrEqual(TIMEOUT);
    expect(result.afterMs).toBeLessThan(TIMEOUT + INTERVAL + 1500);
    expect(Date.now() - startedAt).toBeLessThan(TIMEOUT + INTERVAL + 1500);
    expect(await settledEvents(events)).toHaveLength(1);
    if (process.platform === "linux") expect(openFds()).toBeLessThanOrEqual(fdsBefore);
  });

  test("a listener that comes up late makes it ready, and the probe's connection is closed", async () => {
    const port = freePort();
    let opened = 0;
    let closed = 0;
    const { outcome } = watch({ kind: "port", host: "127.0.0.1", port });
    await Bun.sleep(150);
    const listener = Bun.listen({
      hostname: "127.0.0.1",
      port,
      socket: { data() {}, open: () => void opened++, close: () => void closed++ },
    });
    cleanups.push(() => listener.stop(true));
    const result = await outcome;
    expect(result.ready).toBe(true);
    expect(result.afterMs).toBeGreaterThanOrEqual(150);
    await waitFor("the probe's connection to close", () => opened === 1 && closed === 1, 2000);
  });

  test.skipIf(!hasIpv6Loopback())("IPv6 loopback", async () => {
    const listener = Bun.listen({ hostname: "::1", port: 0, socket: { data() {} } });
    cleanups.push(() => listener.stop(true));
    expect((await watch({ kind: "port", host: "::1", port: listener.port }).outcome).ready).toBe(true);
  });
});

describe("cmd", () => {
  test("runs in the process's cwd and env; exit 1 until a file appears, then ready", async () => {
    const { outcome, watcher } = watch({ kind: "cmd", command: 'test "$PROBE_VAR" = yes && test -f flag' });
    await Bun.sleep(100);
    writeFileSync(path.join(t.home, "flag"), "");
    expect((await outcome).ready).toBe(true);
    watcher.cancel();
  });

  test("a check that keeps failing reports its exit code", async () => {
    const { outcome } = watch({ kind: "cmd", command: "exit 3" }, { timeoutMs: 200 });
    expect(await outcome).toMatchObject({ ready: false, lastError: "exit 3" });
  });

  test("a hanging check is killed with its children at the attempt timeout", async () => {
    const pids = path.join(t.home, "pids");
    const command = `sleep 30 & echo $! >> "${pids}"; echo $$ >> "${pids}"; wait`;
    const { outcome } = watch({ kind: "cmd", command }, { attemptTimeoutMs: 200, timeoutMs: 1000 });
    const result = await outcome;
    expect(result).toMatchObject({ ready: false, lastError: "timed out after 200ms" });
    const started = readFileSync(pids, "utf8").split("\n").filter(Boolean).map(Number);
    // A shell and its sleep per attempt that got going; the last one may have been cut short.
    expect(started.length).toBeGreaterThanOrEqual(2);
    await waitFor("every check process to be gone", () => !started.some(isLiveProcess), 2000);
  });

  test("cancel kills the check in flight and reports nothing", async () => {
    const pidFile = path.join(t.home, "pid");
    const { watcher, events } = watch({ kind: "cmd", command: `echo $$ > "${pidFile}"; exec sleep 30` });
    await waitFor("the check to start", () => existsSync(pidFile) && readFileSync(pidFile, "utf8").endsWith("\n"));
    const pid = Number(readFileSync(pidFile, "utf8"));
    expect(isLiveProcess(pid)).toBe(true);
    watcher.cancel();
    await waitFor("the check to be gone", () => !isLiveProcess(pid), 2000);
    expect(await settledEvents(events)).toEqual([]);
  });

  test("a command that cannot start (missing cwd) is a failed attempt, not a throw", async () => {
    const spec: ProbeSpec = { check: { kind: "cmd", command: "true" }, intervalMs: INTERVAL, attemptTimeoutMs: 500, timeoutMs: 200 };
    const result = await new Promise<Outcome>((resolve) => {
      const watcher = new ReadinessWatcher(spec, { clock: systemClock, cwd: path.join(t.home, "missing"), env: t.env }, {
        ready: (afterMs) => resolve({ ready: true, afterMs }),
        timedOut: (afterMs, lastError) => resolve({ ready: false, afterMs, lastError }),
      });
      watcher.start();
    });
    expect(result).toMatchObject({ ready: false, lastError: expect.stringMatching(/^ENOENT/) });
  });
});

describe("log", () => {
  test("ready on the first matching line after start", async () => {
    const { watcher, outcome, events } = watch({ kind: "log", pattern: "listening on \\d+" });
    watcher.line("starting up");
    watcher.line("listening on port");
    watcher.line("listening on 3000");
    watcher.line("listening on 3001");
    expect((await outcome).ready).toBe(true);
    expect(await settledEvents(events)).toHaveLength(1);
  });

  test("lines before start do not count; no match times out with no error", async () => {
    const spec: ProbeSpec = { check: { kind: "log", pattern: "up" }, intervalMs: INTERVAL, attemptTimeoutMs: 500, timeoutMs: 200 };
    const events: Outcome[] = [];
    const watcher = new ReadinessWatcher(spec, { clock: systemClock, cwd: t.home, env: t.env }, {
      ready: (afterMs) => void events.push({ ready: true, afterMs }),
      timedOut: (afterMs, lastError) => void events.push({ ready: false, afterMs, lastError }),
    });
    cleanups.push(() => watcher.cancel());
    watcher.line("up");
    watcher.start();
    watcher.line("down");
    await waitFor("the timeout", () => events.length > 0, 2000);
    expect(await settledEvents(events)).toEqual([{ ready: false, afterMs: expect.any(Number), lastError: null }]);
  });

  test("an invalid pattern that slipped past validation gives up at once, saying why", async () => {
    const { outcome } = watch({ kind: "log", pattern: "(" });
    expect(await outcome).toEqual({ ready: false, afterMs: 0, lastError: "Invalid regular expression: missing )" });
  });
});
