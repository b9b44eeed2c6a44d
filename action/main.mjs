// The action's main step: installs tend, puts it on PATH, and gives the job a TEND_HOME of its
// own, so the post step's `tend kill --all` ends this job's processes and no one else's.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { hostLibc, hostTarget, TARGETS } from "../packaging/targets.mjs";
import { installTend } from "./install.mjs";
import { addPath, exportVariable, fail, input, saveState, setOutput } from "./runner.mjs";

const RELEASES = "https://github.com/tend-sh/tend/releases/download";

/** The version of this checkout of the action: `uses: tend-sh/tend@v0.2.0` installs tend 0.2.0. */
function ownVersion() {
  return JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version;
}

/** @param {string} name */
function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: this runs as a step of a GitHub Actions job`);
  return value;
}

async function main() {
  const version = (input("version") || ownVersion()).replace(/^v/, "");
  const target = hostTarget();
  if (!target) {
    const here = `${process.platform}-${process.arch}${hostLibc() === "musl" ? "-musl" : ""}`;
    throw new Error(`tend has no build for this runner (${here}); builds exist for ${TARGETS.map((t) => t.platform).join(", ")}`);
  }
  const downloadUrl = (input("download-url") || `${RELEASES}/v${version}`).replace(/\/+$/, "");
  const started = performance.now();
  const { dir, executable, cached } = await installTend({
    version,
    target,
    downloadUrl,
    toolCache: required("RUNNER_TOOL_CACHE"),
    temp: required("RUNNER_TEMP"),
  });
  let says;
  try {
    says = execFileSync(executable, ["--version"], { encoding: "utf8" }).trim();
  } catch (error) {
    const hint = target.libc === "musl" ? " On Alpine it needs libstdc++ (apk add libstdc++)." : "";
    throw new Error(`${executable} is installed but does not run here: ${/** @type {Error} */ (error).message.trim()}.${hint}`);
  }
  const ms = Math.round(performance.now() - started);
  console.log(`tend ${says}, ${cached ? "from the tool cache" : `downloaded from ${downloadUrl} and verified`} in ${ms} ms: ${dir}`);

  addPath(dir);
  let home = process.env.TEND_HOME;
  if (!home) {
    // RUNNER_TEMP is the job's own and emptied after it: parallel jobs on one runner never meet.
    home = path.join(required("RUNNER_TEMP"), "tend");
    exportVariable("TEND_HOME", home);
  }
  saveState("executable", executable);
  saveState("home", home);
  setOutput("version", version);
  setOutput("path", dir);
  setOutput("cache-hit", String(cached));
}

main().catch((error) => fail(error.message));
