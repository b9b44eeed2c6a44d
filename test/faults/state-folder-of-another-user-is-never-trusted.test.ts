import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, existsSync, lchownSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { isLiveProcess } from "../../src/platform/live-processes";
import { processStartTime } from "../../src/platform/proc-identity";
import { useTendHome } from "../helpers/home";
import { noOtherUser, otherUser, type OtherUser } from "../helpers/other-user";
import { useTempDir } from "../helpers/temp-dir";
import { tend } from "../helpers/tend-cli";

if (noOtherUser) console.warn(`skipping state-folder trust tests: ${noOtherUser}`);

const t = useTendHome({ killAll: true, stop: true });
const scratch = useTempDir("tend-trust-");

/** A file only root may read or write, which a planted link points at. */
function rootOnlyFile(): string {
  const file = path.join(scratch(), "root-only");
  writeFileSync(file, "root's own\n", { mode: 0o600 });
  return file;
}

function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe.skipIf(noOtherUser !== null)("a state folder, or anything in it, that another user could have made is never trusted", () => {
  let other: OtherUser;
  let otherHome = "";
  let otherEnv: Record<string, string> = {};
  let otherSupervisor = 0;

  // The other user's own, real supervisor: what a forged supervisor.json points at.
  beforeEach(async () => {
    other = otherUser();
    otherHome = other.folder();
    otherEnv = { PATH: process.env.PATH!, TEND_HOME: otherHome, NO_COLOR: "1" };
    const started = await other.tend(["start", "-d", "--dir", otherHome], otherEnv);
    expect(started.stderr).toBe("");
    otherSupervisor = JSON.parse(readFileSync(path.join(otherHome, "supervisor.json"), "utf8")).pid;
  });
  afterEach(async () => {
    await other.tend(["kill", "--all"], otherEnv);
    await other.tend(["stop"], otherEnv);
    if (isLiveProcess(otherSupervisor)) process.kill(otherSupervisor, "SIGKILL");
    rmSync(otherHome, { recursive: true, force: true });
  });

  /** What reached the other user's supervisor: the names and environments of its processes. */
  function whatTheOtherUserGot(): string {
    const dir = path.join(otherHome, "processes");
    if (!existsSync(dir)) return "";
    return readdirSync(dir).map((f) => readFileSync(path.join(dir, f), "utf8")).join("\n");
  }

  test("a TEND_HOME another user created first is refused by bg, ps and stop with one line, and nothing is sent or written", async () => {
    const secret = rootOnlyFile();
    const planted = other.folder("tend-ci-");
    // Theirs to prepare: a log that is a link to root's file, and their supervisor named as ours.
    mkdirSync(path.join(planted, "logs"));
    symlinkSync(secret, path.join(planted, "logs", "web.log"));
    copyFileSync(path.join(otherHome, "supervisor.json"), path.join(planted, "supervisor.json"));
    for (const f of ["logs", "logs/web.log", "supervisor.json"]) lchownSync(path.join(planted, f), other.uid, other.gid);
    const env = { ...t.env, TEND_HOME: planted, API_TOKEN: "tok-3f9a" };

    const bg = await tend(["bg", "--name", "web", "--", "sh", "-c", "echo planted-line; sleep 30"], { env });
    expect(bg.code).toBe(1);
    expect(oneLine(bg.stderr)).toBe(
      `tend: refusing the state folder ${planted}: it belongs to uid ${other.uid}, not to you (uid 0) (use a state folder of your own: TEND_HOME=$(mktemp -d))`,
    );
    for (const cmd of [["ps"], ["stop"], ["logs", "web"], ["kill", "--all"]]) {
      const run = await tend(cmd, { env });
      expect(run.code).toBe(1);
      expect(oneLine(run.stderr)).toStartWith(`tend: refusing the state folder ${planted}:`);
    }
    expect(whatTheOtherUserGot()).not.toContain("tok-3f9a");
    expect(readFileSync(secret, "utf8")).toBe("root's own\n");
    expect(isLiveProcess(otherSupervisor)).toBe(true);
    rmSync(planted, { recursive: true, force: true });
  }, 30_000);

  test("a folder writable by others is refused, with what to do about it", async () => {
    const loose = path.join(scratch(), "loose");
    mkdirSync(loose);
    chmodSync(loose, 0o777);
    const ps = await tend(["ps"], { env: { ...t.env, TEND_HOME: loose } });
    expect(ps.code).toBe(1);
    expect(oneLine(ps.stderr)).toBe(
      `tend: refusing the state folder ${loose}: it is writable by anyone (mode 0777) (if it is yours alone, chmod 700 ${loose}; or use a state folder of your own: TEND_HOME=$(mktemp -d))`,
    );
  });

  test("a link on the way to the state folder that another user owns is refused", async () => {
    const link = path.join(scratch(), "home-link");
    symlinkSync(t.home, link);
    lchownSync(link, other.uid, other.gid);
    const ps = await tend(["ps"], { env: { ...t.env, TEND_HOME: link } });
    expect(ps.code).toBe(1);
    expect(oneLine(ps.stderr)).toStartWith(`tend: refusing the state folder ${link}: the link ${link} on the way to it belongs to uid ${other.uid}`);
  });

  test("a supervisor.json of ours naming another user's socket gets nothing sent to it", async () => {
    copyFileSync(path.join(otherHome, "supervisor.json"), path.join(t.home, "supervisor.json"));
    const bg = await tend(["bg", "--name", "web", "--", "sleep", "30"], { env: { ...t.env, API_TOKEN: "tok-77c1" } });
    expect(bg.code).toBe(1);
    expect(oneLine(bg.stderr)).toStartWith(`tend: refusing the supervisor socket ${path.join(otherHome, "tend.sock")}: the socket belongs to uid ${other.uid}, not to you (uid 0)`);
    expect(whatTheOtherUserGot()).not.toContain("tok-77c1");
    rmSync(path.join(t.home, "supervisor.json"));
  }, 30_000);

  test("a log that is a link is never followed: the session is refused and the file it points at untouched", async () => {
    const secret = rootOnlyFile();
    mkdirSync(path.join(t.home, "logs"), { mode: 0o700 });
    symlinkSync(secret, path.join(t.home, "logs", "web.log"));
    const bg = await tend(["bg", "--name", "web", "--", "sh", "-c", "echo planted-line"], { env: t.env });
    expect(bg.code).toBe(1);
    expect(oneLine(bg.stderr)).toBe(
      `tend: refusing ${path.join(t.home, "logs", "web.log")}: it is a symbolic link, and tend never follows links inside its state folder (remove it)`,
    );
    expect(readFileSync(secret, "utf8")).toBe("root's own\n");
  }, 30_000);

  test("a record that belongs to another user is refused, not read", async () => {
    mkdirSync(path.join(t.home, "processes"), { mode: 0o700 });
    const record = path.join(t.home, "processes", "intruder.json");
    writeFileSync(record, JSON.stringify({ spec: { name: "intruder" }, status: { state: "running", pid: process.pid, pidStartTime: processStartTime(process.pid) } }), { mode: 0o600 });
    lchownSync(record, other.uid, other.gid);
    const ps = await tend(["ps"], { env: t.env });
    expect(ps.code).toBe(1);
    expect(oneLine(ps.stderr)).toStartWith(`tend: refusing ${record}: it belongs to uid ${other.uid}, not to you (uid 0)`);
  });
});
