import { describe, expect, test } from "bun:test";
import { parseEnvFile } from "../../src/core/dotenv";
import { WORKER_DEFAULTS, type ProcessSpec } from "../../src/core/process-spec";
import { OWN_PORT, applyFormation, interpolate, parseFormation, planRun, selectProcesses } from "../../src/core/run-plan";

const spec = (name: string, extra: Partial<ProcessSpec> = {}): ProcessSpec => ({ ...WORKER_DEFAULTS, env: {}, name, command: ["true"], shell: false, ...extra });
const specs = [spec("db"), spec("web", { dependsOn: { db: "ready" } }), spec("worker")];
const plan = (choices: Partial<Parameters<typeof planRun>[1]> = {}, from = specs) =>
  planRun(from, { dotenv: {}, inherited: {}, project: "app", ...choices });

describe("run plan", () => {
  test("named processes bring what they depend on; an unknown name is refused with a guess", () => {
    expect(selectProcesses(specs, ["web"]).map((s) => s.name)).toEqual(["db", "web"]);
    expect(selectProcesses(specs, []).map((s) => s.name)).toEqual(["db", "web", "worker"]);
    expect(() => selectProcesses(specs, ["wbe"])).toThrow('no process named "wbe" in the config (did you mean "web"?)');
  });

  test("PORT: base + 100 per process in file order, + 1 per instance; a process's own PORT wins", () => {
    const ports = (p: ProcessSpec[]) => Object.fromEntries(p.map((s) => [s.name, s.env.PORT]));
    expect(ports(plan())).toEqual({ db: "5000", web: "5100", worker: "5200" });
    expect(ports(plan({ portBase: 7000, names: ["worker"] }))).toEqual({ worker: "7200" });
    expect(ports(plan({ formation: "web=2,worker=0" }))).toEqual({ db: "5000", "web.1": "5100", "web.2": "5101" });
    expect(ports(plan({ dotenv: { PORT: "6000" } }))).toEqual({ db: "6000", web: "6100", worker: "6200" });
    expect(ports(plan({}, [spec("a", { env: { PORT: "9999" } }), spec("b")]))).toEqual({ a: "9999", b: "5100" });
  });

  test("formation: instances, all=N, and dependencies on every instance", () => {
    expect(parseFormation("web=2, worker=1")).toEqual(new Map([["web", 2], ["worker", 1]]));
    expect(() => parseFormation("web")).toThrow("-m web: expected NAME=COUNT pairs");
    const scaled = applyFormation([spec("db"), spec("web"), spec("proxy", { dependsOn: { web: "started" } })], parseFormation("all=0,web=2,proxy=1"));
    expect(scaled.map((s) => [s.name, s.dependsOn])).toEqual([["web.1", undefined], ["web.2", undefined], ["proxy", { "web.1": "started", "web.2": "started" }]]);
    expect(() => applyFormation(specs, parseFormation("api=1"))).toThrow('-m: no process named "api"');
  });

  test("env: .env first, then PORT and TEND_PROJECT, then the process's own env with ${VAR}", () => {
    const [web] = plan({ dotenv: { HOST: "db.local", A: "dotenv" }, inherited: { USER: "me" } }, [
      spec("web", { env: { A: "own", URL: "postgres://${USER}@${HOST}:${PORT}/x", KEEP: "$${HOST}" } }),
    ]);
    expect(web!.env).toEqual({ HOST: "db.local", A: "own", TEND_PROJECT: "app", PORT: "5000", URL: "postgres://me@db.local:5000/x", KEEP: "${HOST}" });
    expect(interpolate("${NOPE}x", {})).toBe("x");
  });

  test('ready "$PORT" becomes the port handed out; --grace overrides stop_grace', () => {
    const probe = { check: { kind: "port" as const, host: "127.0.0.1", port: OWN_PORT }, intervalMs: 1, attemptTimeoutMs: 1, timeoutMs: 1 };
    const [web] = plan({ portBase: 8000, graceMs: 2000 }, [spec("web", { ready: probe })]);
    expect(web!.ready!.check).toEqual({ kind: "port", host: "127.0.0.1", port: 8000 });
    expect(web!.graceMs).toBe(2000);
  });
});

describe("dotenv files", () => {
  test("comments, export, quotes; a malformed line names file:line", () => {
    expect(parseEnvFile("# c\nexport A=1\nB='two words'\nC=\"x\\ny\"\n\n", ".env")).toEqual({ A: "1", B: "two words", C: "x\ny" });
    expect(() => parseEnvFile("A=1\nnot a line\n", "/app/.env")).toThrow('/app/.env:2: expected KEY=VALUE, got "not a line"');
  });
});
