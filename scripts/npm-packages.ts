// Makes the npm packages from the release builds: for each executable in dist/build/<platform>/
// a package @tend-sh/<platform> holding it, marked with npm's os, cpu and libc fields; and
// @tend-sh/tend, the one users install, with those as optional dependencies and a launcher as
// its `tend` bin (no install script: npm itself picks the package that fits the machine).
//
//   bun scripts/npm-packages.ts [BUILD_DIR] [OUT_DIR]     (default: dist/build, dist/npm)
//
// It prints the package folders in the order to publish them: the platforms' first, so that
// the main package never points at a version that is not there yet.
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import pkg from "../package.json" with { type: "json" };
import { TARGETS } from "../packaging/targets.mjs";
import { ROOT } from "./build-options";

export const SCOPE = "@tend-sh";
const REPOSITORY = { type: "git", url: "git+https://github.com/tend-sh/tend.git" };

function writeJson(file: string, value: unknown): void {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Writes the package folders under `outDir` from the executables under `buildDir`; returns them in publish order. */
export function makeNpmPackages(buildDir: string, outDir: string, version = pkg.version): string[] {
  rmSync(outDir, { recursive: true, force: true });
  const folders: string[] = [];
  const optionalDependencies: Record<string, string> = {};
  for (const target of TARGETS) {
    const executable = path.join(buildDir, target.platform, `tend${target.exe}`);
    if (!existsSync(executable)) continue;
    const name = `${SCOPE}/${target.platform}`;
    const dir = path.join(outDir, target.platform);
    mkdirSync(path.join(dir, "bin"), { recursive: true });
    copyFileSync(executable, path.join(dir, "bin", `tend${target.exe}`));
    chmodSync(path.join(dir, "bin", `tend${target.exe}`), 0o755);
    writeJson(path.join(dir, "package.json"), {
      name,
      version,
      description: `The tend executable for ${target.platform}; install @tend-sh/tend, which brings the one for your machine`,
      license: pkg.license,
      repository: REPOSITORY,
      os: [target.os],
      cpu: [target.cpu],
      ...(target.libc ? { libc: [target.libc] } : {}),
      files: ["bin"],
      // Yarn's Plug'n'Play keeps such a package as files on disk, where it can be run.
      preferUnplugged: true,
    });
    writeFileSync(path.join(dir, "README.md"), `# ${name}\n\nThe tend executable for ${target.platform}. Install \`@tend-sh/tend\` instead: it brings this package on ${target.platform}, and the right one elsewhere.\n`);
    optionalDependencies[name] = version;
    folders.push(dir);
  }
  if (folders.length === 0) throw new Error(`no executables under ${buildDir}/<platform>/: run "npm run build:all" first`);

  const main = path.join(outDir, "tend");
  mkdirSync(path.join(main, "bin"), { recursive: true });
  copyFileSync(path.join(ROOT, "packaging", "npm-launcher.mjs"), path.join(main, "bin", "tend.mjs"));
  copyFileSync(path.join(ROOT, "packaging", "targets.mjs"), path.join(main, "bin", "targets.mjs"));
  writeJson(path.join(main, "package.json"), {
    name: `${SCOPE}/tend`,
    version,
    description: pkg.description,
    license: pkg.license,
    repository: REPOSITORY,
    bin: { tend: "bin/tend.mjs" },
    files: ["bin"],
    engines: { node: ">=18" },
    optionalDependencies,
  });
  writeFileSync(
    path.join(main, "README.md"),
    `# tend\n\n${pkg.description}.\n\n\`\`\`sh\nnpm install --save-dev @tend-sh/tend\nnpx tend bg --name api --ready-http http://127.0.0.1:3000/health -- npm start\n\`\`\`\n\nnpm installs the executable for your machine from one of the optional dependencies; \`npx tend\` runs it. See https://github.com/tend-sh/tend.\n`,
  );
  folders.push(main);
  return folders;
}

if (import.meta.main) {
  const [buildDir = path.join(ROOT, "dist", "build"), outDir = path.join(ROOT, "dist", "npm")] = process.argv.slice(2);
  try {
    for (const dir of makeNpmPackages(path.resolve(buildDir), path.resolve(outDir))) console.log(path.relative(process.cwd(), dir));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
