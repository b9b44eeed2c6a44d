import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { compileTend } from "../../scripts/build-options";
import { ROOT } from "../helpers/tend-cli";

/**
 * The linux-arm64 release binary, cross-compiled and run under qemu user-mode emulation
 * through scripts/smoke-test.sh. Needs qemu-aarch64 and an arm64 glibc (Debian:
 * `apt-get install qemu-user libc6-arm64-cross`); CI machines usually have neither, so there
 * it is skipped.
 */

const QEMU = Bun.which("qemu-aarch64");
// Where the arm64 loader and libc live: the cross package's folder, or a multiarch system's own.
const SYSROOT = ["/usr/aarch64-linux-gnu", "/"].find((dir) => existsSync(path.join(dir, "lib", "ld-linux-aarch64.so.1")));
const skipWhy =
  process.platform !== "linux" || process.arch !== "x64"
    ? "it runs on linux-x64 hosts only"
    : !QEMU
      ? "qemu-aarch64 is not on PATH"
      : !SYSROOT
        ? "no arm64 glibc (ld-linux-aarch64.so.1) is installed"
        : null;
if (skipWhy) console.warn(`arm64-smoke.test: skipped, ${skipWhy}`);

const dir = mkdtempSync(path.join(os.tmpdir(), "tend-arm64-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test.skipIf(skipWhy !== null)("the linux-arm64 binary passes the smoke test under qemu", async () => {
  const binary = await compileTend({ outfile: path.join(dir, "tend-linux-arm64"), commit: "arm64-test", target: "bun-linux-arm64" });
  const proc = Bun.spawn({
    cmd: ["sh", path.join(ROOT, "scripts", "smoke-test.sh"), binary],
    env: { ...process.env, TEND_SMOKE_EMULATOR: QEMU!, QEMU_LD_PREFIX: SYSROOT!, TMPDIR: dir },
    stdout: "pipe",
    stderr: "pipe",
  });
  // Before the test's own timeout, so the script's trap still stops what it started.
  const timer = setTimeout(() => proc.kill("SIGTERM"), 45_000);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  expect(stderr).toBe("");
  expect(code).toBe(0);
  expect(stdout).toContain('"arch":"arm64","target":"bun-linux-arm64"');
  expect(stdout).toContain("ok: start / SIGTERM");
  expect(stdout).toContain("smoke: all rounds passed");
}, 60_000);
