import { isConfined, type SandboxSettings } from "../core/sandbox-settings";
import { linuxSandboxArgv, linuxSandboxProblem, type ArgvOptions } from "./sandbox.linux";

export type { ArgvOptions as SandboxArgvOptions } from "./sandbox.linux";

const PLATFORM_NAMES: Record<string, string> = { darwin: "macOS", win32: "Windows" };

function unsupported(): string {
  const name = PLATFORM_NAMES[process.platform] ?? process.platform;
  return `--sandbox is not supported on ${name} yet: run without --sandbox (or with --permission-mode full)`;
}

/**
 * Null when `s` can be had here; otherwise one line saying why not and what to do. The first
 * answer for a given bwrap is remembered for the life of the process. `env` supplies PATH.
 */
export function sandboxProblem(s: SandboxSettings, env: Record<string, string | undefined> = process.env): string | null {
  if (!isConfined(s)) return null;
  if (process.platform !== "linux") return unsupported();
  return linuxSandboxProblem(s, env);
}

/**
 * The command to spawn in place of `argv` so that it runs confined, in `cwd`. Throws rather than
 * hand back an unconfined command; ask `sandboxProblem` first for a friendly answer.
 */
export function sandboxArgv(argv: string[], cwd: string, s: SandboxSettings, options: ArgvOptions = {}): string[] {
  if (!isConfined(s)) return argv;
  if (process.platform !== "linux") throw new Error(unsupported());
  return linuxSandboxArgv(argv, cwd, s, options);
}
