import { describe, expect, test } from "bun:test";
import { type NewProcessSpec, parseCreateBody } from "../../src/core/create-body";
import { TendError } from "../../src/core/errors";
import { SESSION_DEFAULTS } from "../../src/core/process-spec";

const spec: NewProcessSpec = { ...SESSION_DEFAULTS, name: "api", command: ["python3", "-m", "http.server"], shell: false, cwd: "/srv/app" };

/** The error's message for a body whose first spec is `spec` changed by `change`. */
function refusal(change: Record<string, unknown>, body?: unknown): string {
  const result = parseCreateBody(body ?? { processes: [{ ...spec, ...change }] });
  if (!(result instanceof TendError)) throw new Error("expected the body to be refused");
  expect(result.code).toBe("bad_request");
  expect(result.message).not.toContain("\n");
  return result.message;
}

describe("parseCreateBody", () => {
  test("a full spec, with a probe and dependencies, comes back as given", () => {
    const full: NewProcessSpec = {
      ...spec,
      ready: { check: { kind: "http", url: "http://127.0.0.1:8000/", statuses: [200] }, intervalMs: 100, attemptTimeoutMs: 1000, timeoutMs: 60_000 },
      dependsOn: { db: "ready" },
      sandbox: { mode: "read-only", allowNet: false },
    };
    expect(parseCreateBody({ processes: [full], replace: true })).toEqual({ processes: [full], replace: true });
    const { name, ...unnamed } = spec;
    expect(parseCreateBody({ processes: [unnamed] })).toEqual({ processes: [unnamed], replace: false });
  });

  test("the body itself", () => {
    expect(refusal({}, [])).toBe('expected a JSON object { "processes": [...], "replace": false }, got an empty array');
    expect(refusal({}, { processes: {} })).toBe("processes: expected an array of process specs, got a table");
    expect(refusal({}, { processes: [], replace: "yes" })).toBe('replace: expected true or false, got "yes"');
    expect(refusal({}, { processes: [], extra: 1 })).toBe("extra: unknown field; known fields are processes, replace");
  });

  test("a process of a project has its full name and its project", () => {
    const parsed = parseCreateBody({ processes: [{ ...spec, name: "shop/web", project: { name: "shop", dir: "/srv/shop" }, dependsOn: { "shop/db": "ready" } }] });
    expect(parsed).not.toBeInstanceOf(TendError);
  });

  test("names follow the one rule, so none reaches outside the state folder", () => {
    expect(refusal({ name: "../../etc/passwd" })).toBe('processes[0].name: name has more than one "/" (only project/name has one)');
    expect(refusal({ name: "../web" })).toBe('processes[0].name: project name must start with a letter, a digit or "_"');
    // A full name says its project, and must agree with the spec's.
    expect(refusal({ name: "shop/web" })).toBe('processes[0].name: expected a name without a project, as it has none, got "shop/web"');
    expect(refusal({ name: "shop/web", project: { name: "other", dir: "/srv/other" } })).toBe('processes[0].name: expected "other/…", as its project is other, got "shop/web"');
    expect(refusal({ name: "web/../../x" })).toBe('processes[0].name: name has more than one "/" (only project/name has one)');
    expect(refusal({ name: "web/.." })).toBe('processes[0].name: name must start with a letter, a digit or "_"');
    expect(refusal({ name: "" })).toBe("processes[0].name: name is empty");
    expect(refusal({ dependsOn: { "../x": "ready" } })).toBe('processes[0].dependsOn.../x: project name must start with a letter, a digit or "_"');
  });

  test("signals are the full names tend knows", () => {
    expect(refusal({ stopSignal: "TERM" })).toStartWith('processes[0].stopSignal: expected one of "SIGTERM", "SIGINT"');
    expect(refusal({ stopSignal: "SIGSTOP" })).toContain('got "SIGSTOP"');
  });

  test("each field says what it expected", () => {
    expect(refusal({ command: [] })).toBe("processes[0].command: expected the argv as an array of strings, got an empty array");
    expect(refusal({ command: "ls" })).toBe('processes[0].command: expected the argv as an array of strings, got "ls"');
    expect(refusal({ command: ["ls", 1] })).toBe("processes[0].command[1]: expected a string, got 1");
    expect(refusal({ env: { A: 1 } })).toBe("processes[0].env.A: expected a string, got 1");
    expect(refusal({ env: { "A=B": "1" } })).toBe('processes[0].env.A=B: expected variable names without "=", got "A=B"');
    expect(refusal({ restart: { ...spec.restart, mode: "sometimes" } })).toBe(
      'processes[0].restart.mode: expected one of "always", "on-failure", "no", got "sometimes"',
    );
    expect(refusal({ graceMs: -1 })).toBe("processes[0].graceMs: expected a whole number of at least 0, got -1");
    expect(refusal({ log: { maxBytes: 0, maxFiles: 3 } })).toBe("processes[0].log.maxBytes: expected a whole number from 1024 to 1099511627776, got 0");
    expect(refusal({ log: { maxBytes: 1024, maxFiles: 1e9 } })).toBe("processes[0].log.maxFiles: expected a whole number from 1 to 100, got 1000000000");
    expect(refusal({ origin: "daemon" })).toBe('processes[0].origin: expected one of "worker", "session", got "daemon"');
    const { shell, ...shellless } = spec;
    expect(refusal({}, { processes: [shellless] })).toBe("processes[0].shell: missing");
    expect(refusal({ colour: "red" })).toStartWith("processes[0].colour: unknown field; known fields are name, project, command,");
  });

  test("probes", () => {
    const probe = (check: unknown, timing = { intervalMs: 100, attemptTimeoutMs: 1000, timeoutMs: 1000 }) => ({ ready: { check, ...timing } });
    expect(refusal(probe({ kind: "tcp", port: 80 }))).toBe('processes[0].ready.check.kind: expected kind to be one of "http", "port", "log", "cmd", got "tcp"');
    expect(refusal(probe({ kind: "http", url: "ftp://x/", statuses: null }))).toBe(
      'processes[0].ready.check.url: expected an http:// or https:// URL, not ftp:, got "ftp://x/"',
    );
    expect(refusal(probe({ kind: "port", host: "127.0.0.1", port: 70000 }))).toBe(
      "processes[0].ready.check.port: expected a whole number from 1 to 65535, got 70000",
    );
    expect(refusal(probe({ kind: "log", pattern: "(" }))).toStartWith("processes[0].ready.check.pattern: invalid regular expression");
    expect(refusal(probe({ kind: "cmd", command: "true" }, { intervalMs: 0, attemptTimeoutMs: 1, timeoutMs: 1 }))).toBe(
      "processes[0].ready.intervalMs: expected a whole number of at least 1, got 0",
    );
  });
});
