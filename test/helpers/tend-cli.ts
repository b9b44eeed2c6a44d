import { existsSync } from "node:fs";
import path from "node:path";

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
