import { afterAll, afterEach, beforeAll, beforeEach, expect } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { findProcessesWithEnvPrefix } from "../../src/platform/marker-scan";
import { isLiveProcess } from "../../src/platform/live-processes";
import { tend } from "./tend-cli";

/**
 * A private TEND_HOME for one test. Everything tend starts under it — the supervisor and each
 * process with all their descendants — carries TEND_HOME=<home> in its environment, so
 * `reap()` finds whatever a test left running, wherever it went.
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
      // By prefix: a test may reach the home through another spelling (`<home>-link`).
      const found = findProcessesWithEnvPrefix("TEND_HOME", home).map((p) => p.pid).filter((pid) => pid !== process.pid);
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

export interface TendHomeOptions {
  /** `tend kill --all` before the check; a short --grace saves waiting out processes that ignore SIGTERM. */
  killAll?: boolean | { grace: string };
  /** `tend stop` before the check, after any `killAll`. */
  stop?: boolean;
  /** Runs first: what must end before tend's processes can, such as an in-process supervisor. */
  beforeReap?: () => unknown;
  /**
   * Reap without failing, only for tests that leave processes behind on purpose: everywhere else
   * a test that leaves something running must fail, which is what the check is for.
   */
  allowLeftovers?: boolean;
  /** One home for all the file's tests, checked once after the last. */
  perFile?: boolean;
  prefix?: string;
  timeoutMs?: number;
}

/**
 * Registers the hooks that give each test a fresh home and, after it, end what it started the
 * way the options say, then fail the test if anything of that home is still running. The
 * returned home reads through to the current test's, so files can hold it in a `const`.
 */
export function useTendHome(options: TendHomeOptions = {}): TestHome {
  let current: TestHome | undefined;
  const now = (): TestHome => {
    if (!current) throw new Error("a test home exists only while a test (or its hooks) runs");
    return current;
  };
  const [setUp, tearDown] = options.perFile ? [beforeAll, afterAll] : [beforeEach, afterEach];
  setUp(() => {
    current = makeHome(options.prefix);
  }, options.timeoutMs);
  tearDown(async () => {
    const t = now();
    await options.beforeReap?.();
    if (options.killAll) {
      const grace = typeof options.killAll === "object" ? ["--grace", options.killAll.grace] : [];
      await tend(["kill", "--all", ...grace], { env: t.env });
    }
    if (options.stop) await tend(["stop"], { env: t.env });
    const left = await t.reap();
    if (!options.allowLeftovers) expect(left).toEqual([]);
    t.remove();
  }, options.timeoutMs);
  return {
    get home() {
      return now().home;
    },
    get env() {
      return now().env;
    },
    reap: () => now().reap(),
    remove: () => now().remove(),
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

/** The pids a fixture wrote to `file` (separated by white space), once it has written `count`. */
export async function writtenPids(file: string, count: number): Promise<number[]> {
  const read = (): number[] => {
    try {
      return readFileSync(file, "utf8").trim().split(/\s+/).map(Number).filter(Boolean);
    } catch {
      return [];
    }
  };
  await waitFor(`${count} pids in ${file}`, () => read().length === count);
  return read();
}
