import { execFileSync } from "node:child_process";
import { chownSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { requireBinary, ROOT, type RunResult } from "./tend-cli";

/**
 * A second, unprivileged user for tests of what tend does on a shared machine: run as root,
 * the test creates (once) a system user without a home or a shell, and runs commands as it with
 * setpriv. Not root: there is no second user to be, and the tests that need one are skipped.
 */
export interface OtherUser {
  name: string;
  uid: number;
  gid: number;
  /** The argv that runs `cmd` as this user, with no supplementary groups. */
  argv(cmd: string[]): string[];
  /** Runs the compiled tend as this user and waits for it (SIGKILLed after `timeoutMs`). */
  tend(args: string[], env: Record<string, string>, timeoutMs?: number): Promise<RunResult>;
  /** A fresh folder in tmp that belongs to this user (0700). */
  folder(prefix?: string): string;
}

const NAME = "tend-test-other";

function ids(): { uid: number; gid: number } | null {
  const id = (flag: string) => Number(execFileSync("id", [flag, NAME], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
  try {
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    return null;
  }
}

function ensureUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const found = ids();
  if (found) return found;
  try {
    execFileSync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", NAME], { stdio: "ignore" });
  } catch {
    // Another test file may have created it meanwhile; look again.
  }
  return ids();
}

const user = ensureUser();

/** Why tests that need a second user cannot run here, or null when they can. */
export const noOtherUser: string | null = user ? null : "needs root, to create and become a second user (run the suite as root, as CI does)";

export function otherUser(): OtherUser {
  if (!user) throw new Error(noOtherUser!);
  const { uid, gid } = user;
  const argv = (cmd: string[]) => ["setpriv", `--reuid=${uid}`, `--regid=${gid}`, "--clear-groups", "--", ...cmd];
  return {
    name: NAME,
    uid,
    gid,
    argv,
    async tend(args, env, timeoutMs = 30_000) {
      const proc = Bun.spawn({ cmd: argv([requireBinary(), ...args]), env, cwd: ROOT, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
      const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
      const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
      clearTimeout(timer);
      return { code, stdout, stderr };
    },
    folder(prefix = "tend-other-") {
      const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
      chownSync(dir, uid, gid);
      return dir;
    },
  };
}
