import { beforeEach, describe, expect, test } from "bun:test";
import net from "node:net";
import { defaultsFor, type ProcessSpec } from "../../src/core/process-spec";
import { runSupervisor, type SupervisorHandle } from "../../src/supervisor/run";
import { useTendHome, waitFor } from "../helpers/home";

let h: SupervisorHandle;
let subscribed = 0;

const t = useTendHome({ beforeReap: () => h.shutdown() });
beforeEach(async () => {
  h = await runSupervisor({ home: t.home, dir: t.home, name: null, mode: "start", detached: false });
  // Counts live subscriptions through the public API, to see that every stream lets go.
  const subscribe = h.supervisor.subscribe.bind(h.supervisor);
  subscribed = 0;
  h.supervisor.subscribe = (name, listener) => {
    const off = subscribe(name, listener);
    subscribed += 1;
    let once = false;
    return () => {
      if (!once) subscribed -= 1;
      once = true;
      off();
    };
  };
});

function spec(name: string, script: string): ProcessSpec {
  return { ...defaultsFor("session"), name, command: ["sh", "-c", script], shell: true, cwd: t.home, graceMs: 1000 };
}

function logs(query: string): Promise<Response> {
  return fetch(`http://tend/v1/logs?${query}`, { unix: h.info.socket });
}

interface Rec {
  name: string;
  ts: string;
  stream: string;
  partial: boolean;
  text: string;
  dropped?: boolean;
}

async function records(res: Response): Promise<Rec[]> {
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toStartWith("application/x-ndjson");
  const text = await res.text();
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Rec);
}

/** Reads an HTTP/1.1 response with a chunked body from a raw socket, up to its last chunk. */
function chunkedBody(socket: net.Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let raw = Buffer.alloc(0);
    socket.on("error", reject);
    socket.on("data", (data: Buffer) => {
      raw = Buffer.concat([raw, data]);
      let at = raw.indexOf("\r\n\r\n") + 4;
      if (at < 4) return;
      const parts: Buffer[] = [];
      for (;;) {
        const eol = raw.indexOf("\r\n", at);
        if (eol === -1) return;
        const size = parseInt(raw.toString("latin1", at, eol), 16);
        if (size === 0) return resolve(Buffer.concat(parts).toString("utf8"));
        if (raw.length < eol + 2 + size + 2) return;
        parts.push(raw.subarray(eol + 2, eol + 2 + size));
        at = eol + 2 + size + 2;
      }
    });
    socket.resume();
  });
}

const state = (name: string) => h.supervisor.get(name).status.state;

describe("GET /v1/logs", () => {
  test("history of several names interleaves by time, with filters", async () => {
    await h.supervisor.add([
      // 200 ms between neighbours: the order is the output's, not a race of two shells' starts.
      spec("a", "echo a1; sleep 0.4; echo a2 >&2; sleep 0.8; echo a3"),
      spec("b", "sleep 0.2; echo b1; sleep 0.4; echo b2"),
    ]);
    await waitFor("both exited", () => state("a") === "exited" && state("b") === "exited");
    const all = await records(await logs("name=a&name=b"));
    expect(all.map((r) => r.text)).toEqual(["a1", "b1", "a2", "b2", "a3"]);
    expect(all[2]).toMatchObject({ name: "a", stream: "stderr", partial: false });
    expect(all.map((r) => r.ts)).toEqual(all.map((r) => r.ts).sort());
    expect((await records(await logs("name=a&name=b&tail=1"))).map((r) => r.text)).toEqual(["b2", "a3"]);
    expect((await records(await logs("name=a&stream=stderr"))).map((r) => r.text)).toEqual(["a2"]);
    expect((await records(await logs(`name=a&name=b&since=${encodeURIComponent(all[3]!.ts)}`))).map((r) => r.text)).toEqual(["b2", "a3"]);
    // A follow of processes that already ended is their history, then the end.
    expect((await records(await logs("name=a&follow=1"))).map((r) => r.text)).toEqual(["a1", "a2", "a3"]);
    expect(subscribed).toBe(0);
  });

  test("unknown names and bad parameters get JSON errors", async () => {
    await h.supervisor.add([spec("web", "sleep 30")]);
    const missing = await logs("name=web&name=nope");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: "not_found", message: 'no process named "nope"', hint: "known: web" } });
    for (const q of ["", "name=web&tail=-1", "name=web&stream=both", "name=web&since=yesterday"]) {
      const res = await logs(q);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("bad_request");
    }
  });

  test("followers joining at any moment see every line once, in order, and end with the process", async () => {
    const count = 3000;
    await h.supervisor.add([spec("counter", `i=0; while [ $i -lt ${count} ]; do echo "n $i"; i=$((i+1)); done; sleep 0.3`)]);
    const followers: Promise<Rec[]>[] = [];
    for (let i = 0; i < 6; i++) {
      followers.push(logs("name=counter&follow=1").then(records));
      await Bun.sleep(15);
    }
    const expected = Array.from({ length: count }, (_, i) => `n ${i}`);
    for (const got of await Promise.all(followers)) expect(got.map((r) => r.text)).toEqual(expected);
    expect(state("counter")).toBe("exited");
    expect(subscribed).toBe(0);
  }, 20_000);

  test("pieces of an over-long line are joined, also when the line is cut by the moment a follower joins", async () => {
    await h.supervisor.add([spec("long", `printf 'start-'; head -c 200000 /dev/zero | tr '\\0' x; sleep 0.4; printf '%s\\n' '-end'; echo after`)]);
    await Bun.sleep(200);
    const [follower, history] = await Promise.all([logs("name=long&follow=1").then(records), waitFor("exited", () => state("long") === "exited").then(() => logs("name=long").then(records))]);
    const line = `start-${"x".repeat(200000)}-end`;
    expect(follower.map((r) => r.text)).toEqual([line, "after"]);
    expect(history.map((r) => r.text)).toEqual([line, "after"]);
  }, 10_000);

  test("a follower that disconnects is unsubscribed", async () => {
    await h.supervisor.add([spec("talker", "while true; do echo hi; sleep 0.05; done")]);
    const controller = new AbortController();
    const res = await fetch(`http://tend/v1/logs?name=talker&follow=1`, { unix: h.info.socket, signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read();
    expect(subscribed).toBe(1);
    controller.abort();
    await waitFor("unsubscribed", () => subscribed === 0, 3000);
  });

  test("a follow ends when the process is removed", async () => {
    await h.supervisor.add([spec("doomed", "echo here; sleep 30")]);
    const got = logs("name=doomed&follow=1").then(records);
    await waitFor("the follower subscribed", () => subscribed === 1, 3000);
    await h.supervisor.remove("doomed", { graceMs: 500 });
    expect((await got).map((r) => r.text)).toEqual(["here"]);
    expect(subscribed).toBe(0);
  });

  test("a follower that reads too slowly is dropped and told, and the child never waits for it", async () => {
    const lines = 300_000;
    await h.supervisor.add([spec("flood", `sleep 0.3; seq 1 ${lines}`)]);
    // A raw client that reads nothing until the flood is over: only the socket's own buffer
    // stands between it and the supervisor.
    const socket = net.createConnection(h.info.socket);
    socket.write("GET /v1/logs?name=flood&follow=1 HTTP/1.1\r\nHost: tend\r\n\r\n");
    socket.pause();
    const started = Date.now();
    await waitFor("flood exited", () => state("flood") === "exited", 15_000);
    const floodMs = Date.now() - started;
    const got = (await chunkedBody(socket)).split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Rec);
    socket.destroy();
    expect(got.at(-1)).toEqual({ dropped: true, reason: "client too slow" } as unknown as Rec);
    const texts = got.slice(0, -1).map((r) => r.text);
    expect(texts.length).toBeLessThan(lines);
    expect(texts).toEqual(Array.from({ length: texts.length }, (_, i) => String(i + 1)));
    expect(subscribed).toBe(0);
    expect(floodMs).toBeLessThan(10_000);
  }, 20_000);
});
