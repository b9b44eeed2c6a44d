import { expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { findProcessesWithEnvPrefix } from "../../src/platform/marker-scan";
import { freePort } from "../helpers/free-port";
import { useTendHome, waitFor } from "../helpers/home";
import { FIXTURES, ROOT, requireBinary } from "../helpers/tend-cli";

/**
 * The POSIX script of docs/ci.md, taken from the page as it stands, run under dash and
 * cancelled while its tests run, as a CI runner or `timeout` cancels a job: a signal to the
 * script's process group. dash runs no EXIT trap when a signal ends it, so only a script that
 * traps the signal itself ends the sessions it started. `npm` is a stand-in: `run start:api`
 * starts a real HTTP server, `run start:worker` a worker that says it is ready, `test` a test
 * run that goes on until it is stopped. TMPDIR is the test's home, so the script's
 * `mktemp -d` TEND_HOME lies inside it and every process the script started is found by it.
 */

const DASH = Bun.which("dash");
if (!DASH) console.warn("ci-doc-script test: dash is not installed (.ci/run installs it), so it is skipped");

const t = useTendHome({ prefix: "tend-ci-script-" });

function docScript(): string {
  const page = readFileSync(path.join(ROOT, "docs", "ci.md"), "utf8");
  const section = page.slice(page.indexOf("## A plain shell script"));
  const script = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!script) throw new Error('docs/ci.md has no sh block under "## A plain shell script"');
  return script;
}

/** A folder for PATH with the compiled tend and a stand-in npm. */
function toolsIn(dir: string, started: string): string {
  const bin = path.join(dir, "bin");
  mkdirSync(bin);
  symlinkSync(requireBinary(), path.join(bin, "tend"));
  writeFileSync(
    path.join(bin, "npm"),
    `#!/bin/sh
case "$*" in
"run start:api") exec "${process.execPath}" "${path.join(FIXTURES, "http-server.ts")}" ;;
"run start:worker") echo "worker ready"; exec sleep 300 ;;
test) echo "tests running" > "${started}"; exec sleep 300 ;;
*) echo "npm stand-in: unexpected $*" >&2; exit 2 ;;
esac
`,
  );
  chmodSync(path.join(bin, "npm"), 0o755);
  return bin;
}

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  test.skipIf(!DASH)(`cancelled by ${signal} while its tests run, the script leaves no process and no TEND_HOME behind`, async () => {
    const port = await freePort();
    const work = path.join(t.home, "work");
    mkdirSync(work);
    const started = path.join(work, "tests-started");
    // Only the port changes: 3000 may be taken on this machine.
    const script = docScript().replaceAll("127.0.0.1:3000", `127.0.0.1:${port}`);
    writeFileSync(path.join(work, "ci.sh"), script);
    const env: Record<string, string> = {
      PATH: `${toolsIn(work, started)}:/usr/bin:/bin`,
      HOME: process.env.HOME ?? work,
      TMPDIR: t.home,
      PORT: String(port),
      NO_COLOR: "1",
    };
    // detached: the script leads a process group of its own, as a CI step's shell does.
    const proc = Bun.spawn({ cmd: [DASH!, path.join(work, "ci.sh")], cwd: work, env, detached: true, stdout: "pipe", stderr: "pipe" });
    const output = Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
    await waitFor("the tests to start", () => existsSync(started) || proc.exitCode !== null, 30_000);
    expect(proc.exitCode).toBeNull();
    const homes = readdirSync(t.home).filter((n) => n !== "work");
    expect(homes).toHaveLength(1);
    expect(findProcessesWithEnvPrefix("TEND_HOME", path.join(t.home, homes[0]!)).length).toBeGreaterThan(2);

    process.kill(-proc.pid, signal);
    const code = await proc.exited;
    const [stdout, stderr] = await output;
    if (code !== 128 + (signal === "SIGTERM" ? 15 : 2)) console.error(`the script said:\n${stdout}${stderr}`);
    expect(code).toBe(signal === "SIGTERM" ? 143 : 130);
    // Checked at once: the script's own exit must find everything ended, the supervisor too.
    expect(findProcessesWithEnvPrefix("TEND_HOME", t.home).map((p) => p.pid)).toEqual([]);
    expect(readdirSync(t.home)).toEqual(["work"]);
  }, 60_000);
}
