// The machines tend is released for, under the names its release files and npm packages
// carry. Plain JavaScript with no imports, because three kinds of code read it: the build
// scripts (Bun), the GitHub Action (the runner's Node, straight from a checkout) and the npm
// launcher (the user's Node, copied into the package). scripts/install.sh keeps its own copy
// of the names: keep the two in step.

/**
 * @typedef {object} Target
 * @property {string} platform the name in release files and npm packages: "linux-x64-musl"
 * @property {NodeJS.Platform} os as `process.platform` and npm's `os` field say it
 * @property {"x64" | "arm64"} cpu as `process.arch` and npm's `cpu` field say it
 * @property {"glibc" | "musl"} [libc] Linux only, as npm's `libc` field says it
 * @property {string} exe the executable's suffix: ".exe" on Windows
 */

/** @type {readonly Target[]} */
export const TARGETS = [
  { platform: "linux-x64", os: "linux", cpu: "x64", libc: "glibc", exe: "" },
  { platform: "linux-arm64", os: "linux", cpu: "arm64", libc: "glibc", exe: "" },
  { platform: "linux-x64-musl", os: "linux", cpu: "x64", libc: "musl", exe: "" },
  { platform: "darwin-x64", os: "darwin", cpu: "x64", exe: "" },
  { platform: "darwin-arm64", os: "darwin", cpu: "arm64", exe: "" },
  { platform: "windows-x64", os: "win32", cpu: "x64", exe: ".exe" },
];

/** The C library this Linux runs on; undefined on other systems. */
export function hostLibc() {
  if (process.platform !== "linux") return undefined;
  // Only a glibc build of Node or Bun reports the glibc it runs on.
  const report = /** @type {{ header?: { glibcVersionRuntime?: string } } | undefined} */ (process.report?.getReport());
  return report?.header?.glibcVersionRuntime ? "glibc" : "musl";
}

/** The target of this machine, or undefined where tend has no build. */
export function hostTarget() {
  const libc = hostLibc();
  return TARGETS.find((t) => t.os === process.platform && t.cpu === process.arch && t.libc === libc);
}

/**
 * The name of a release archive: gzip, which every runner and container unpacks (busybox's tar
 * too, and Node without a helper), and zip for Windows.
 * @param {string} version
 * @param {Target} target
 */
export function archiveName(version, target) {
  return `tend-${version}-${target.platform}${target.os === "win32" ? ".zip" : ".tar.gz"}`;
}

