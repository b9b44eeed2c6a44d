import { beforeEach, expect, test } from "bun:test";
import path from "node:path";
import type { AttachEvent } from "../../src/core/attach-protocol";
import { defaultsFor, type ProcessSpec } from "../../src/core/process-spec";
import type { SupervisorInfo } from "../../src/core/supervisor-info";
import { attachRoute, attachWebSocket } from "../../src/supervisor/api-attach";
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
  api = serveApi(
    socket,
    { supervisor: sup, info: () => ({}) as SupervisorInfo, shutdown: () => {} },
    { "GET processes/:name/attach": attachRoute(sup) },
    attachWebSocket(sup),
  );
});

function session(name: string, command: string[], tty = false): ProcessSpec {
  return { ...defaultsFor("session"), name, command, shell: false, cwd: t.home, tty, graceMs: 500 };
}

type Frame = { bytes: string } | AttachEvent;

/** A WebSocket client of the attach endpoint that keeps every frame it gets. */
async function attach(name: string) {
  const ws = new WebSocket(`ws+unix://${socket}:/v1/processes/${name}/attach`);
  ws.binaryType = "arraybuffer";
  const frames: Frame[] = [];
  ws.onmessage = (e) => frames.push(typeof e.data === "string" ? JSON.parse(e.data) : { bytes: new TextDecoder().decode(e.data) });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (ws.onclose = (e) => resolve({ code: e.code, reason: e.reason })));
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  const output = () => frames.map((f) => ("bytes" in f ? f.bytes : "")).join("");
  return { ws, frames, closed, output, until: (text: string) => waitFor(JSON.stringify(text), () => output().includes(text), 5000) };
}

test("the replay comes first (a prompt without newline included), then the state; input reaches stdin; the end closes the socket", async () => {
  await sup.add([session("ask", ["sh", "-c", 'printf "name? "; read x; echo "hello $x"'])]);
  await waitFor("prompt written", () => sup.recentOutput("ask")!.snapshot().length > 0);
  const client = await attach("ask");
  await waitFor("state", () => client.frames.length >= 2);
  expect(client.frames.slice(0, 2)).toEqual([{ bytes: "name? " }, expect.objectContaining({ type: "state", state: "running" })]);

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

test("a client that stops reading is dropped with a reason, and the child's output never waits for it", async () => {
  await sup.add([session("flood", ["sh", "-c", "head -c 33554432 /dev/zero | tr '\\0' x"])]);
  const client = await attach("flood");
  // Reads nothing more from its socket: the server sees a client that does not keep up.
  expect(client.ws.pause()).toBe(true);
  await waitFor("flood finished", () => sup.get("flood").status.state === "exited", 8000);
  client.ws.resume();
  expect(await client.closed).toEqual({ code: 1013, reason: "over 1 MiB of output unread: client too slow, dropped" });
  expect(client.output().length).toBeLessThan(33554432);
}, 15_000);
