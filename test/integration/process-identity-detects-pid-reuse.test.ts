import { describe, expect, test } from "bun:test";
import { signalGroup } from "../../src/platform/process-group";
import { isAlive, isSameProcess, isZombie, processStartTime } from "../../src/platform/proc-identity";
import { useMarkedProcesses } from "../helpers/marked-processes";

const onLinux = process.platform === "linux";
const procs = useMarkedProcesses();

describe("processStartTime", () => {
  test("is stable for our own pid", () => {
    const first = processStartTime(process.pid);
    expect(first).not.toBeNull();
    expect(processStartTime(process.pid)).toBe(first);
    if (onLinux) expect(first).toMatch(/^[0-9a-f-]+:\d+$/);
  });

  test("differs for a child started later", async () => {
    const child = procs.start(["sleep", "30"]);
    const childStart = processStartTime(child.pid);
    expect(childStart).not.toBeNull();
    expect(childStart).not.toBe(processStartTime(process.pid));
    expect(isSameProcess(child.pid, childStart!)).toBe(true);
  });

  test("is null for pids that cannot be a process", () => {
    for (const pid of [0, -1, 1.5, Number.NaN, 2 ** 31]) expect(processStartTime(pid)).toBeNull();
  });
});

describe("isSameProcess", () => {
  test("a recorded process that has died is not the same, whoever holds the pid now", async () => {
    const child = procs.start(["sleep", "30"]);
    const recorded = processStartTime(child.pid)!;
    signalGroup(child.pid, "SIGKILL");
    await child.exited;
    expect(isAlive(child.pid)).toBe(false);
    expect(processStartTime(child.pid)).toBeNull();
    expect(isSameProcess(child.pid, recorded)).toBe(false);
  });

  test("a live pid with another start time is a reused pid, not our process", () => {
    const own = processStartTime(process.pid)!;
    expect(isSameProcess(process.pid, own)).toBe(true);
    expect(isSameProcess(process.pid, `${own}0`)).toBe(false);
    if (onLinux) {
      const ticks = own.slice(own.lastIndexOf(":") + 1);
      expect(isSameProcess(process.pid, `00000000-0000-0000-0000-000000000000:${ticks}`)).toBe(false);
    }
  });
});

describe("isAlive", () => {
  test("our pid is alive; pid 0 and negatives never are", () => {
    expect(isAlive(process.pid)).toBe(true);
    expect(isAlive(0)).toBe(false);
    expect(isAlive(-1)).toBe(false);
  });
});

describe.if(onLinux)("isZombie", () => {
  test("an exited child nobody waits for is a zombie that still has a start time", async () => {
    // The short sleep outlives the shell, whose pid becomes a `sleep 30` that never reaps.
    const parent = procs.start(["sh", "-c", "sleep 0.3 & echo $!; exec sleep 30"], { stdout: "pipe" });
    const reader = parent.stdout.getReader();
    let out = "";
    while (!out.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      out += new TextDecoder().decode(value);
    }
    reader.releaseLock();
    const zombie = Number(out.trim());
    const until = Date.now() + 3000;
    while (!isZombie(zombie) && Date.now() < until) await Bun.sleep(10);
    expect(isZombie(zombie)).toBe(true);
    expect(processStartTime(zombie)).not.toBeNull();
    expect(isZombie(process.pid)).toBe(false);
    expect(isZombie(parent.pid)).toBe(false);
  });
});
