import { $ } from "bun";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { hostTarget } from "../../packaging/targets.mjs";
import { VERSION } from "../../src/core/version";
import { archiveOf, hostArchive, serveFiles, writeRelease, type FileServer } from "../helpers/release-files";
import { ROOT } from "../helpers/tend-cli";

/**
 * scripts/install.sh against releases served from a temp folder over local HTTP. Stand-in
 * binaries, packed as release archives, are shell scripts that say which build they are; one
 * release holds the real dist/tend, to install and run it as a user would.
 */

const INSTALLER = path.join(ROOT, "scripts", "install.sh");
const FAKE_VERSION = "9.9.9";
const PLATFORMS = ["linux-x64", "linux-arm64", "linux-x64-musl", "darwin-x64", "darwin-arm64"];
const SHELLS = ["sh", "dash", "bash"].filter((s) => Bun.which(s));
const HAS_WGET = Bun.which("wget") !== null;
const HAS_SHASUM = Bun.which("shasum") !== null;
if (!HAS_WGET) console.warn("installer.test: wget is not installed, so the wget download case is skipped");

let root: string;
let server: FileServer;

function fakeBinary(platform: string): string {
  return `#!/bin/sh\necho "fake tend ${platform}"\n`;
}

/** A stand-in binary (a script saying which build it is) packed as the release archive of `platform`. */
async function fakeArchive(platform: string, script = fakeBinary(platform)): Promise<Uint8Array> {
  const file = path.join(mkdtempSync(path.join(root, "script-")), "script");
  writeFileSync(file, script, { mode: 0o755 });
  return archiveOf(root, platform, file);
}

/** A gzipped tar that holds a file other than tend. */
async function archiveWithoutTend(): Promise<Uint8Array> {
  const dir = mkdtempSync(path.join(root, "pack-"));
  writeFileSync(path.join(dir, "other"), fakeBinary("linux-x64"), { mode: 0o755 });
  return new Uint8Array(await $`tar -C ${dir} -czf - other`.arrayBuffer());
}

function writeReleaseFolder(name: string, files: Record<string, string | Uint8Array>, sums?: Record<string, string | Uint8Array>): void {
  writeRelease(path.join(root, "releases", name), files, sums);
}

/** This machine as the installer should name it, or null where it has no build. */
function hostPlatform(): string | null {
  const platform = hostTarget()?.platform;
  return platform && PLATFORMS.includes(platform) ? platform : null;
}

/** A PATH holding everything the current one does except the named commands. */
function pathWithout(...hidden: string[]): string {
  const shadow = mkdtempSync(path.join(root, "path-"));
  const seen = new Set(hidden);
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (seen.has(name)) continue;
      seen.add(name);
      symlinkSync(path.join(dir, name), path.join(shadow, name));
    }
  }
  return shadow;
}

interface Install {
  code: number;
  stdout: string;
  stderr: string;
  bin: string;
  tmp: string;
}

interface InstallOptions {
  release: string;
  env?: Record<string, string>;
  shell?: string;
  pipe?: boolean;
  /** Install again into the folders of an earlier run. */
  over?: Install;
}

async function install(opts: InstallOptions): Promise<Install> {
  let { bin, tmp } = opts.over ?? {};
  if (!bin || !tmp) {
    const run = mkdtempSync(path.join(root, "run-"));
    bin = path.join(run, "bin");
    tmp = path.join(run, "tmp");
    mkdirSync(bin);
    mkdirSync(tmp);
  }
  const shell = opts.shell ?? "sh";
  const proc = Bun.spawn({
    // Piped as in `curl … | sh`, or run as a file.
    cmd: opts.pipe ? [shell, "-s"] : [shell, INSTALLER],
    stdin: opts.pipe ? Bun.file(INSTALLER) : "ignore",
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: path.dirname(bin),
      TMPDIR: tmp,
      TEND_INSTALL_DIR: bin,
      TEND_INSTALL_BASE: `${server.url}releases/${opts.release}`,
      ...opts.env,
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr, bin, tmp };
}

async function runInstalled(file: string): Promise<string> {
  const proc = Bun.spawn({ cmd: [file, "--version"], stdout: "pipe", stderr: "inherit" });
  const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  expect(code).toBe(0);
  return out.trim();
}

const LINUX_X64 = { TEND_INSTALL_UNAME_S: "Linux", TEND_INSTALL_UNAME_M: "x86_64", TEND_INSTALL_LIBC: "glibc" };

function expectNothingInstalled(r: Install): void {
  expect(readdirSync(r.bin)).toEqual([]);
  expect(readdirSync(r.tmp)).toEqual([]);
}

const LINUX_X64_ARCHIVE = `tend-${FAKE_VERSION}-linux-x64.tar.gz`;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), "tend-installer-"));
  const files: Record<string, string | Uint8Array> = { "install.sh": readFileSync(INSTALLER, "utf8") };
  for (const p of PLATFORMS) files[`tend-${FAKE_VERSION}-${p}.tar.gz`] = await fakeArchive(p);
  // Never downloaded here: it only has to be listed, as in a real release.
  files[`tend-${FAKE_VERSION}-windows-x64.zip`] = "PK";
  writeReleaseFolder("good", files);
  writeReleaseFolder("tampered", { ...files, [LINUX_X64_ARCHIVE]: await fakeArchive("linux-x64", `${fakeBinary("linux-x64")}echo tampered\n`) }, files);
  // Archives whose checksums match but that cannot give a tend: not gzip, and no tend inside.
  writeReleaseFolder("not-gzip", { ...files, [LINUX_X64_ARCHIVE]: fakeBinary("linux-x64") });
  writeReleaseFolder("no-tend", { ...files, [LINUX_X64_ARCHIVE]: await archiveWithoutTend() });
  server = serveFiles(root);
});

afterAll(async () => {
  await server?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("a good download", () => {
  for (const shell of SHELLS) {
    test(`installs the latest build for the platform and it runs (${shell}, script piped in)`, async () => {
      const r = await install({ release: "good", shell, pipe: true, env: LINUX_X64 });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const tend = path.join(r.bin, "tend");
      expect(statSync(tend).mode & 0o777).toBe(0o755);
      expect(await runInstalled(tend)).toBe("fake tend linux-x64");
      expect(r.stdout).toContain(`Installed tend from ${LINUX_X64_ARCHIVE} to ${tend}`);
      expect(r.stdout).toContain(`export PATH="${r.bin}:$PATH"`);
      expect(readdirSync(r.bin)).toEqual(["tend"]);
      expect(readdirSync(r.tmp)).toEqual([]);
    });
  }

  test("picks the build of each supported platform", async () => {
    const cases: [Record<string, string>, string][] = [
      [LINUX_X64, "linux-x64"],
      [{ TEND_INSTALL_UNAME_S: "Linux", TEND_INSTALL_UNAME_M: "amd64", TEND_INSTALL_LIBC: "musl" }, "linux-x64-musl"],
      [{ TEND_INSTALL_UNAME_S: "Linux", TEND_INSTALL_UNAME_M: "aarch64", TEND_INSTALL_LIBC: "glibc" }, "linux-arm64"],
      [{ TEND_INSTALL_UNAME_S: "Darwin", TEND_INSTALL_UNAME_M: "x86_64" }, "darwin-x64"],
      [{ TEND_INSTALL_UNAME_S: "Darwin", TEND_INSTALL_UNAME_M: "arm64", TEND_VERSION: `v${FAKE_VERSION}` }, "darwin-arm64"],
    ];
    const results = await Promise.all(cases.map(([env]) => install({ release: "good", env })));
    for (const [i, r] of results.entries()) {
      expect(r.stderr).toBe("");
      expect(await runInstalled(path.join(r.bin, "tend"))).toBe(`fake tend ${cases[i]![1]}`);
    }
  });

  test.skipIf(!HAS_WGET)("downloads with wget when curl is missing", async () => {
    const before = server.requests.length;
    const r = await install({ release: "good", env: { ...LINUX_X64, PATH: pathWithout("curl") } });
    expect(r.stderr).toBe("");
    expect(await runInstalled(path.join(r.bin, "tend"))).toBe("fake tend linux-x64");
    const made = server.requests.slice(before);
    expect(made.length).toBe(2);
    for (const { agent } of made) expect(agent).toStartWith("Wget/");
  });

  test.skipIf(!HAS_SHASUM)("verifies with shasum when sha256sum is missing", async () => {
    const r = await install({ release: "good", env: { ...LINUX_X64, PATH: pathWithout("sha256sum") } });
    expect(r.stderr).toBe("");
    expect(await runInstalled(path.join(r.bin, "tend"))).toBe("fake tend linux-x64");
  });

  test.skipIf(hostPlatform() === null)("installs the real tend for this machine, detected without test hooks", async () => {
    const archive = (await hostArchive(root))!;
    writeReleaseFolder("real", { [archive.name]: archive.bytes });

    const r = await install({ release: "real" });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(await runInstalled(path.join(r.bin, "tend"))).toStartWith(`${VERSION} (`);
    expect(r.stdout).toContain(`tend ${VERSION} (`);
    // Packing and unpacking ~100 MB takes a few seconds on a busy machine.
  }, 30_000);
});

describe("refused", () => {
  test("a tampered binary: checksum mismatch, nothing installed, no temp files left", async () => {
    const r = await install({ release: "tampered", env: LINUX_X64 });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`checksum mismatch for ${LINUX_X64_ARCHIVE}`);
    expect(r.stderr).toContain("Nothing was installed");
    expectNothingInstalled(r);
  });

  test("a tampered binary leaves an installed tend as it was", async () => {
    const first = await install({ release: "good", env: LINUX_X64 });
    expect(first.code).toBe(0);
    const again = await install({ release: "tampered", env: LINUX_X64, over: first });
    expect(again.code).not.toBe(0);
    expect(readdirSync(first.bin)).toEqual(["tend"]);
    expect(await runInstalled(path.join(first.bin, "tend"))).toBe("fake tend linux-x64");
    expect(readdirSync(first.tmp)).toEqual([]);
  });

  test("an archive that is not gzip, or holds no tend: nothing installed", async () => {
    const [notGzip, noTend] = await Promise.all([install({ release: "not-gzip", env: LINUX_X64 }), install({ release: "no-tend", env: LINUX_X64 })]);
    for (const r of [notGzip, noTend]) {
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`tend install: could not unpack ${LINUX_X64_ARCHIVE} (tar failed)`);
      expectNothingInstalled(r);
    }
  });

  test("a pinned version the release does not have", async () => {
    const r = await install({ release: "good", env: { ...LINUX_X64, TEND_VERSION: "1.2.3" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("lists no tend 1.2.3 build for linux-x64");
    expectNothingInstalled(r);
  });

  test("a release folder that does not exist", async () => {
    const r = await install({ release: "missing", env: LINUX_X64 });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("could not download");
    expectNothingInstalled(r);
  });

  test("unsupported platforms, each with a clear message", async () => {
    const cases: Record<string, string>[] = [
      { TEND_INSTALL_UNAME_S: "FreeBSD", TEND_INSTALL_UNAME_M: "amd64" },
      { TEND_INSTALL_UNAME_S: "Linux", TEND_INSTALL_UNAME_M: "riscv64" },
      { TEND_INSTALL_UNAME_S: "Linux", TEND_INSTALL_UNAME_M: "aarch64", TEND_INSTALL_LIBC: "musl" },
      { TEND_INSTALL_UNAME_S: "MINGW64_NT-10.0-19045", TEND_INSTALL_UNAME_M: "x86_64" },
    ];
    const results = await Promise.all(cases.map((env) => install({ release: "good", env })));
    for (const r of results) {
      expect(r.code).toBe(1);
      expect(r.stderr).toStartWith("tend install: this platform is not supported: ");
      expectNothingInstalled(r);
    }
    expect(results[3]!.stderr).toContain("windows-x64.zip");
  });
});
