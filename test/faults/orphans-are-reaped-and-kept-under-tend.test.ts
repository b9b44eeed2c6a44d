import { expect, test } from "bun:test";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { procStatFields } from "../../src/platform/proc-stat.linux";
import { useTendHome, waitFor } from "../helpers/home";
import { requireBinary, tend } from "../helpers/tend-cli";

const t = useTendHome({ killAll: true, stop: true, timeoutMs: 20_000 });
const linux = process.platform === "linux";
const root = process.getuid?.() === 0;

// Every 0.2 s a short-lived grandchild that is orphaned at once, as a shell's `(cmd &)` does.
const FORKER = "while true; do (sleep 0.05 &); sleep 0.2; done";

/** The children of `pid` (by /proc), with their state and command. */
function childrenOf(pid: number): Array<{ pid: number; state: string; cmd: string }> {
  const found: Array<{ pid: number; state: string; cmd: string }> = [];
  for (const entry of readdirSync("/proc")) {
    const fields = /^\d+$/.test(entry) ? procStatFields(Number(entry)) : null;
    if (!fields || Number(fields[1]) !== pid) continue;
    let cmd = "";
    try {
      cmd = readFileSync(`/proc/${entry}/cmdline`, "latin1").replaceAll("\0", " ").trim();
    } catch {}
    found.push({ pid: Number(entry), state: fields[0]!, cmd });
  }
  return found;
}

/** The most zombie children `pid` had at once, looking every 100 ms for `ms`. */
async function mostZombies(pid: number, ms: number): Promise<number> {
  let most = 0;
  for (const until = Date.now() + ms; Date.now() < until; await Bun.sleep(100)) {
    most = Math.max(most, childrenOf(pid).filter((c) => c.state === "Z").length);
  }
  return most;
}

test.skipIf(!linux || !root)("as PID 1 (a container entrypoint) tend reaps orphaned grandchildren, and SIGTERM stops everything", async () => {
  writeFileSync(path.join(t.home, "Procfile"), `forker: ${FORKER}\n`);
  const ns = Bun.spawn({ cmd: ["unshare", "--pid", "--fork", "--mount-proc", requireBinary(), "start", "--dir", t.home], env: t.env, stdout: "pipe", stderr: "pipe" });
  let tendPid = 0;
  await waitFor("tend as PID 1 of its namespace", () => {
    tendPid = childrenOf(ns.pid)[0]?.pid ?? 0;
    return tendPid !== 0 && childrenOf(tendPid).some((c) => c.cmd.startsWith("sh -c"));
  });
  const zombies = await mostZombies(tendPid, 3000);
  console.log(`tend as PID 1: at most ${zombies} zombie children at once over 3 s`);
  expect(zombies).toBeLessThanOrEqual(1);

  process.kill(tendPid, "SIGTERM");
  expect(await ns.exited).toBe(0);
  expect(await new Response(ns.stdout).text()).toContain("forker * stopped (signal=SIGTERM)");
}, 20_000);

test.skipIf(!linux)("a supervisor that is not PID 1 keeps escaped descendants under it and reaps their zombies; its own children keep their exit codes", async () => {
  const bg = (name: string, script: string) => tend(["bg", "--name", name, "--", "sh", "-c", script], { env: t.env });
  expect((await bg("forker", `(sleep 300 &); ${FORKER}`)).code).toBe(0);
  const supervisor = JSON.parse(readFileSync(path.join(t.home, "supervisor.json"), "utf8")).pid;
  await waitFor("the escaped sleep under the supervisor", () => childrenOf(supervisor).some((c) => c.cmd === "sleep 300"));
  expect(await mostZombies(supervisor, 2000)).toBeLessThanOrEqual(1);

  expect((await bg("seven", "exit 7")).code).toBe(0);
  await waitFor("seven exited", async () => JSON.parse((await tend(["ps", "--json"], { env: t.env })).stdout).processes.some((p: { name: string; state: string }) => p.name === "seven" && p.state !== "running"));
  const seven = JSON.parse((await tend(["ps", "--json"], { env: t.env })).stdout).processes.find((p: { name: string }) => p.name === "seven");
  expect([seven.state, seven.exitCode]).toEqual(["crashed", 7]);
  expect((await tend(["kill", "--all"], { env: t.env })).code).toBe(0);
  await waitFor("nothing left under the supervisor", () => childrenOf(supervisor).every((c) => c.state === "Z"));
}, 20_000);
