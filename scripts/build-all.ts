// Cross-compiles the release executables into dist/release, with a SHA256SUMS that
// `sha256sum -c` checks and scripts/install.sh reads. The target runtimes come from the npm
// registry the first time (Bun caches them in ~/.bun/install/cache).
import { copyFileSync, mkdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import pkg from "../package.json" with { type: "json" };
import { ROOT, compileTend, gitCommit } from "./build-options";

// The suffixes are the platform names scripts/install.sh looks for: keep the two in step.
const TARGETS: { platform: string; target: Bun.Build.CompileTarget; exe?: string }[] = [
  { platform: "linux-x64", target: "bun-linux-x64" },
  { platform: "linux-arm64", target: "bun-linux-arm64" },
  { platform: "linux-x64-musl", target: "bun-linux-x64-musl" },
  { platform: "darwin-x64", target: "bun-darwin-x64" },
  { platform: "darwin-arm64", target: "bun-darwin-arm64" },
  { platform: "windows-x64", target: "bun-windows-x64", exe: ".exe" },
];

const version = pkg.version;
// A release must carry the version its tag promises, or the installer's file names lie.
if (process.env.GITHUB_REF_TYPE === "tag" && process.env.GITHUB_REF_NAME !== `v${version}`) {
  console.error(`tag ${process.env.GITHUB_REF_NAME} does not match package.json version ${version} (expected v${version})`);
  process.exit(1);
}

const outDir = path.join(ROOT, "dist", "release");
// Start empty so SHA256SUMS never lists a binary left over from an older version.
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

async function sha256(file: string): Promise<string> {
  const hasher = new Bun.CryptoHasher("sha256");
  for await (const chunk of Bun.file(file).stream()) hasher.update(chunk);
  return hasher.digest("hex");
}

const commit = await gitCommit();
const sums: string[] = [];
for (const { platform, target, exe = "" } of TARGETS) {
  const name = `tend-${version}-${platform}${exe}`;
  const started = performance.now();
  const file = await compileTend({ outfile: path.join(outDir, name), commit, target }).catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
  const mib = (statSync(file).size / 2 ** 20).toFixed(1);
  console.log(`${name.padEnd(32)} ${mib.padStart(6)} MiB  ${target.padEnd(20)} ${Math.round(performance.now() - started)} ms`);
  sums.push(`${await sha256(file)}  ${path.basename(file)}\n`);
}

// Published next to the binaries so its one-line install fetches the installer of the same release.
copyFileSync(path.join(ROOT, "scripts", "install.sh"), path.join(outDir, "install.sh"));
sums.push(`${await sha256(path.join(outDir, "install.sh"))}  install.sh\n`);

await Bun.write(path.join(outDir, "SHA256SUMS"), sums.join(""));
console.log(`wrote ${path.relative(process.cwd(), outDir)}/SHA256SUMS (${commit})`);
