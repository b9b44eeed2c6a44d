import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { findProcessesWithEnv } from "../../src/platform/marker-scan";
import { isLiveProcess } from "../../src/platform/live-processes";

/**
 * A private TEND_HOME for one test. Everything tend starts under it — the supervisor and each
 * process with all their descendants — carries TEND_HOME=<home> in its environment, so
 * `leftovers()` finds whatever a test left running, wherever it went.
 */
export interface TestHome {
  home: string;
  env: Record<string, string>;
  /** Kills what is still running under this home and returns the pids it found. */
  reap(): Promise<number[]>;
  remove(): void;
}

export function makeHome(prefix = "tend-test-"): TestHome {
  const home = mkdtempSync(path.join(os.tmpdir(), prefix));
  const env: Record<string, string> = { ...(process.env as Record<string, string>), TEND_HOME: home, NO_COLOR: "1" };
  delete env.FORCE_COLOR;
  return {
    home,
    env,
    async reap() {
      const found = findProcessesWithEnv("TEND_HOME", home).filter((pid) => pid !== process.pid);
      for (const pid of found) {
        for (const target of [-pid, pid]) {
          try {
            process.kill(target, "SIGKILL");
          } catch {
            // Gone already, or not a group leader.
          }
        }
      }
      const deadline = Date.now() + 3000;
      while (Date.now() < deadline && found.some(isLiveProcess)) await Bun.sleep(20);
      return found;
    },
    remove() {
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  return (async () => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await check()) return;
      await Bun.sleep(20);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
  })();
}
