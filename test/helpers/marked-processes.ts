import { afterEach, beforeEach, expect } from "bun:test";
import { randomBytes } from "node:crypto";
import { findProcessesWithEnv } from "../../src/platform/marker-scan";
import { signalGroup } from "../../src/platform/process-group";

type Io = "pipe" | "ignore";

/**
 * Children started by a test, each leading its own process group and carrying a TEND_TEST_MARK
 * fresh for every test. After each test every group is killed, and the marker scan must then
 * find nothing marked: a descendant that got away fails the test that started it, instead of
 * lingering into the next.
 */
export interface MarkedProcesses {
  /** The current test's mark. */
  readonly mark: string;
  /** The groups killed after the test; add any a descendant moved to. */
  readonly groups: number[];
  /**
   * Starts `cmd` detached, with stdin, stdout and stderr ignored unless asked for. `env` adds to
   * this process's environment; it may give TEND_TEST_MARK another value, which the final check
   * then does not see.
   */
  start<const Out extends Io = "ignore", const Err extends Io = "ignore">(
    cmd: string[],
    options?: { env?: Record<string, string>; stdout?: Out; stderr?: Err },
  ): Bun.Subprocess<"ignore", Out, Err>;
  /** The marked processes, sorted, once there are at least `count` (or after 3 s). */
  atLeast(count: number): Promise<number[]>;
  /** The marked processes still running after up to 3 s for them to go. */
  survivors(): Promise<number[]>;
}

export function useMarkedProcesses(): MarkedProcesses {
  let mark = "";
  const groups: number[] = [];

  async function marked(enough: (found: number[]) => boolean, intervalMs: number): Promise<number[]> {
    const until = Date.now() + 3000;
    for (;;) {
      const found = findProcessesWithEnv("TEND_TEST_MARK", mark);
      if (enough(found) || Date.now() > until) return found.sort((a, b) => a - b);
      await Bun.sleep(intervalMs);
    }
  }
  const survivors = () => marked((found) => found.length === 0, 20);

  beforeEach(() => {
    mark = randomBytes(8).toString("hex");
  });
  afterEach(async () => {
    for (const pgid of groups.splice(0)) signalGroup(pgid, "SIGKILL");
    expect(await survivors()).toEqual([]);
  });

  return {
    get mark() {
      return mark;
    },
    groups,
    start(cmd, options = {}) {
      const env = { ...process.env, ...options.env };
      env.TEND_TEST_MARK = options.env?.TEND_TEST_MARK ?? mark;
      const child = Bun.spawn({
        cmd,
        detached: true,
        env,
        stdout: options.stdout ?? "ignore",
        stderr: options.stderr ?? "ignore",
      });
      groups.push(child.pid);
      return child as Bun.Subprocess<"ignore", NonNullable<typeof options.stdout>, NonNullable<typeof options.stderr>>;
    },
    atLeast: (count) => marked((found) => found.length >= count, 10),
    survivors,
  };
}
