import { expect } from "bun:test";
import { existsSync } from "node:fs";
import path from "node:path";
import { waitFor } from "./home";
import { projectFromFolder } from "../../src/core/names";

export const ROOT = path.resolve(import.meta.dir, "../..");
export const BINARY = path.join(ROOT, "dist", "tend");
export const FIXTURES = path.join(ROOT, "test", "fixtures");

export function requireBinary(): string {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: run "npm run build" (npm test does it first)`);
  return BINARY;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the compiled binary as a user would, and waits for it to finish. */
export async function tend(args: string[], opts: { env: Record<string, string>; cwd?: string; timeoutMs?: number }): Promise<RunResult> {
  const proc = Bun.spawn({
    cmd: [requireBinary(), ...args],
    env: opts.env,
    cwd: opts.cwd ?? ROOT,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => proc.kill("SIGKILL"), opts.timeoutMs ?? 30_000);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/**
 * `bg` and `stateOf` for tests that start sessions one at a time in `t`'s home; `t` is read at
 * each call, so it may be a home that changes from test to test.
 */
export function sessionsIn(t: { readonly env: Record<string, string> }) {
  return {
    /** `tend bg ARGS`, which must succeed without a word on stderr. */
    async bg(...args: string[]): Promise<void> {
      const run = await tend(["bg", ...args], { env: t.env });
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
    },
    /** The state `tend status --json` gives the process `name`, if it lists one. */
    async stateOf(name: string): Promise<string | undefined> {
      const status = JSON.parse((await tend(["status", "--json"], { env: t.env })).stdout);
      return status.processes.find((p: { name: string }) => p.name === name)?.state;
    },
  };
}

/** `env` as a GitHub Actions runner gives it (`on: true`), or as any other place does. */
export function githubActions(env: Record<string, string>, on: boolean): Record<string, string> {
  const copy = { ...env };
  if (on) copy.GITHUB_ACTIONS = "true";
  else delete copy.GITHUB_ACTIONS;
  return copy;
}

/** Waits until every process of the home has ended by itself (exited or crashed). */
export function allEnded(env: Record<string, string>): Promise<void> {
  return waitFor("every process to end", async () => {
    const ps = JSON.parse((await tend(["ps", "--json"], { env })).stdout);
    return ps.processes.every((p: { state: string }) => p.state === "exited" || p.state === "crashed");
  });
}

/** The project of a config in `dir` that names none: its folder's name, as tend makes it. */
export function projectOf(dir: string): string {
  return projectFromFolder(path.basename(dir));
}

/** The log folder of the processes of the config in `dir`. */
export function projectLogs(home: string, dir: string): string {
  return path.join(home, "logs", projectOf(dir));
}
