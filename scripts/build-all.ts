// Cross-compiles tend for every release target: the executables into dist/build/<platform>/
// (which scripts/npm-packages.ts packs for npm), their archives into dist/release/ with a
// SHA256SUMS that `sha256sum -c` checks and scripts/install.sh and the GitHub Action read. The
// target runtimes come from the npm registry the first time (Bun caches them in
// ~/.bun/install/cache).
import { copyFileSync, mkdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import pkg from "../package.json" with { type: "json" };
import { TARGETS, archiveName } from "../packaging/targets.mjs";
import { packArchive } from "./archive";
import { ROOT, compileTend, gitCommit, gitCommitTime } from "./build-options";

const version = pkg.version;
// A release must carry the version its tag promises, or the installer's file names lie.
if (process.env.GITHUB_REF_TYPE === "tag" && process.env.GITHUB_REF_NAME !== `v${version}`) {
  console.error(`tag ${process.env.GITHUB_REF_NAME} does not match package.json version ${version} (expected v${version})`);
  process.exit(1);
}

const buildDir = path.join(ROOT, "dist", "build");
const outDir = path.join(ROOT, "dist", "release");
// Start empty so SHA256SUMS never lists a file left over from an older version.
for (const dir of [buildDir, outDir]) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

/** The SHA-256 of a file in hex, read in chunks. */
async function sha256File(file: string): Promise<string> {
  const hasher = new Bun.CryptoHasher("sha256");
  for await (const chunk of Bun.file(file).stream()) hasher.update(chunk);
  return hasher.digest("hex");
}

const mib = (file: string) => (statSync(file).size / 2 ** 20).toFixed(1).padStart(6);
const [commit, mtime] = await Promise.all([gitCommit(), gitCommitTime()]);
const packed: Promise<string>[] = [];
for (const target of TARGETS) {
  const started = performance.now();
  const binary = await compileTend({ outfile: path.join(buildDir, target.platform, "tend"), commit, target: `bun-${target.platform}` as Bun.Build.CompileTarget }).catch(
    (error: Error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
  const compiledMs = Math.round(performance.now() - started);
  // Packing runs beside the next compile: gzip -9 of ~100 MB takes seconds.
  const archive = path.join(outDir, archiveName(version, target));
  packed.push(
    packArchive(binary, target, archive, { mtime, level: 9 }).then(() => {
      console.log(`${target.platform.padEnd(15)} ${mib(binary)} MiB, compiled in ${compiledMs} ms; ${path.basename(archive).padEnd(33)} ${mib(archive)} MiB`);
      return archive;
    }),
  );
}
const archives = await Promise.all(packed);

// Published next to the archives so its one-line install fetches the installer of the same release.
const installer = path.join(outDir, "install.sh");
copyFileSync(path.join(ROOT, "scripts", "install.sh"), installer);
const sums = await Promise.all([...archives, installer].map(async (file) => `${await sha256File(file)}  ${path.basename(file)}\n`));
await Bun.write(path.join(outDir, "SHA256SUMS"), sums.join(""));
console.log(`wrote ${path.relative(process.cwd(), outDir)}/SHA256SUMS (${commit})`);
