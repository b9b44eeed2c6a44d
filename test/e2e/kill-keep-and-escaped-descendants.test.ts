import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { isLiveProcess } from "../../src/platform/live-processes";
import { useTendHome, waitFor, writtenPids } from "../helpers/home";
import { sessionsIn, tend } from "../helpers/tend-cli";

const t = useTendHome({ killAll: { grace: "0s" }, stop: true });
const { bg, stateOf } = sessionsIn(t);

test("kill --keep says the process stays listed, running or not", async () => {
  await bg("--name", "job", "--", "sleep", "30");
  const pid = JSON.parse((await tend(["ps", "--json"], { env: t.env })).stdout).processes[0].pid;
  const first = await tend(["kill", "--keep", "job"], { env: t.env });
  expect(first.code).toBe(0);
  expect(first.stdout).toContain(`stopped job (pid ${pid}), kept in the list`);
  expect(await stateOf("job")).toBe("stopped");

  const second = await tend(["kill", "--keep", "job"], { env: t.env });
  expect(second.code).toBe(0);
  expect(second.stdout).toContain("job was not running; kept in the list");
  expect(second.stdout).not.toContain("removed");
  expect(await stateOf("job")).toBe("stopped");

  const gone = await tend(["kill", "job"], { env: t.env });
  expect(gone.stdout).toContain("removed job (was not running)");
  expect(await stateOf("job")).toBeUndefined();
}, 20_000);

test("kill with no supervisor ends descendants that left the group of a leader already dead", async () => {
  const pidsFile = path.join(t.home, "escaped.pid");
  await bg("--name", "leaky", "-e", `PIDS_FILE=${pidsFile}`, "--", "sh", "-c", 'setsid sleep 30 & echo $! > "$PIDS_FILE"; exec sleep 30');
  const [escaped] = await writtenPids(pidsFile, 1);
  const leader = JSON.parse((await tend(["ps", "--json"], { env: t.env })).stdout).processes[0].pid as number;
  // The supervisor is lost without a word, then the leader dies: only the escaped one is left.
  const supervisor = JSON.parse(readFileSync(path.join(t.home, "supervisor.json"), "utf8")).pid as number;
  process.kill(supervisor, "SIGKILL");
  await waitFor("supervisor gone", () => !isLiveProcess(supervisor));
  process.kill(leader, "SIGKILL");
  await waitFor("leader gone", () => !isLiveProcess(leader));
  expect(isLiveProcess(escaped!)).toBe(true);

  const kill = await tend(["kill", "leaky", "--grace", "0s"], { env: t.env });
  expect(kill.code).toBe(0);
  await waitFor("escaped descendant ended", () => !isLiveProcess(escaped!), 3000);
  expect(await stateOf("leaky")).toBeUndefined();
}, 20_000);
