import { readFileSync } from "node:fs";
import path from "node:path";
import { ConfigError, formatForFile, parseConfig } from "../core/config";
import { UsageError } from "../core/errors";
import type { ProcessSpec } from "../core/process-spec";
import { projectFromFolder } from "../core/names";
import { type RunChoices, placeInProject, planRun } from "../core/run-plan";
import { findConfig } from "./config-location";
import { readEnvFile } from "./env-input";

export interface LoadedConfig {
  file: string;
  /** `project` of the file, else the name of its folder. */
  project: string;
  specs: ProcessSpec[];
}

/** The config file named by --config, else the first one found in --dir. */
export function configFileOf(args: { dir?: string; config?: string }): string {
  if (args.config) return path.resolve(args.config);
  const dir = path.resolve(args.dir ?? ".");
  const found = findConfig(dir);
  if (found) return found;
  throw new UsageError(
    `no tend.toml, tend.yaml, tend.json or Procfile in ${dir}`,
    "write one as in examples/demo/tend.toml, pass --config FILE, or give a command: tend start -- cmd args",
  );
}

/** What `start` and `check` are asked for on top of the file; env files by path. */
export type LoadChoices = Omit<RunChoices, "dotenv" | "inherited" | "project"> & { envFiles?: string[] };

/**
 * Reads and validates a config file, then what would run of it: the .env next to it and any
 * --env-file, each process's PORT, the selection and formation. Relative working directories
 * are resolved against the file's folder, so the supervisor never depends on where it was
 * started from.
 */
export function loadConfig(file: string, choices: LoadChoices = {}): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "is a directory" : (error as Error).message;
    throw new ConfigError(`cannot read the config: ${why}`, { file });
  }
  const base = path.dirname(path.resolve(file));
  const parsed = parseConfig(text, formatForFile(file), file);
  const dotenv = Object.assign(
    readEnvFile(path.join(base, ".env"), { optional: true }),
    ...(choices.envFiles ?? []).map((f) => readEnvFile(f)),
  );
  const project = parsed.project ?? projectFromFolder(path.basename(base));
  const planned = planRun(parsed.specs, { ...choices, dotenv, inherited: process.env, project }).map((spec) => ({
    ...spec,
    cwd: path.resolve(base, spec.cwd ?? "."),
    ...(spec.source ? { source: { ...spec.source, file: path.resolve(spec.source.file) } } : {}),
  }));
  return { file, project, specs: placeInProject(planned, { name: project, dir: base }) };
}
