import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describeSandbox, type SandboxSettings } from "../../src/core/sandbox-settings";
import { isLiveProcess } from "../../src/platform/live-processes";
import { findProcessesWithEnv } from "../../src/platform/marker-scan";
import { signalGroup } from "../../src/platform/process-group";
import { sandboxArgv, sandboxProblem } from "../../src/platform/sandbox";

const MARKER = "TEND_PROCESS_ID";
const READ_ONLY: SandboxSettings = { mode: "read-only", allowNet: false };
const WORKSPACE: SandboxSettings = { mode: "workspace-write", allowNet: false };
const WORKSPACE_NET: SandboxSettings = { mode: "workspace-write", allowNet: true };

const onLinux = process.platform === "linux";
const cannotRun = onLinux ? sandboxProblem(WORKSPACE) : `bwrap is Linux only (this is ${process.platform})`;
if (cannotRun !== null) console.warn(`sandbox-confines-writes-and-network.test: real-bwrap tests skipped: ${cannotRun}`);
const withBwrap = test.skipIf(cannotRun !== null);

let marker = "";
let workspace = "";
const groups: number[] = [];
const seen = new Set<number>();
const strays: string[] = [];
const scratch: string[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

function spawnConfined(argv: string[], s: SandboxSettings, stdout: "pipe" | "ignore" = "pipe") {
  const child = Bun.spawn({
    cmd: sandboxArgv(argv, workspace, s),
    cwd: workspace,
    env: { ...process.env, [MARKER]: marker },
    stdin: "ignore",
    stdout,
    stderr: "pipe",
    // As the supervisor spawns: its own session and group, so the group kill reaches it all.
    detached: true,
  });
  groups.push(child.pid);
  seen.add(child.pid);
  return child;
}

async function runConfined(argv: string[], s: SandboxSettings) {
  const child = spawnConfined(argv, s);
  const [stdout, stderr] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
  await child.exited;
  return { code: child.exitCode, stdout, stderr };
}

function marked(): number[] {
  const found = findProcessesWithEnv(MARKER, marker);
  for (const pid of found) seen.add(pid);
  return found;
}

async function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!check() && Date.now() < until) await Bun.sleep(20);
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {}
}

function groupOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
}

beforeEach(() => {
  marker = `sandbox-test/${randomBytes(8).toString("hex")}`;
  workspace = tempDir("tend-sandbox-ws-");
});

afterEach(async () => {
  for (const pgid of groups.splice(0)) signalGroup(pgid, "SIGKILL");
  for (const pid of marked()) killQuietly(pid);
  await waitFor(() => marked().length === 0 && [...seen].every((pid) => !isLiveProcess(pid)));
  const left = [...seen].filter(isLiveProcess);
  seen.clear();
  for (const pid of left) killQuietly(pid);
  for (const file of strays.splice(0)) rmSync(file, { force: true });
  expect(left).toEqual([]);
  expect(marked()).toEqual([]);
});

afterAll(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("workspace-write", () => {
  withBwrap("writes inside the working directory", async () => {
    const run = await runConfined(["sh", "-c", "echo kept > made-inside && cat made-inside"], WORKSPACE);
    expect(run).toMatchObject({ code: 0, stdout: "kept\n" });
    expect(readFileSync(path.join(workspace, "made-inside"), "utf8")).toBe("kept\n");
  });

  withBwrap("cannot write to $HOME or /etc", async () => {
    const home = os.homedir();
    const name = `.tend-sandbox-test-${randomBytes(4).toString("hex")}`;
    strays.push(path.join(home, name), path.join("/etc", name));
    for (const dir of [home, "/etc"]) {
      const target = path.join(dir, name);
      const run = await runConfined(["sh", "-c", 'echo x > "$1"', "sh", target], WORKSPACE);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain("Read-only file system");
      expect(existsSync(target)).toBe(false);
    }
  });

  describe("a TCP server on the host's 127.0.0.1", () => {
    let server: ReturnType<typeof Bun.serve> | null = null;
    beforeEach(() => {
      server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("pong") });
    });
    afterEach(() => {
      server?.stop(true);
      server = null;
    });

    // curl from /usr/bin: a client under /tmp (a checkout there) would be hidden by the private /tmp.
    const connect = () => ["curl", "-sS", "--max-time", "5", `http://127.0.0.1:${server!.port}/`];

    withBwrap("is out of reach", async () => {
      const run = await runConfined(connect(), WORKSPACE);
      expect(run.code).not.toBe(0);
      expect(run.stdout).not.toContain("pong");
    });

    withBwrap("is reached with allowNet", async () => {
      const run = await runConfined(connect(), WORKSPACE_NET);
      expect(run).toMatchObject({ code: 0, stdout: "pong" });
    });
  });
});

describe("read-only", () => {
  withBwrap("cannot write inside the working directory", async () => {
    const run = await runConfined(["sh", "-c", "echo x > made-inside"], READ_ONLY);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("Read-only file system");
    expect(existsSync(path.join(workspace, "made-inside"))).toBe(false);
  });

  withBwrap("reads the working directory", async () => {
    writeFileSync(path.join(workspace, "given"), "from the host\n");
    const run = await runConfined(["cat", "given"], READ_ONLY);
    expect(run).toMatchObject({ code: 0, stdout: "from the host\n" });
  });

  withBwrap("writes to a private /tmp that leaves nothing in the host's", async () => {
    const name = `tend-sandbox-test-${randomBytes(4).toString("hex")}`;
    strays.push(path.join("/tmp", name));
    const run = await runConfined(["sh", "-c", 'echo scratch > "/tmp/$1" && cat "/tmp/$1"', "sh", name], READ_ONLY);
    expect(run).toMatchObject({ code: 0, stdout: "scratch\n" });
    expect(existsSync(path.join("/tmp", name))).toBe(false);
  });
});

describe("a unix socket such as tend's own", () => {
  let server: ReturnType<typeof Bun.serve> | null = null;
  let home = "";
  let socket = "";
  beforeEach(() => {
    // Inside the workspace, so hiding must also beat the workspace's own bind.
    home = path.join(workspace, "tend-home");
    mkdirSync(home);
    socket = path.join(home, "tend.sock");
    server = Bun.serve({ unix: socket, fetch: () => new Response("pong") });
  });
  afterEach(() => {
    server?.stop(true);
    server = null;
  });

  const ask = () => ["curl", "-sS", "--max-time", "5", "--unix-socket", socket, "http://localhost/"];

  withBwrap("is reachable without the network, through the read-only tree", async () => {
    const child = spawnConfined(ask(), READ_ONLY);
    expect(await new Response(child.stdout).text()).toBe("pong");
    expect(await child.exited).toBe(0);
  });

  for (const what of ["its folder", "the socket file"]) {
    withBwrap(`is out of reach once ${what} is hidden`, async () => {
      const hide = what === "its folder" ? [home] : [socket];
      const child = Bun.spawn({
        cmd: sandboxArgv(ask(), workspace, READ_ONLY, { hide }),
        cwd: workspace,
        env: { ...process.env, [MARKER]: marker },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      });
      groups.push(child.pid);
      seen.add(child.pid);
      expect(await new Response(child.stdout).text()).toBe("");
      expect(await child.exited).not.toBe(0);
    });
  }
});

describe("stopping a confined process", () => {
  withBwrap("the stop signal reaches the command, and bwrap waits for its shutdown", async () => {
    const script = "trap 'echo got TERM; sleep 0.3; echo cleaned up; exit 7' TERM; echo up; while :; do sleep 0.1; done";
    const child = spawnConfined(["sh", "-c", script], WORKSPACE);
    const reader = child.stdout!.getReader();
    let out = "";
    // "up" comes after the trap is set; the process count alone could be reached before.
    while (!out.includes("up\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      out += new TextDecoder().decode(value);
    }
    signalGroup(child.pid, "SIGTERM");
    for (let r = await reader.read(); !r.done; r = await reader.read()) out += new TextDecoder().decode(r.value);
    await child.exited;
    // Had bwrap died of the signal, the command would be cut off before "cleaned up" and the
    // exit would read SIGTERM rather than the command's own code.
    expect(child.exitCode).toBe(7);
    expect(out).toBe("up\ngot TERM\ncleaned up\n");
  });

  withBwrap("a TERM-ignoring command that forks ends by group and marker", async () => {
    const child = spawnConfined(["sh", "-c", 'trap "" TERM; sleep 1000 & while :; do sleep 1000; done'], WORKSPACE, "ignore");
    // bwrap, its pid-namespace init, sh and two sleeps (long ones: each is read in /proc below).
    await waitFor(() => marked().length >= 5);
    const tree = marked();
    expect(tree.length).toBeGreaterThanOrEqual(5);
    expect(tree).toContain(child.pid);
    // The marker is in every environment, and nothing left tend's process group.
    for (const pid of tree) {
      expect(readFileSync(`/proc/${pid}/environ`, "latin1").split("\0")).toContain(`${MARKER}=${marker}`);
      expect(groupOf(pid)).toBe(child.pid);
    }

    signalGroup(child.pid, "SIGTERM");
    for (const pid of marked()) process.kill(pid, "SIGTERM");
    await Bun.sleep(300);
    expect(tree.filter(isLiveProcess).length).toBeGreaterThan(0);

    signalGroup(child.pid, "SIGKILL");
    for (const pid of marked()) killQuietly(pid);
    await child.exited;
    await waitFor(() => [...seen].every((pid) => !isLiveProcess(pid)));
    expect([...seen].filter(isLiveProcess)).toEqual([]);
    expect(marked()).toEqual([]);
  });

  withBwrap("dies with the process that spawned it", async () => {
    // sh stands in for the supervisor: bwrap's parent, killed alone, without a stop.
    const confined = sandboxArgv(["sh", "-c", "sleep 1000 & while :; do sleep 0.1; done"], workspace, WORKSPACE);
    const parent = Bun.spawn({
      cmd: ["sh", "-c", '"$@" & wait', "sh", ...confined],
      cwd: workspace,
      env: { ...process.env, [MARKER]: marker },
      stdio: ["ignore", "ignore", "ignore"],
      detached: true,
    });
    groups.push(parent.pid);
    seen.add(parent.pid);
    await waitFor(() => marked().length >= 5);
    const tree = marked().filter((pid) => pid !== parent.pid);
    expect(tree.length).toBeGreaterThanOrEqual(4);

    process.kill(parent.pid, "SIGKILL");
    await parent.exited;
    await waitFor(() => tree.every((pid) => !isLiveProcess(pid)));
    expect(tree.filter(isLiveProcess)).toEqual([]);
  });

  withBwrap("an escapee that left the group and cleared its environment still ends with the group kill", async () => {
    const child = spawnConfined(["sh", "-c", "env -i setsid sleep 1001 & while :; do sleep 0.1; done"], WORKSPACE, "ignore");
    let escapee: number | undefined;
    await waitFor(() => (escapee = sleeperWith("1001")) !== undefined);
    expect(escapee).toBeDefined();
    seen.add(escapee!);
    // Invisible to both the group kill and the marker scan...
    expect(groupOf(escapee!)).not.toBe(child.pid);
    expect(marked()).not.toContain(escapee);

    signalGroup(child.pid, "SIGKILL");
    await child.exited;
    // ...yet gone, because its pid namespace ended with the namespace's first process.
    await waitFor(() => !isLiveProcess(escapee!));
    expect(isLiveProcess(escapee!)).toBe(false);
  });
});

// The escapee carries no marker, so it is found by its command line.
function sleeperWith(arg: string): number | undefined {
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, "latin1") === `sleep\0${arg}\0`) return Number(name);
    } catch {}
  }
  return undefined;
}

describe.if(onLinux)("when confinement cannot be had", () => {
  const problemWith = (dir: string) => sandboxProblem(WORKSPACE, { PATH: dir });

  function pathWith(files: Record<string, string>): string {
    const dir = tempDir("tend-sandbox-path-");
    // env lives next to bwrap in /usr/bin, so a PATH without bwrap gets its own link to env.
    symlinkSync(Bun.which("env")!, path.join(dir, "env"));
    for (const [name, text] of Object.entries(files)) {
      writeFileSync(path.join(dir, name), text);
      chmodSync(path.join(dir, name), 0o755);
    }
    return dir;
  }

  test("no bwrap on PATH gives the install hint", () => {
    const hint =
      "--sandbox needs bubblewrap (bwrap), which is not installed: apt-get install bubblewrap (Debian/Ubuntu) or dnf install bubblewrap";
    expect(problemWith(pathWith({}))).toBe(hint);
    expect(problemWith("")).toBe(hint);
  });

  test("a bwrap that fails its test run is reported with its own line", () => {
    const said = "bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces.";
    const problem = problemWith(pathWith({ bwrap: `#!/bin/sh\necho '${said}' >&2\necho 'second line' >&2\nexit 1\n` }));
    expect(problem).toContain(said);
    expect(problem).toContain("user namespaces");
    expect(problem).not.toContain("\n");
  });

  test("full needs nothing, and its command is left alone", () => {
    expect(sandboxProblem({ mode: "full", allowNet: false }, { PATH: "" })).toBeNull();
    const argv = ["sh", "-c", "true"];
    expect(sandboxArgv(argv, "/", { mode: "full", allowNet: false })).toEqual(argv);
  });
});

describe.if(!onLinux)("elsewhere", () => {
  test("--sandbox says it is not supported yet", () => {
    expect(sandboxProblem(WORKSPACE)).toMatch(/^--sandbox is not supported on \S+ yet/);
    expect(() => sandboxArgv(["true"], "/", WORKSPACE)).toThrow(/not supported/);
  });
});

test("describeSandbox names what ps shows", () => {
  expect(describeSandbox(null)).toBe("none");
  expect(describeSandbox({ mode: "full", allowNet: true })).toBe("full (not confined)");
  expect(describeSandbox(WORKSPACE)).toBe("workspace-write");
  expect(describeSandbox({ mode: "read-only", allowNet: true })).toBe("read-only, net allowed");
});
