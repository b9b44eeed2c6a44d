import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { TARGETS, hostTarget } from "../../packaging/targets.mjs";
import { SCOPE, makeNpmPackages } from "../../scripts/npm-packages";
import { VERSION } from "../../src/core/version";
import { useTendHome } from "../helpers/home";
import { ROOT, requireBinary } from "../helpers/tend-cli";

/**
 * The npm route as a JavaScript project takes it: the packages scripts/npm-packages.ts makes,
 * published to a real registry (verdaccio, started here on 127.0.0.1 with its storage in a
 * temp folder), then `npm install -D @tend-sh/tend` in a clean project and `npx tend`. This
 * machine's package holds dist/tend; the other platforms' hold stand-ins that must not be
 * installed here.
 */

const target = hostTarget();
const NPM = Bun.which("npm");
const skipWhy = !NPM ? "npm is not on PATH" : !target ? "tend has no release build for this machine" : null;
if (skipWhy) console.warn(`npm-package.test: skipped, ${skipWhy}`);

const t = useTendHome({ prefix: "tend-npm-", perFile: true });
let root: string;
let registry: Bun.Subprocess<"ignore", "pipe", "inherit"> | undefined;
let npmEnv: Record<string, string>;
let project: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

async function run(cmd: string[], cwd: string, env: Record<string, string> = npmEnv): Promise<Run> {
  const started = performance.now();
  const proc = Bun.spawn({ cmd, cwd, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr, ms: Math.round(performance.now() - started) };
}

async function expectOk(cmd: string[], cwd: string, env?: Record<string, string>): Promise<Run> {
  const r = await run(cmd, cwd, env);
  if (r.code !== 0) throw new Error(`${cmd.join(" ")} exited with ${r.code}:\n${r.stderr}${r.stdout}`);
  return r;
}

/** Starts the registry and waits for the port it prints. */
async function startRegistry(folder: string): Promise<string> {
  registry = Bun.spawn({ cmd: ["node", path.join(ROOT, "test", "helpers", "local-registry.mjs"), folder], stdout: "pipe", stderr: "inherit" });
  const reader = registry.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the registry exited before it listened: ${text}`);
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return `http://127.0.0.1:${JSON.parse(text).port}/`;
}

beforeAll(async () => {
  if (skipWhy) return;
  root = mkdtempSync(path.join(os.tmpdir(), "tend-npm-files-"));
  const url = await startRegistry(path.join(root, "registry"));
  // A user of the registry, made as `npm adduser` makes one, for the token that publishes.
  const user = await fetch(`${url}-/user/org.couchdb.user:release`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "release", password: "release-password", type: "user" }),
  });
  const { token } = (await user.json()) as { token: string };
  const host = url.replace(/^http:/, "");
  writeFileSync(path.join(root, "npmrc"), `registry=${url}\n${host}:_authToken=${token}\n`);
  // A private npm configuration and cache: nothing comes from this machine's own.
  npmEnv = {
    ...t.env,
    npm_config_userconfig: path.join(root, "npmrc"),
    npm_config_cache: path.join(root, "npm-cache"),
    npm_config_registry: url,
    npm_config_update_notifier: "false",
    npm_config_audit: "false",
    npm_config_fund: "false",
  };
  delete npmEnv.npm_config_globalconfig;

  const builds = path.join(root, "build");
  for (const other of TARGETS) {
    const dir = path.join(builds, other.platform);
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `tend${other.exe}`);
    if (other === target) copyFileSync(requireBinary(), file);
    else writeFileSync(file, `#!/bin/sh\necho "wrong build: ${other.platform}"\nexit 9\n`, { mode: 0o755 });
  }
  for (const folder of makeNpmPackages(builds, path.join(root, "npm"))) await expectOk([NPM!, "publish", "--access", "public"], folder);

  project = path.join(root, "project");
  mkdirSync(project);
  writeFileSync(path.join(project, "package.json"), `${JSON.stringify({ name: "some-app", version: "1.0.0", private: true }, null, 2)}\n`);
}, 180_000);

afterAll(async () => {
  registry?.kill("SIGTERM");
  await registry?.exited;
  if (root) rmSync(root, { recursive: true, force: true });
});

describe.skipIf(skipWhy !== null)("npm i -D @tend-sh/tend from a registry", () => {
  test("installs the launcher and only this machine's executable; npx tend runs it", async () => {
    const install = await expectOk([NPM!, "install", "--save-dev", `${SCOPE}/tend@${VERSION}`], project);
    console.log(`npm-package.test: npm install of ${SCOPE}/tend from the local registry took ${install.ms} ms`);
    const scope = path.join(project, "node_modules", SCOPE);
    expect(readdirSync(scope).sort()).toEqual(["tend", target!.platform].sort());
    expect(statSync(path.join(scope, target!.platform, "bin", "tend")).mode & 0o111).not.toBe(0);
    expect(existsSync(path.join(project, "node_modules", ".bin", "tend"))).toBe(true);

    const version = await expectOk([NPM!, "exec", "--", "tend", "--version"], project);
    expect(version.stdout).toStartWith(`${VERSION} (`);
    const npx = await expectOk(["npx", "tend", "--version"], project);
    expect(npx.stdout).toBe(version.stdout);
  }, 120_000);

  test("npx tend bg … && npx tend kill --all: a real session, ended; exit codes come through", async () => {
    await expectOk(["npx", "tend", "bg", "--name", "web", "--ready-log", "listening", "--", "sh", "-c", "echo listening; exec sleep 300"], project);
    const status = JSON.parse((await expectOk(["npx", "tend", "status", "--json"], project)).stdout);
    expect(status.processes.map((p: { name: string; state: string }) => `${p.name} ${p.state}`)).toEqual(["web ready"]);
    const kill = await expectOk(["npx", "tend", "kill", "--all"], project);
    expect(kill.stdout + kill.stderr).toContain("killed web");
    await expectOk(["npx", "tend", "stop"], project);
    // A usage error is exit 2 through npx and the launcher.
    const usage = await run(["npx", "tend", "kill"], project);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("give one or more names, or --all");
  }, 60_000);
});
