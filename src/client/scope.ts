import path from "node:path";
import { TendError, UsageError } from "../core/errors";
import { nameProblem, splitName } from "../core/names";
import { projectOfFolder } from "./config-location";
import type { ProjectRef } from "../core/process-spec";
import type { ProcessRecord } from "../core/process-status";

/** `-p/--project NAME` and `--all`, as the commands that act on processes take them. */
export interface ScopeFlags {
  project?: string;
  all?: boolean;
}

/**
 * Which processes a command acts on: the project given with `-p`, else the project whose
 * folder we are in, else every process; `--all` is every project. Typed names are read in it.
 */
export interface Scope {
  /** The project, or null for every process. */
  readonly project: string | null;
  /** A typed name as a full name: `web` in project shop is `shop/web`. */
  resolve(input: string): string;
  /** Whether a process is one the command acts on when given no names. */
  includes(record: ProcessRecord): boolean;
}

/** The project whose folder holds `dir`, as the processes of each project know their folder. */
export function projectAt(dir: string, records: readonly ProcessRecord[]): string | null {
  let best: { name: string; depth: number } | null = null;
  for (const { spec } of records) {
    if (!spec.project) continue;
    const rel = path.relative(spec.project.dir, dir);
    if (rel.startsWith("..") || path.isAbsolute(rel)) continue;
    const depth = spec.project.dir.length;
    if (!best || depth > best.depth) best = { name: spec.project.name, depth };
  }
  return best?.name ?? null;
}

/**
 * The project a session started in `dir` belongs to: the one whose processes run from a folder
 * holding `dir`, else the one of the nearest config up from it, else none.
 */
export async function projectForSession(dir: string, records: readonly ProcessRecord[]): Promise<ProjectRef | null> {
  const running = projectAt(dir, records);
  if (running !== null) return records.find((r) => r.spec.project?.name === running)!.spec.project!;
  return projectOfFolder(dir);
}

/** `-p` and `--all` as given: a valid project name, and not both. */
export function checkScopeFlags(flags: ScopeFlags): void {
  if (flags.project === undefined) return;
  const problem = nameProblem(flags.project);
  if (problem) throw new UsageError(`-p ${flags.project}: ${problem}`);
  if (flags.all) throw new UsageError("give -p or --all, not both");
}

export interface ScopeContext {
  cwd?: string;
  /** Full names known otherwise (a finished worker's log outlives its record). */
  alsoKnown?: readonly string[];
  /** The project of the config found from `cwd` up, for a folder whose project has nothing running. */
  folderProject?: string | null;
}

/** The project of the config found from `dir` up, or null: when no process tells it. */
export async function folderProject(dir = process.cwd()): Promise<string | null> {
  return (await projectOfFolder(dir))?.name ?? null;
}

/** Whether the current folder's project must be read from a config: no -p, no --all, nothing running there. */
export function needsFolderProject(flags: ScopeFlags, records: readonly ProcessRecord[], cwd = process.cwd()): boolean {
  return flags.project === undefined && !flags.all && projectAt(cwd, records) === null;
}

export function scopeOf(flags: ScopeFlags, records: readonly ProcessRecord[], ctx: ScopeContext = {}): Scope {
  checkScopeFlags(flags);
  const cwd = ctx.cwd ?? process.cwd();
  const known = new Set([...records.map((r) => r.spec.name), ...(ctx.alsoKnown ?? [])]);
  if (flags.project !== undefined) {
    const projects = new Set([...known].map((n) => splitName(n).project).filter((p) => p !== null));
    if (!projects.has(flags.project) && flags.project !== ctx.folderProject) {
      throw new TendError(`no project named "${flags.project}"`, "not_found", projects.size > 0 ? `known: ${[...projects].sort().join(", ")}` : "no process belongs to any project");
    }
  }
  const project = flags.all ? null : (flags.project ?? projectAt(cwd, records) ?? ctx.folderProject ?? null);
  return {
    project,
    includes: (record) => project === null || record.status.project === project || record.spec.project?.name === project,
    resolve(input) {
      if (input.includes("/")) return input;
      if (project !== null) {
        // Inside a project a name is its own, or a session of no project; never another project's.
        const own = `${project}/${input}`;
        return known.has(own) || !known.has(input) ? own : input;
      }
      if (known.has(input)) return input;
      const elsewhere = [...known].filter((n) => splitName(n).name === input);
      if (elsewhere.length === 1) return elsewhere[0]!;
      if (elsewhere.length > 1) {
        throw new UsageError(`"${input}" is a process of ${elsewhere.length} projects: ${elsewhere.join(", ")}`, "say which: PROJECT/NAME, or -p PROJECT");
      }
      return input;
    },
  };
}
