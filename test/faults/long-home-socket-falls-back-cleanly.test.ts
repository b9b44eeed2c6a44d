import { expect, test } from "bun:test";
import { mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { layout } from "../../src/platform/paths";
import { useTendHome } from "../helpers/home";
import { useTempDir } from "../helpers/temp-dir";
import { tend } from "../helpers/tend-cli";

// A home whose socket path would not fit in a unix socket address (108 bytes on Linux).
const t = useTendHome({ killAll: true, stop: true });
const runtime = useTempDir("tend-xdg-");

function longHomeEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { ...t.env, TEND_HOME: path.join(t.home, "d".repeat(100)) };
  delete env.XDG_RUNTIME_DIR;
  return { ...env, ...extra };
}

test("with a home too long for a socket path, the socket lives in XDG_RUNTIME_DIR", async () => {
  const env = longHomeEnv({ XDG_RUNTIME_DIR: runtime() });
  expect((await tend(["bg", "--name", "s", "--", "sleep", "30"], { env })).code).toBe(0);
  const info = JSON.parse(readFileSync(path.join(env.TEND_HOME!, "supervisor.json"), "utf8"));
  expect(path.dirname(info.socket)).toBe(runtime());
  expect(statSync(info.socket).isSocket()).toBe(true);
  const ps = await tend(["ps", "--json"], { env });
  expect(JSON.parse(ps.stdout).processes.map((p: { name: string }) => p.name)).toEqual(["s"]);
  expect((await tend(["kill", "--all"], { env })).code).toBe(0);
  expect((await tend(["stop"], { env })).code).toBe(0);
}, 30_000);

test("a folder planted where the fallback socket goes is one clear line, not a stack fragment", async () => {
  const env = longHomeEnv();
  const fallback = layout(env.TEND_HOME!, env).socket;
  expect(path.dirname(fallback)).not.toBe(env.TEND_HOME);
  mkdirSync(fallback);
  try {
    const bg = await tend(["bg", "--name", "s", "--", "sleep", "30"], { env });
    expect(bg.code).toBe(1);
    expect(bg.stderr.trimEnd().split("\n")).toEqual([
      `tend: cannot listen at ${fallback}: a folder owned by uid ${process.getuid!()} is in the way (remove it, or set XDG_RUNTIME_DIR (or a shorter TEND_HOME) so the socket lives elsewhere)`,
    ]);
  } finally {
    rmSync(fallback, { recursive: true, force: true });
  }
}, 30_000);
