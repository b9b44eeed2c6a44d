import { beforeEach, expect, test } from "bun:test";
import path from "node:path";
import type { AttachEvent } from "../../src/core/attach-protocol";
import { defaultsFor, type ProcessSpec } from "../../src/core/process-spec";
import type { SupervisorInfo } from "../../src/core/supervisor-info";
import { serveApi } from "../../src/supervisor/api-server";
import { Supervisor } from "../../src/supervisor/supervisor";
import { useTendHome, waitFor } from "../helpers/home";

let sup: Supervisor;
let api: { stop(): void };
let socket: string;

const t = useTendHome({
  beforeReap: async () => {
    await sup.shutdown();
    api.stop();
  },
  timeoutMs: 10_000,
});
beforeEach(() => {
  socket = path.join(t.home, "tend.sock");
  sup = new Supervisor({ home: t.home, dir: t.home });
  api = serveApi(socket, { supervisor: sup, info: () => ({}) as SupervisorInfo, shutdown: () => {}, stopProject: async (p) => ({ stopped: await sup.stopProject(p), supervisorLeaving: false }) });
});

function session(name: string, command: string[], tty = false): ProcessSpec {
  return { ...defaultsFor("session"), name, command, shell: false, cwd: t.home, tty, graceMs: 500 };
}

type Frame = { output: string } | AttachEvent;

/** A WebSocket client of the attach endpoint that keeps every frame it gets. */
async function attach(name: string, query = "") {
  const ws = new WebSocket(`ws+unix://${socket}:/v1/processes/${name}/attach${query}`);
  ws.binaryType = "arraybuffer";
  const frames: Frame[] = [];
  ws.onmessage = (e) => frames.push(typeof e.data === "string" ? JSON.parse(e.data) : { output: new TextDecoder().decode(e.data) });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (ws.onclose = (e) => resolve({ code: e.code, reason: e.reason })));
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  const output = () => frames.map((f) => ("output" in f ? f.output : "")).join("");
  return { ws, frames, closed, output, until: (text: string) => waitFor(JSON.stringify(text), () => output().includes(text), 5000) };
}

test("the replay comes first (a prompt without newline included), then the state; input reaches stdin; the end closes the socket", async () => {
  await sup.add([session("ask", ["sh", "-c", 'printf "name? "; read x; echo "hello $x"'])]);
  await waitFor("prompt written", () => sup.recentOutput("ask")!.snapshot().length > 0);
  const client = await attach("ask");
  await waitFor("state", () => client.frames.length >= 2);
  expect(client.frames.slice(0, 2)).toEqual([{ output: "name? " }, expect.objectContaining({ type: "state", state: "running" })]);

  client.ws.send(new TextEncoder().encode("tend\n"));
  expect(await client.closed).toEqual({ code: 1000, reason: "ended" });
  expect(client.output()).toBe("name? hello tend\n");
  expect(client.frames.at(-1)).toEqual({ type: "ended", state: "exited", exitCode: 0, exitSignal: null, reason: null });
}, 10_000);

test("a resize message sets the size of the process's terminal; a bad control message gets an error event", async () => {
  await sup.add([session("sh", ["sh"], true)]);
  const client = await attach("sh");
  client.ws.send(JSON.stringify({ type: "resize", cols: 91, rows: 33 }));
  client.ws.send(new TextEncoder().encode("stty size\r"));
  await client.until("33 91");
  client.ws.send(JSON.stringify({ type: "resize", cols: 0, rows: 33 }));
  client.ws.send("{nope");
  await waitFor("two errors", () => client.frames.filter((f) => "type" in f && f.type === "error").length === 2);
  client.ws.close();
}, 10_000);

test("without an upgrade, or for an unknown name, the answer is the API's JSON error", async () => {
  await sup.add([session("api", ["sleep", "30"])]);
  const plain = await fetch("http://tend/v1/processes/api/attach", { unix: socket });
  expect(plain.status).toBe(400);
  expect(((await plain.json()) as { error: { code: string } }).error.code).toBe("bad_request");
  const unknown = await fetch("http://tend/v1/processes/web/attach", { unix: socket });
  expect(unknown.status).toBe(404);
  expect(await unknown.json()).toEqual({ error: { code: "not_found", message: 'no process named "web"', hint: "known: api" } });
}, 10_000);

test("a pipe client that stops reading skips ahead, is told how much it skipped, and stays attached", async () => {
  await sup.add([session("flood", ["sh", "-c", "sleep 0.3; head -c 33554432 /dev/zero | tr '\\0' x; echo; echo done"])]);
  const client = await attach("flood");
  // Reads nothing more from its socket: the server sees a client that does not keep up.
  expect(client.ws.pause()).toBe(true);
  await waitFor("flood finished", () => sup.get("flood").status.state === "exited", 8000);
  client.ws.resume();
  expect(await client.closed).toEqual({ code: 1000, reason: "ended" });
  const skipped = client.frames.flatMap((f) => ("type" in f && f.type === "skipped" ? [f.bytes] : [])).reduce((a, b) => a + b, 0);
  expect(skipped).toBeGreaterThan(0);
  // What it was sent and what it was told it skipped add up to everything.
  expect(client.output().length + skipped).toBe(33554432 + "\ndone\n".length);
  expect(client.frames.at(-1)).toMatchObject({ type: "ended", exitCode: 0 });
}, 15_000);

test("a terminal client that stops reading gets the current screen once it reads again", async () => {
  await sup.add([session("flood", ["sh", "-c", "sleep 0.3; seq 1 1000000; echo done; sleep 30"], true)]);
  const client = await attach("flood");
  expect(client.ws.pause()).toBe(true);
  await waitFor("flood written", () => sup.screen("flood")!.capture(0).lines.some((l) => l.text === "done"), 10_000);
  client.ws.resume();
  await client.until("1000000\r\ndone");
  // Far less than was written reached it: the rest it saw as one redraw of the screen.
  expect(client.output().length).toBeLessThan(4_000_000);
  expect(client.output()).toContain("\x1b[H\x1b[2J");
  client.ws.close();
}, 20_000);

test("the terminal takes the size of the client that came last, and of the one before once that one leaves", async () => {
  await sup.add([session("sh", ["sh"], true)]);
  const big = await attach("sh", "?cols=100&rows=30");
  const small = await attach("sh", "?cols=80&rows=20");
  small.ws.send(new TextEncoder().encode("stty size\r"));
  await small.until("20 80");
  small.ws.close();
  await small.closed;
  big.ws.send(new TextEncoder().encode("stty size\r"));
  await big.until("30 100");
  big.ws.close();
}, 10_000);

test("a terminal started without TERM is an xterm-256color, as the screen model is", async () => {
  const saved = process.env.TERM;
  delete process.env.TERM;
  try {
    await sup.add([session("term", ["sh", "-c", "echo TERM=$TERM; sleep 30"], true)]);
  } finally {
    process.env.TERM = saved;
  }
  await sup.add([{ ...session("own", ["sh", "-c", "echo TERM=$TERM; sleep 30"], true), env: { TERM: "vt100" } }]);
  const [client, own] = [await attach("term"), await attach("own")];
  await client.until("TERM=xterm-256color");
  await own.until("TERM=vt100");
  client.ws.close();
  own.ws.close();
}, 10_000);

// A program that asks its terminal something at start (the device attributes, the cursor
// position: vim, fish, many TUIs) must not wait for an answer while nobody is attached; while
// a terminal is, that terminal answers, so the screen model must not answer too.

/** Asks for the device attributes and the cursor position (after a key, with "key"), and shows what came back. */
const ASK = String.raw`stty raw -echo
[ "$1" = key ] && dd bs=1 count=1 >/dev/null 2>&1
stty min 0 time 20
printf '\033[c\033[6n'
printf '\r\nanswer:'; dd bs=1 count=32 2>/dev/null | od -An -c | tr -d ' \n'; printf '\r\nend\r\n'
exec sleep 30`;

async function answerOf(name: string): Promise<string> {
  const screen = () => sup.screen(name)!.capture().lines.map((l) => l.text);
  await waitFor(`${name} to print its answer`, () => screen().includes("end"), 10_000);
  return screen().find((l) => l.startsWith("answer:"))!.slice("answer:".length);
}

test("with nobody attached the screen model answers the program's terminal queries", async () => {
  await sup.add([session("alone", ["sh", "-c", ASK, "ask"], true)]);
  expect(await answerOf("alone")).toBe("033[?1;2c033[1;1R");
}, 15_000);

test("while a terminal is attached, only that terminal answers the program's queries", async () => {
  await sup.add([session("watched", ["sh", "-c", ASK, "ask", "key"], true)]);
  // A client with a terminal says its size; this one answers nothing.
  const client = await attach("watched", "?cols=80&rows=24");
  client.ws.send(new TextEncoder().encode("k"));
  expect(await answerOf("watched")).toBe("");
  client.ws.close();
}, 15_000);
