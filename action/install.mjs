// Puts one tend release into the runner's tool cache, RUNNER_TOOL_CACHE/tend/<version>/<arch>,
// as actions/tool-cache lays it out: a folder and, once it is whole, a `<arch>.complete` file
// beside it. A folder without that file is a half-done install and is done again.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { archiveName } from "../packaging/targets.mjs";

const run = promisify(execFile);

/**
 * @typedef {import("../packaging/targets.mjs").Target} Target
 * @typedef {{ version: string, target: Target, downloadUrl: string, toolCache: string, temp: string }} Request
 * @typedef {{ dir: string, executable: string, cached: boolean }} Installed
 */

/**
 * The tool cache's arch folder: the CPU, and the C library where two builds share one CPU
 * (a musl container job and its glibc host share the cache).
 * @param {Target} target
 */
function archFolder(target) {
  return target.platform.slice(target.platform.indexOf("-") + 1);
}

/** @param {string} url */
async function download(url) {
  let response;
  try {
    response = await fetch(url);
  } catch (error) {
    const cause = /** @type {{ cause?: { message?: string } }} */ (error).cause;
    throw new Error(`could not download ${url}: ${cause?.message ?? /** @type {Error} */ (error).message}`);
  }
  if (!response.ok) throw new Error(`could not download ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * The SHA-256 that a SHA256SUMS lists for `name` (`<hex>  <name>`, or `<hex> *<name>`).
 * @param {string} sums
 * @param {string} name
 */
function listedSum(sums, name) {
  for (const line of sums.split(/\r?\n/)) {
    const match = /^([0-9a-f]{64}) [ *](.+)$/i.exec(line.trim());
    if (match?.[2] === name) return match[1]?.toLowerCase();
  }
  return undefined;
}

/**
 * Unpacks the archive's one executable into `dir`, with the system's tar: GNU or bsdtar for
 * .tar.gz, and Windows' own bsdtar for .zip (Git's GNU tar, first on PATH there, reads no zip).
 * @param {string} archive
 * @param {string} dir
 * @param {Target} target
 */
async function unpack(archive, dir, target) {
  const windows = target.os === "win32";
  const tar = windows ? path.join(process.env.SystemRoot ?? "C:\\Windows", "System32", "tar.exe") : "tar";
  try {
    await run(tar, [windows ? "-xf" : "-xzf", archive, "-C", dir, `tend${target.exe}`]);
  } catch (error) {
    const why = /** @type {{ stderr?: string, message: string }} */ (error);
    throw new Error(`could not unpack ${path.basename(archive)}: ${(why.stderr || why.message).trim()}`);
  }
}

/**
 * Installs the release unless the tool cache holds it already.
 * @param {Request} request
 * @returns {Promise<Installed>}
 */
export async function installTend({ version, target, downloadUrl, toolCache, temp }) {
  const dir = path.join(toolCache, "tend", version, archFolder(target));
  const executable = path.join(dir, `tend${target.exe}`);
  const complete = `${dir}.complete`;
  if (existsSync(complete) && existsSync(executable)) return { dir, executable, cached: true };

  const name = archiveName(version, target);
  const sums = new TextDecoder().decode(await download(`${downloadUrl}/SHA256SUMS`));
  const expected = listedSum(sums, name);
  if (!expected) throw new Error(`${downloadUrl}/SHA256SUMS lists no ${name}: is ${version} a tend release, with a build for ${target.platform}?`);
  const archive = await download(`${downloadUrl}/${name}`);
  const actual = createHash("sha256").update(archive).digest("hex");
  if (actual !== expected) {
    throw new Error(`checksum mismatch for ${name}: SHA256SUMS says ${expected}, the download is ${actual}. Nothing was installed; the file is corrupt or was tampered with.`);
  }

  const work = mkdtempSync(path.join(temp, "tend-"));
  // Unpacked beside its final place, so the rename below stays on one file system.
  mkdirSync(path.dirname(dir), { recursive: true });
  const staged = mkdtempSync(`${dir}.partial-`);
  try {
    const file = path.join(work, name);
    writeFileSync(file, archive);
    await unpack(file, staged, target);
    if (!existsSync(path.join(staged, `tend${target.exe}`))) throw new Error(`${name} holds no tend${target.exe}`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(staged, dir);
    writeFileSync(complete, "");
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(staged, { recursive: true, force: true });
  }
  return { dir, executable, cached: false };
}
