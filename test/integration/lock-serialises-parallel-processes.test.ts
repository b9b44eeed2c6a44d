import { beforeEach, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { withLock } from "../../src/platform/lock";
import { signalGroup } from "../../src/platform/process-group";
import { processStartTime } from "../../src/platform/proc-identity";
import { useTempDir } from "../helpers/temp-dir";
import { useMarkedProcesses } from "../helpers/marked-processes";

const lockModule = path.resolve(import.meta.dir, "../../src/platform/lock.ts");
const procs = useMarkedProcesses();
const dir = useTempDir();
let lockPath = "";

async function deadIdentity(): Promise<string> {
  const child = procs.start(["sleep", "30"]);
  const identity = `${child.pid} ${processStartTime(child.pid)}\n`;
  signalGroup(child.pid, "SIGKILL");
  await child.exited;
  return identity;
}

beforeEach(() => {
  lockPath = path.join(dir(), "supervisor.lock");
});

test.each([
  ["free", false],
  ["left stale by a dead process", true],
])("20 processes incrementing a counter under a lock that starts %s lose no update", async (_how, stale) => {
  if (stale) writeFileSync(lockPath, await deadIdentity());
  const counter = path.join(dir(), "counter");
  const journal = path.join(dir(), "journal");
  writeFileSync(counter, "0");
  writeFileSync(journal, "");
  const script = `
    const { withLock } = await import(process.env.LOCK_MODULE);
    const fs = await import("node:fs");
    await withLock(process.env.LOCK_PATH, async () => {
      fs.appendFileSync(process.env.JOURNAL, "in\\n");
      const n = Number(fs.readFileSync(process.env.COUNTER, "utf8"));
      await Bun.sleep(5);
      fs.writeFileSync(process.env.COUNTER, String(n + 1));
      fs.appendFileSync(process.env.JOURNAL, "out\\n");
    }, 20000);
  `;
  const env = { LOCK_MODULE: lockModule, LOCK_PATH: lockPath, COUNTER: counter, JOURNAL: journal };
  const children = Array.from({ length: 20 }, () => procs.start([process.execPath, "-e", script], { env, stderr: "pipe" }));
  const codes = await Promise.all(children.map((c) => c.exited));
  const errors = await Promise.all(children.map((c) => new Response(c.stderr).text()));
  expect(errors.filter((e) => e.trim() !== "")).toEqual([]);
  expect(codes).toEqual(Array(20).fill(0));
  expect(readFileSync(counter, "utf8")).toBe("20");
  expect(readFileSync(journal, "utf8")).toBe("in\nout\n".repeat(20));
  expect(readdirSync(dir()).sort()).toEqual(["counter", "journal"]);
}, 60000);

test("holders in one process take turns too", async () => {
  const order: string[] = [];
  const hold = (id: string) =>
    withLock(lockPath, async () => {
      order.push(`${id}+`);
      await Bun.sleep(10);
      order.push(`${id}-`);
    });
  await Promise.all([hold("a"), hold("b"), hold("c")]);
  expect(order).toHaveLength(6);
  for (let i = 0; i < 6; i += 2) expect(order[i]!.slice(0, 1)).toBe(order[i + 1]!.slice(0, 1));
});

test("a lock left by a dead process is broken", async () => {
  writeFileSync(lockPath, await deadIdentity());
  const started = Date.now();
  expect(await withLock(lockPath, async () => "got it", 2000)).toBe("got it");
  expect(Date.now() - started).toBeLessThan(1000);
  expect(existsSync(lockPath)).toBe(false);
});

test("a lock whose pid now belongs to another process is broken", async () => {
  writeFileSync(lockPath, `${process.pid} not-our-start-time\n`);
  expect(await withLock(lockPath, async () => 1, 2000)).toBe(1);
});

test("a lock held by a live process times out naming the file and the holder", async () => {
  const holder = procs.start(["sleep", "30"]);
  writeFileSync(lockPath, `${holder.pid} ${processStartTime(holder.pid)}\n`);
  const error = await withLock(lockPath, async () => "never", 300).catch((e: Error) => e);
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).toContain(lockPath);
  expect((error as Error).message).toContain(`pid ${holder.pid}`);
  expect(readFileSync(lockPath, "utf8")).toBe(`${holder.pid} ${processStartTime(holder.pid)}\n`);
});

test("an empty lock file is waited on while fresh and broken once old", async () => {
  writeFileSync(lockPath, "");
  const error = await withLock(lockPath, async () => "never", 200).catch((e: Error) => e);
  expect((error as Error).message).toContain(lockPath);
  const old = new Date(Date.now() - 60_000);
  utimesSync(lockPath, old, old);
  expect(await withLock(lockPath, async () => "ok", 2000)).toBe("ok");
});

test("the lock is released when the work throws", async () => {
  await expect(
    withLock(lockPath, async () => {
      throw new Error("boom");
    }),
  ).rejects.toThrow("boom");
  expect(existsSync(lockPath)).toBe(false);
  expect(await withLock(lockPath, async () => "again", 500)).toBe("again");
});
