import { beforeEach, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { defaultsFor } from "../../src/core/process-spec";
import { useTendHome } from "../helpers/home";
import { tend } from "../helpers/tend-cli";

// A supervisor as `tend bg` starts one, holding a session, then asked directly as curl would.
const t = useTendHome({ killAll: { grace: "1s" }, stop: true });
let socket = "";
beforeEach(async () => {
  expect((await tend(["bg", "--name", "keep", "--", "sleep", "60"], { env: t.env })).code).toBe(0);
  socket = JSON.parse(readFileSync(path.join(t.home, "supervisor.json"), "utf8")).socket;
});

interface Answer {
  status: number;
  body: { error?: { code: string; message: string; hint?: string } } & Record<string, unknown>;
}

async function ask(method: string, url: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`http://tend${url}`, {
    method,
    unix: socket,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: JSON.parse((await res.text()).trim()) };
}

function session(fields: Record<string, unknown>): Record<string, unknown> {
  return { ...defaultsFor("session"), name: "x", command: ["sleep", "60"], shell: false, cwd: t.home, env: {}, ...fields };
}

/** A refusal the way the API promises one: 400, a code, one human line, no JS internals. */
function expectRefused(a: Answer, field: string) {
  expect(a.status).toBe(400);
  expect(a.body.error?.code).toBe("bad_request");
  expect(a.body.error?.message).toContain(field);
  expect(a.body.error?.message).not.toMatch(/TypeError|undefined is not|is not a function|\bat \//);
}

async function processNames(): Promise<string[]> {
  const list = await ask("GET", "/v1/processes");
  expect(list.status).toBe(200);
  return (list.body.processes as Array<{ spec: { name: string } }>).map((r) => r.spec.name);
}

test("names that leave processes/ are refused, and nothing is written outside it", async () => {
  const supervisorFile = readFileSync(path.join(t.home, "supervisor.json"), "utf8");
  const escape = `../../tend-escape-${path.basename(t.home)}`;
  for (const name of [escape, "../supervisor", "a/b", ".hidden", ""]) {
    expectRefused(await ask("POST", "/v1/processes", { processes: [session({ name })] }), "name");
  }
  expect(existsSync(path.resolve(t.home, "processes", `${escape}.json`))).toBe(false);
  expect(readFileSync(path.join(t.home, "supervisor.json"), "utf8")).toBe(supervisorFile);
  expect(readdirSync(path.join(t.home, "processes"))).toEqual(["keep.json"]);
  expect(await processNames()).toEqual(["keep"]);
});

test("a name that is not a string is refused, and the status still answers", async () => {
  expectRefused(await ask("POST", "/v1/processes", { processes: [session({ name: 123 })] }), "name");
  expect((await ask("GET", "/v1/status")).status).toBe(200);
  // As a string it is a name like any other.
  expect((await ask("POST", "/v1/processes", { processes: [session({ name: "123" })] })).status).toBe(201);
  expect((await ask("GET", "/v1/status")).status).toBe(200);
  expect(await processNames()).toEqual(["123", "keep"]);
});

test("an unknown stop signal is refused before anything starts, so the supervisor stays stoppable", async () => {
  expectRefused(await ask("POST", "/v1/processes", { processes: [session({ stopSignal: "SIGFOO" })] }), "stopSignal");
  expectRefused(await ask("DELETE", "/v1/processes/keep?signal=SIGFOO"), "SIGFOO");
  expectRefused(await ask("POST", "/v1/processes/keep/stop", { signal: "SIGFOO" }), "SIGFOO");
  expectRefused(await ask("DELETE", "/v1/processes/keep?grace=soon"), "grace");
  expect(await processNames()).toEqual(["keep"]);
  const keep = await ask("GET", "/v1/processes/keep");
  expect((keep.body as { status: { state: string } }).status.state).toBe("running");
});

test("wrong types in a spec are a 400 naming the field, never a 500 with JS internals", async () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ command: "sleep 60" }, "command"],
    [{ command: [] }, "command"],
    [{ command: ["sleep", 60] }, "command"],
    [{ graceMs: "soon" }, "graceMs"],
    [{ env: { A: 1 } }, "env"],
    [{ restart: "always" }, "restart"],
    [{ restart: { mode: "sometimes" } }, "restart.mode"],
    [{ tty: "yes" }, "tty"],
    [{ log: { maxBytes: -1, maxFiles: 3 } }, "log.maxBytes"],
    [{ ready: { check: { kind: "smoke" } } }, "ready"],
    [{ origin: "daemon" }, "origin"],
    [{ restart: undefined }, "restart"],
  ];
  for (const [fields, field] of cases) {
    expectRefused(await ask("POST", "/v1/processes", { processes: [session(fields)] }), field);
  }
  expectRefused(await ask("POST", "/v1/processes", "{not json"), "JSON");
  expectRefused(await ask("POST", "/v1/processes", { processes: "x" }), "processes");
  expectRefused(await ask("POST", "/v1/processes", { processes: [session({}), null] }), "processes[1]");
  expect(await processNames()).toEqual(["keep"]);
});

test("a malformed path is a 400, an unknown one a 404, a wrong method a 405", async () => {
  expectRefused(await ask("GET", "/v1/processes/%ZZ"), "%");
  expectRefused(await ask("GET", "/v1/status%ZZ"), "%");
  expectRefused(await ask("GET", "/v1/processes/..%2Fsupervisor"), "name");
  expectRefused(await ask("GET", "/v1/logs?name=..%2Fsupervisor"), "name");
  const unknown = await ask("GET", "/v1/nothing");
  expect([unknown.status, unknown.body.error?.code]).toEqual([404, "not_found"]);
  const method = await ask("PUT", "/v1/status");
  expect([method.status, method.body.error?.code]).toEqual([405, "method_not_allowed"]);
  const missing = await ask("GET", "/v1/processes/nobody");
  expect([missing.status, missing.body.error?.code, missing.body.error?.hint]).toEqual([404, "not_found", "known: keep"]);
});
