import { afterAll, beforeAll, expect, test } from "bun:test";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { hostTarget } from "../../packaging/targets.mjs";
import { SCOPE, makeNpmPackages } from "../../scripts/npm-packages";
import { useTendHome, waitFor } from "../helpers/home";
import { FIXTURES } from "../helpers/tend-cli";

/**
 * The launcher of the npm package (`npx tend`) in front of a stand-in executable, laid out in
 * node_modules as npm lays out @tend-sh/tend and this machine's package: the stand-in must see
 * the same arguments, and its exit code or the signal that ended it must come back out; a
 * SIGTERM sent to the launcher alone must reach it.
 */

const target = hostTarget();
const NODE = Bun.which("node");
const skipWhy = !NODE ? "node is not on PATH" : !target || target.os === "win32" ? "no POSIX release build for this machine" : null;
if (skipWhy) console.warn(`npm-launcher test: skipped, ${skipWhy}`);

const t = useTendHome({ prefix: "tend-launcher-" });
let root: string;
let launcher: string;

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "tend-launcher-files-"));
  if (skipWhy) return;
  const builds = path.join(root, "build", target!.platform);
  mkdirSync(builds, { recursive: true });
  cpSync(path.join(FIXTURES, "launcher-stand-in.sh"), path.join(builds, "tend"));
  const packages = path.join(root, "npm");
  makeNpmPackages(path.join(root, "build"), packages);
  const modules = path.join(root, "app", "node_modules", SCOPE);
  cpSync(path.join(packages, "tend"), path.join(modules, "tend"), { recursive: true });
  cpSync(path.join(packages, target!.platform), path.join(modules, target!.platform), { recursive: true });
  launcher = path.join(modules, "tend", "bin", "tend.mjs");
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function start(...args: string[]) {
  return Bun.spawn({ cmd: [NODE!, launcher, ...args], env: t.env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
}

test.skipIf(skipWhy !== null)("the arguments arrive as given", async () => {
  const proc = start("args", "a b", "", "--flag=x", "ü", "*");
  expect(await new Response(proc.stdout).text()).toBe("[args]\n[a b]\n[]\n[--flag=x]\n[ü]\n[*]\n");
  expect(await proc.exited).toBe(0);
});

test.skipIf(skipWhy !== null)("the exit code comes back, and so does the signal that ended the executable", async () => {
  const exit = start("exit", "7");
  expect(await exit.exited).toBe(7);
  const killed = start("kill-self", "TERM");
  await killed.exited;
  expect(killed.signalCode).toBe("SIGTERM");
});

test.skipIf(skipWhy !== null)("a SIGTERM sent to the launcher alone reaches the executable", async () => {
  const ready = path.join(t.home, "ready");
  const got = path.join(t.home, "got");
  const proc = start("trap-term", ready, got);
  await waitFor("the stand-in's trap", () => existsSync(ready));
  proc.kill("SIGTERM");
  expect(await proc.exited).toBe(42);
  expect(readFileSync(got, "utf8")).toBe("got TERM\n");
});

test.skipIf(skipWhy !== null)("without this machine's package: one line saying what is missing and why", async () => {
  rmSync(path.join(root, "app", "node_modules", SCOPE, target!.platform), { recursive: true });
  const proc = start("--version");
  const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  expect(code).toBe(1);
  expect(stderr).toStartWith(`tend: ${SCOPE}/${target!.platform}, the package that holds tend for this machine, is not installed.`);
  expect(stderr.trim().split("\n")).toHaveLength(1);
});
