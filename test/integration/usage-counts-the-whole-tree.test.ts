import { expect, test } from "bun:test";
import { UsageMeter } from "../../src/client/usage";
import { defaultsFor, type ProcessSpec } from "../../src/core/process-spec";
import { runSupervisor, type SupervisorHandle } from "../../src/supervisor/run";
import { useTendHome, waitFor } from "../helpers/home";

let h: SupervisorHandle | null = null;
const t = useTendHome({ beforeReap: () => h?.shutdown() });

function spec(name: string, script: string): ProcessSpec {
  return { ...defaultsFor("session"), name, command: ["sh", "-c", script], shell: true, cwd: t.home, graceMs: 500 };
}

test.skipIf(process.platform !== "linux")("CPU and memory count the group, its descendants and those that left it", async () => {
  h = await runSupervisor({ home: t.home, dir: t.home, name: null, mode: "start", detached: false });
  // A busy child in the group, a sleeping one, one in a session of its own, and one that left
  // the group and its parent (a double fork), found only by its marker.
  const script = "sh -c 'while :; do :; done' & sleep 30 & setsid sleep 31 & (setsid sleep 32 &); wait";
  await h.supervisor.add([spec("tree", script), spec("idle", "exec sleep 30")]);
  const view = async () => ({ state: "running" as const, info: h!.info, processes: h!.supervisor.list() });
  const meter = new UsageMeter();
  const pidOf = async (name: string) => (await view()).processes.find((r) => r.spec.name === name)!.status.pid!;
  await waitFor("the whole tree", async () => (meter.measure(await view()).get(await pidOf("tree"))?.processes ?? 0) === 5);
  await Bun.sleep(500);
  const usage = meter.measure(await view());
  const tree = usage.get(await pidOf("tree"))!;
  expect(tree.processes).toBe(5);
  // A busy loop takes a core when it can; well above the idle ones even on a loaded machine.
  expect(tree.cpuPercent).toBeGreaterThan(15);
  expect(tree.self.cpuPercent).toBeLessThan(5);
  expect(tree.memoryBytes).toBeGreaterThan(tree.self.memoryBytes);
  const idle = usage.get(await pidOf("idle"))!;
  expect(idle.processes).toBe(1);
  expect(idle.cpuPercent).toBeLessThan(5);
  expect(idle.memoryBytes).toBeGreaterThan(0);
}, 20_000);
