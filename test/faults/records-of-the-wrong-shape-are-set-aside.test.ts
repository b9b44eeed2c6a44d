import { expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { useTendHome, waitFor } from "../helpers/home";
import { tend } from "../helpers/tend-cli";

const t = useTendHome({ killAll: true, stop: true });

const processes = () => path.join(t.home, "processes");

/** A finished session's record, to copy and spoil. */
async function goodRecord(): Promise<Record<string, any>> {
  expect((await tend(["bg", "--name", "good", "--", "sh", "-c", "echo hello"], { env: t.env })).code).toBe(0);
  await waitFor("good finished", async () => JSON.parse((await tend(["ps", "--json"], { env: t.env })).stdout).processes[0]?.state === "exited");
  expect((await tend(["stop"], { env: t.env })).code).toBe(0);
  return JSON.parse(readFileSync(path.join(processes(), "good.json"), "utf8"));
}

test("records with fields of the wrong type are set aside like corrupt ones, and every command still works", async () => {
  const good = await goodRecord();
  const spoilt = {
    "name-7.json": { ...good, spec: { ...good.spec, name: 7 } },
    "pid-text.json": { spec: { ...good.spec, name: "pid-text" }, status: { ...good.status, name: "pid-text", pid: "abc" } },
    "no-status.json": { spec: { ...good.spec, name: "no-status" } },
    "other-name.json": { ...good, spec: { ...good.spec, name: "good" } },
  };
  for (const [file, record] of Object.entries(spoilt)) writeFileSync(path.join(processes(), file), JSON.stringify(record), { mode: 0o600 });

  for (const cmd of [["ps"], ["ps", "--json"], ["logs", "good"], ["wait", "good", "--exit"]]) {
    const run = await tend(cmd, { env: t.env });
    expect({ cmd, code: run.code, stderr: run.stderr }).toEqual({ cmd, code: 0, stderr: "" });
  }
  const ps = JSON.parse((await tend(["ps", "--json"], { env: t.env })).stdout);
  expect(ps.processes.map((p: { name: string }) => p.name)).toEqual(["good"]);
  const left = readdirSync(processes()).sort();
  expect(left.filter((f) => f.endsWith(".json"))).toEqual(["good.json"]);
  for (const file of Object.keys(spoilt)) expect(left.some((f) => f.startsWith(`${file}.corrupt-`))).toBe(true);

  // A supervisor started on it adopts the good record and says what it set aside.
  expect((await tend(["bg", "--name", "next", "--", "sleep", "30"], { env: t.env })).code).toBe(0);
  expect(JSON.parse((await tend(["ps", "--json"], { env: t.env })).stdout).processes.map((p: { name: string }) => p.name)).toEqual(["good", "next"]);
}, 30_000);

test("temp files of interrupted writes are removed when a supervisor starts, unless their writer still runs", async () => {
  const gone = Bun.spawn(["true"]);
  await gone.exited;
  const dead = [path.join(processes(), `.web.json.${gone.pid}.0123456789ab.tmp`), path.join(t.home, `.supervisor.json.${gone.pid}.ba9876543210.tmp`)];
  const live = path.join(processes(), `.api.json.${process.pid}.00aa11bb22cc.tmp`);
  mkdirSync(processes(), { recursive: true, mode: 0o700 });
  for (const f of [...dead, live]) writeFileSync(f, "{ half", { mode: 0o600 });

  expect((await tend(["bg", "--name", "s", "--", "sleep", "30"], { env: t.env })).code).toBe(0);
  expect(dead.filter(existsSync)).toEqual([]);
  expect(existsSync(live)).toBe(true);
}, 30_000);
