import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { archiveName, hostTarget } from "../../packaging/targets.mjs";
import { findProcessesWithEnvPrefix } from "../../src/platform/marker-scan";
import { VERSION } from "../../src/core/version";
import { useTendHome, waitFor } from "../helpers/home";
import { hostArchive, serveFiles, writeRelease, type FileServer } from "../helpers/release-files";
import { ROOT } from "../helpers/tend-cli";

/**
 * The GitHub Action (action.yml) run as the runner runs it: `node action/main.mjs`, later
 * `node action/post.mjs`, with the runner's environment (INPUT_*, RUNNER_*, the GITHUB_* command
 * files) and the release served from 127.0.0.1. Each test's RUNNER_TEMP is a private test home,
 * so the TEND_HOME the action picks (RUNNER_TEMP/tend) is checked for leftovers after it.
 */

const MAIN = path.join(ROOT, "action", "main.mjs");
const POST = path.join(ROOT, "action", "post.mjs");
const NODE = Bun.which("node");
const target = hostTarget();
const skipWhy = !NODE ? "node is not on PATH" : !target ? "tend has no release build for this machine" : null;
if (skipWhy) console.warn(`github-action.test: skipped, ${skipWhy}`);

const t = useTendHome({ prefix: "tend-action-" });
let root: string;
let server: FileServer;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), "tend-action-files-"));
  if (skipWhy) return;
  const archive = (await hostArchive(root))!;
  writeRelease(path.join(root, "good"), { [archive.name]: archive.bytes });
  writeRelease(path.join(root, "tampered"), { [archive.name]: archive.bytes }, { [archive.name]: "some other archive" });
  server = serveFiles(root);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

/** The values a step wrote to a command file (`name<<delimiter` blocks, or `name=value` lines). */
function commandValues(file: string): Record<string, string> {
  const values: Record<string, string> = {};
  if (!existsSync(file)) return values;
  const lines = readFileSync(file, "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]!);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      values[heredoc[1]!] = lines.slice(i + 1, end).join("\n");
      i = end;
    } else if (lines[i]!.includes("=")) {
      const [name, ...rest] = lines[i]!.split("=");
      values[name!] = rest.join("=");
    }
  }
  return values;
}

interface Job {
  toolCache: string;
  files: { path: string; output: string; state: string; env: string };
}

function newJob(toolCache = mkdtempSync(path.join(root, "toolcache-"))): Job {
  const dir = mkdtempSync(path.join(root, "job-"));
  const file = (name: string) => path.join(dir, name);
  return { toolCache, files: { path: file("path"), output: file("output"), state: file("state"), env: file("env") } };
}

interface StepResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs one step of the action with node, as the runner would, in job `job`. */
async function step(script: string, job: Job, inputs: Record<string, string>): Promise<StepResult> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? os.homedir(),
    NO_COLOR: "1",
    GITHUB_ACTIONS: "true",
    RUNNER_OS: { linux: "Linux", darwin: "macOS", win32: "Windows" }[process.platform as string] ?? process.platform,
    RUNNER_ARCH: process.arch.toUpperCase(),
    RUNNER_TOOL_CACHE: job.toolCache,
    RUNNER_TEMP: t.home,
    GITHUB_PATH: job.files.path,
    GITHUB_OUTPUT: job.files.output,
    GITHUB_STATE: job.files.state,
    GITHUB_ENV: job.files.env,
    // What the runner gives every input left out of `with:`: its default.
    INPUT_VERSION: "",
    "INPUT_DOWNLOAD-URL": "",
    "INPUT_JOB-STATUS": "success",
    ...inputs,
  };
  if (script === POST) {
    // The post step sees what earlier steps exported, and what main saved as STATE_<name>.
    Object.assign(env, commandValues(job.files.env));
    for (const [name, value] of Object.entries(commandValues(job.files.state))) env[`STATE_${name}`] = value;
  }
  const started = performance.now();
  const proc = Bun.spawn({ cmd: [NODE!, script], env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr, ms: Math.round(performance.now() - started) };
}

const from = (release: string) => ({ "INPUT_DOWNLOAD-URL": `${server.url}${release}` });
const cacheDir = (job: Job) => path.join(job.toolCache, "tend", VERSION, target!.platform.replace(/^[a-z]+-/, ""));

/** Runs the installed tend with the job's environment, as a later step of the job would. */
async function tendStep(job: Job, args: string[]): Promise<{ code: number; stdout: string }> {
  const dir = readFileSync(job.files.path, "utf8").trim();
  const proc = Bun.spawn({
    cmd: [path.join(dir, "tend"), ...args],
    env: { ...t.env, ...commandValues(job.files.env), PATH: `${dir}:${process.env.PATH}` },
    stdout: "pipe",
    stderr: "inherit",
  });
  const [stdout, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  return { code, stdout };
}

describe.skipIf(skipWhy !== null)("main", () => {
  test("a cold install downloads and verifies the archive, caches tend and puts it on PATH", async () => {
    const job = newJob();
    const r = await step(MAIN, job, from("good"));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const dir = cacheDir(job);
    expect(readFileSync(job.files.path, "utf8")).toBe(`${dir}\n`);
    expect(existsSync(`${dir}.complete`)).toBe(true);
    expect(commandValues(job.files.output)).toEqual({ version: VERSION, path: dir, "cache-hit": "false" });
    expect(commandValues(job.files.env)).toEqual({ TEND_HOME: path.join(t.home, "tend") });
    expect(r.stdout).toContain(`downloaded from ${server.url}good and verified`);
    expect((await tendStep(job, ["--version"])).stdout).toStartWith(`${VERSION} (`);
    // Nothing of the download is left in RUNNER_TEMP.
    expect(readdirSync(t.home)).toEqual([]);
  });

  test("a later job on the runner takes tend from the tool cache, with no download", async () => {
    const first = newJob();
    const cold = await step(MAIN, first, from("good"));
    expect(cold.code).toBe(0);
    const before = server.requests.length;
    // From a folder that does not exist: any download would fail the step.
    const later = newJob(first.toolCache);
    const cached = await step(MAIN, later, from("missing"));
    expect(cached.stderr).toBe("");
    expect(cached.code).toBe(0);
    expect(server.requests.length).toBe(before);
    expect(cached.stdout).toContain("from the tool cache");
    expect(commandValues(later.files.output)["cache-hit"]).toBe("true");
    expect(readFileSync(later.files.path, "utf8")).toBe(`${cacheDir(first)}\n`);
    console.log(`github-action.test: main step, cold install ${cold.ms} ms, from the tool cache ${cached.ms} ms`);
  }, 30_000);

  test("a checksum mismatch is refused: an error, nothing cached, nothing on PATH", async () => {
    const job = newJob();
    const r = await step(MAIN, job, from("tampered"));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`::error title=tend::checksum mismatch for ${archiveName(VERSION, target!)}`);
    expect(r.stdout).toContain("Nothing was installed");
    expect(existsSync(job.files.path)).toBe(false);
    expect(existsSync(job.files.output)).toBe(false);
    expect(readdirSync(job.toolCache)).toEqual([]);
    expect(readdirSync(t.home)).toEqual([]);
  });
});

describe.skipIf(skipWhy !== null)("post", () => {
  const home = () => path.join(t.home, "tend");
  const running = () => findProcessesWithEnvPrefix("TEND_HOME", home()).map((p) => p.pid);

  /** A job that installed tend and started a server that runs and one that crashed. */
  async function jobWithSessions(): Promise<Job> {
    const job = newJob();
    expect((await step(MAIN, job, from("good"))).code).toBe(0);
    expect((await tendStep(job, ["bg", "--name", "api", "--", "sh", "-c", "echo api listening; exec sleep 300"])).code).toBe(0);
    expect((await tendStep(job, ["bg", "--name", "crasher", "--", "sh", "-c", "echo crashing now; exit 3"])).code).toBe(0);
    await waitFor("crasher to exit", async () => {
      const status = JSON.parse((await tendStep(job, ["status", "--json"])).stdout);
      return status.processes.some((p: { name: string; state: string }) => p.name === "crasher" && p.state !== "starting" && p.state !== "running");
    });
    return job;
  }

  for (const status of ["failure", "cancelled"]) {
    test(`after a job that ended in ${status}: the crashed process's log in a fold, then nothing runs`, async () => {
      const job = await jobWithSessions();
      expect(running().length).toBeGreaterThan(1);
      const r = await step(POST, job, { "INPUT_JOB-STATUS": status });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("::group::crasher (exit 3)\ncrashing now\n::endgroup::\n");
      expect(r.stdout).not.toContain("api listening");
      expect(running()).toEqual([]);
    }, 30_000);
  }

  test("after a job that succeeded: no logs, and nothing runs", async () => {
    const job = await jobWithSessions();
    const r = await step(POST, job, { "INPUT_JOB-STATUS": "success" });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("::group::");
    expect(r.stdout).not.toContain("crashing now");
    expect(running()).toEqual([]);
  }, 30_000);

  test("after a main step that failed, there is nothing to end", async () => {
    const job = newJob();
    expect((await step(MAIN, job, from("tampered"))).code).toBe(1);
    const r = await step(POST, job, { "INPUT_JOB-STATUS": "failure" });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("tend was not installed in this job, so there is nothing to end\n");
  });
});
