import { beforeEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { defaultsFor, type ProcessSpec } from "../../src/core/process-spec";
import type { ProcessRecord } from "../../src/core/process-status";
import { Supervisor } from "../../src/supervisor/supervisor";
import { useTendHome, waitFor } from "../helpers/home";
import { FIXTURES } from "../helpers/tend-cli";

let sup: Supervisor;
const notices: string[] = [];

const t = useTendHome({ beforeReap: () => sup.shutdown() });
beforeEach(() => {
  notices.length = 0;
  sup = new Supervisor({ home: t.home, dir: t.home, events: { notice: (name, m) => notices.push(`${name}: ${m}`) } });
});

function spec(name: string, command: string[], patch: Partial<ProcessSpec["restart"]> = {}): ProcessSpec {
  const d = defaultsFor("worker");
  return { ...d, name, command, shell: false, cwd: t.home, restart: { ...d.restart, initialBackoffMs: 10, maxBackoffMs: 40, ...patch }, graceMs: 1000 };
}

function record(name: string): ProcessRecord {
  return sup.list().find((r) => r.spec.name === name)!;
}

describe("restart policy with real processes", () => {
  test("a crasher is parked after 5 rapid failures, and status and log say why", async () => {
    const started = Date.now();
    await sup.add([spec("crasher", [path.join(FIXTURES, "crash-fast.sh")])]);
    await waitFor("crasher parked", () => record("crasher").status.state === "parked");
    const status = record("crasher").status;
    expect(status.reason).toStartWith("5 rapid failures");
    expect(status.restarts).toBe(4);
    expect(status.exitCode).toBe(1);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(notices.filter((n) => n.includes("spawned"))).toHaveLength(5);
    expect(notices.at(-1)).toContain("parked: 5 rapid failures");
    const log = readFileSync(path.join(t.home, "logs", "crasher.log"), "utf8");
    expect(log.match(/ stdout F crash-fast: starting/g)).toHaveLength(5);
    const onDisk = JSON.parse(readFileSync(path.join(t.home, "processes", "crasher.json"), "utf8"));
    expect(onDisk.status.state).toBe("parked");
  });

  test("exit code 78 parks at once and is never restarted", async () => {
    await sup.add([spec("config-broken", [path.join(FIXTURES, "exit-78.sh")])]);
    await waitFor("parked", () => record("config-broken").status.state === "parked");
    await Bun.sleep(200);
    const status = record("config-broken").status;
    expect(status.reason).toBe("permanent exit code 78");
    expect(status.restarts).toBe(0);
    expect(notices.filter((n) => n.includes("spawned"))).toHaveLength(1);
  });

  test("on-failure does not restart a clean exit; always does", async () => {
    await sup.add([spec("once", ["sh", "-c", "exit 0"], { mode: "on-failure" }), spec("again", ["sh", "-c", "exit 0"], { mode: "always" })]);
    await waitFor("once exited", () => record("once").status.state === "exited");
    await waitFor("again parked", () => record("again").status.state === "parked");
    expect(record("once").status.restarts).toBe(0);
    expect(record("again").status.restarts).toBe(4);
  });

  test("a command that does not exist is parked with the reason", async () => {
    const { errors } = await sup.add([spec("ghost", ["no-such-command-for-tend"])]);
    expect(errors[0]?.message).toContain("command not found");
    expect(record("ghost").status.state).toBe("parked");
  });
});
