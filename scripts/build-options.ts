// How every tend executable is compiled, shared by scripts/build.ts (this machine) and
// scripts/build-all.ts (the release targets), so both binaries behave the same.
import { $ } from "bun";
import { rmSync } from "node:fs";
import path from "node:path";
import { hostLibc, hostTarget } from "../packaging/targets.mjs";

export const ROOT = path.resolve(import.meta.dir, "..");

export async function gitCommit(): Promise<string> {
  return (await $`git -C ${ROOT} rev-parse --short HEAD`.nothrow().quiet().text()).trim() || "unknown";
}

/** When HEAD was committed: the time the release archives give their files. */
export async function gitCommitTime(): Promise<Date> {
  const seconds = Number((await $`git -C ${ROOT} log -1 --format=%ct`.nothrow().quiet().text()).trim());
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : new Date(0);
}

/**
 * The compile target string of the machine running the build, for `tend version --json` of a
 * host build. Only reported, never passed to Bun.build, so a host build keeps Bun's own
 * runtime: the string cannot tell a baseline-CPU Bun from the default one.
 */
export function hostCompileTarget(): string {
  const known = hostTarget();
  if (known) return `bun-${known.platform}`;
  return `bun-${process.platform === "win32" ? "windows" : process.platform}-${process.arch}${hostLibc() === "musl" ? "-musl" : ""}`;
}

export interface TendBuild {
  outfile: string;
  commit: string;
  /** A cross-compile target; omitted, the executable is for this machine. */
  target?: Bun.Build.CompileTarget;
}

/** Compiles src/cli.ts into one executable; returns its path (Bun adds ".exe" for Windows). */
export async function compileTend({ outfile, commit, target }: TendBuild): Promise<string> {
  const result = await Bun.build({
    entrypoints: [path.join(ROOT, "src", "cli.ts")],
    compile: {
      outfile,
      ...(target ? { target } : {}),
      // A supervisor passes its environment to every child: a .env or bunfig.toml (which may
      // preload code) in whatever folder tend runs from must not change it.
      autoloadDotenv: false,
      autoloadBunfig: false,
    },
    minify: true,
    // Bytecode cut the start of `tend --version` from ~21 ms to ~8 ms on linux-x64 (and by a
    // fifth for linux-arm64 under qemu) for ~2 MB more; every target accepts it. It needs ESM
    // for the top-level await in src/cli.ts: Bun picks CommonJS for bytecode unless told.
    bytecode: true,
    format: "esm",
    // The map goes inside the executable, so stack traces (--debug) name src/ files and lines.
    sourcemap: "linked",
    define: {
      TEND_BUILD_COMMIT: JSON.stringify(commit),
      TEND_BUILD_TARGET: JSON.stringify(target ?? hostCompileTarget()),
    },
    throw: false,
  });
  if (!result.success) {
    const lines = result.logs.map((log) => {
      const at = log.position ? `${path.relative(ROOT, log.position.file)}:${log.position.line}:${log.position.column}: ` : "";
      return `  ${at}${log.message}`;
    });
    throw new Error(`compiling ${path.basename(outfile)} failed:\n${lines.join("\n")}`);
  }
  let binary = outfile;
  for (const output of result.outputs) {
    // Bun also writes the map next to the executable; nothing reads that copy.
    if (output.kind === "sourcemap") rmSync(output.path, { force: true });
    else binary = output.path;
  }
  return binary;
}
