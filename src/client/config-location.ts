import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { CONFIG_FILE_NAMES } from "../core/config-files";
import { projectFromFolder } from "../core/names";
import type { ProjectRef } from "../core/process-spec";

/*
 * Finding a config, and its project, without loading the config parser unless a config is
 * there to read: `tend bg` asks this on every start.
 */

/** The first config file found in `dir`, in the documented order, or null. */
export function findConfig(dir: string): string | null {
  for (const name of CONFIG_FILE_NAMES) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/**
 * The project of the nearest folder, from `dir` up, that holds a config: its `project`, else
 * the folder's name. A config that does not parse still names its folder's project.
 */
export async function projectOfFolder(dir: string): Promise<ProjectRef | null> {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    const file = findConfig(at);
    if (file) {
      let named: string | undefined;
      try {
        const { formatForFile, parseConfig } = await import("../core/config");
        named = parseConfig(readFileSync(file, "utf8"), formatForFile(file), file).project;
      } catch {
        // Broken configs are start's and check's to report; the folder still says the project.
      }
      return { name: named ?? projectFromFolder(path.basename(at)), dir: at };
    }
    if (path.dirname(at) === at) return null;
  }
}

