// Packs one executable as its target's release archive. The archive holds the executable alone,
// named `tend` (`tend.exe` on Windows), so every installer unpacks one known name.
import { $ } from "bun";
import { copyFileSync, mkdtempSync, rmSync, utimesSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Target } from "../packaging/targets.mjs";

export interface PackOptions {
  /** The time the files get: with owner root, it makes the same executable pack to the same bytes. */
  mtime: Date;
  /** The compression level, 9 for releases; tests take 1, which packs ~100 MB in a fraction of the time. */
  level: number;
}

/**
 * Writes `archive` (.tar.gz, or .zip for a Windows target) from `binary`. Needs GNU tar and
 * gzip, or zip for Windows: the release runner (Ubuntu) has them.
 */
export async function packArchive(binary: string, target: Target, archive: string, { mtime, level }: PackOptions): Promise<void> {
  const stage = mkdtempSync(path.join(os.tmpdir(), "tend-pack-"));
  try {
    const name = `tend${target.exe}`;
    copyFileSync(binary, path.join(stage, name));
    utimesSync(path.join(stage, name), mtime, mtime);
    rmSync(archive, { force: true });
    if (archive.endsWith(".zip")) {
      await $`zip -q -${level} -X -j ${archive} ${path.join(stage, name)}`;
    } else {
      // gzip -n leaves the file name and time out of the gzip header.
      await $`tar -C ${stage} --owner=0 --group=0 --numeric-owner --mode=755 -cf - ${name} | gzip -${level} -n > ${archive}`;
    }
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
