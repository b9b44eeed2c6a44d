import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { CONFIG_FILE_NAMES, ConfigError, formatForFile, parseConfig } from "../core/config";
import type { ProcessSpec } from "../core/process-spec";

export interface LoadedConfig {
  file: string;
  specs: ProcessSpec[];
}

/** The first config file found in `dir`, in the documented order, or null. */
export function findConfig(dir: string): string | null {
  for (const name of CONFIG_FILE_NAMES) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/**
 * Reads and validates a config file. Relative working directories are resolved against the
 * file's folder, so the supervisor never depends on where it was started from.
 */
export function loadConfig(file: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "is a directory" : (error as Error).message;
    throw new ConfigError(`cannot read the config: ${why}`, { file });
  }
  const base = path.dirname(path.resolve(file));
  const specs = parseConfig(text, formatForFile(file), file).map((spec) => ({
    ...spec,
    cwd: path.resolve(base, spec.cwd ?? "."),
  }));
  return { file, specs };
}
