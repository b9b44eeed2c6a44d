import { didYouMean } from "./did-you-mean";
import { UsageError } from "./errors";
import { fullName } from "./names";
import type { ProcessSpec, ProjectRef } from "./process-spec";

/**
 * What `tend start` runs of a config, decided without I/O: which processes (the named ones
 * and what they depend on), how many of each (a formation, as foreman's -m), and each one's
 * PORT (foreman's scheme).
 */

/** foreman's base port; each process in file order gets the next hundred. */
export const DEFAULT_PORT_BASE = 5000;
const PORT_STEP = 100;

/** A `ready.port` of "$PORT": the process's own port, known once ports are handed out. */
export const OWN_PORT = 0;

/** The named processes and, transitively, what they depend on, in file order. */
export function selectProcesses(specs: ProcessSpec[], names: string[]): ProcessSpec[] {
  if (names.length === 0) return specs;
  const byName = new Map(specs.map((s) => [s.name, s]));
  const known = specs.map((s) => s.name);
  const wanted = new Set<string>();
  const visit = (name: string) => {
    if (wanted.has(name)) return;
    const spec = byName.get(name);
    if (spec === undefined) {
      throw new UsageError(`no process named ${JSON.stringify(name)} in the config${didYouMean(name, known)}`, `known: ${known.join(", ")}`);
    }
    wanted.add(name);
    for (const dep of Object.keys(spec.dependsOn ?? {})) visit(dep);
  };
  names.forEach(visit);
  return specs.filter((s) => wanted.has(s.name));
}

/** `web=2,worker=1` (foreman's -m); `all=N` sets every process not named. */
export function parseFormation(text: string): Map<string, number> {
  const formation = new Map<string, number>();
  for (const part of text.split(",").map((p) => p.trim())) {
    const match = /^([^=\s]+)=(\d+)$/.exec(part);
    if (!match) throw new UsageError(`-m ${text}: expected NAME=COUNT pairs separated by commas, e.g. web=2,worker=1`);
    formation.set(match[1]!, Number(match[2]));
  }
  return formation;
}

/**
 * Each process as many times as the formation says: two of `web` run as `web.1` and `web.2`.
 * A count of 0 leaves the process out; a dependency on a scaled process waits for every instance.
 */
export function applyFormation(specs: ProcessSpec[], formation: Map<string, number>): ProcessSpec[] {
  if (formation.size === 0) return specs;
  const known = specs.map((s) => s.name);
  for (const name of formation.keys()) {
    if (name !== "all" && !known.includes(name)) {
      throw new UsageError(`-m: no process named ${JSON.stringify(name)} in the config${didYouMean(name, known)}`, `known: ${known.join(", ")}`);
    }
  }
  const countOf = (name: string) => formation.get(name) ?? formation.get("all") ?? 1;
  const instances = new Map(specs.map((s) => [s.name, instanceNames(s.name, countOf(s.name))]));
  return specs.flatMap((spec) =>
    instances.get(spec.name)!.map((name) => {
      const dependsOn = Object.entries(spec.dependsOn ?? {}).flatMap(([dep, condition]) =>
        (instances.get(dep) ?? [dep]).map((instance) => [instance, condition] as const),
      );
      const { dependsOn: _, ...rest } = spec;
      return { ...rest, name, ...(dependsOn.length === 0 ? {} : { dependsOn: Object.fromEntries(dependsOn) }) };
    }),
  );
}

function instanceNames(name: string, count: number): string[] {
  if (count === 1) return [name];
  return Array.from({ length: count }, (_, i) => `${name}.${i + 1}`);
}

/**
 * PORT for each process that has none of its own: base + 100 × the process's place in the
 * file, + 1 for each further instance (web.1 5000, web.2 5001, worker 5100). `order` is every
 * process name of the file, so leaving one out does not move the ports of the others.
 */
export function assignPorts(specs: ProcessSpec[], order: string[], base = DEFAULT_PORT_BASE): ProcessSpec[] {
  return specs.map((spec) => {
    const { type, instance } = splitInstance(spec.name, order);
    const port = spec.env.PORT ?? String(base + PORT_STEP * order.indexOf(type) + instance - 1);
    return { ...spec, env: { ...spec.env, PORT: port }, ...withOwnPort(spec, Number(port)) };
  });
}

function splitInstance(name: string, order: string[]): { type: string; instance: number } {
  if (order.includes(name)) return { type: name, instance: 1 };
  const dot = name.lastIndexOf(".");
  return { type: name.slice(0, dot), instance: Number(name.slice(dot + 1)) };
}

function withOwnPort(spec: ProcessSpec, port: number): Partial<ProcessSpec> {
  const check = spec.ready?.check;
  if (check?.kind !== "port" || check.port !== OWN_PORT) return {};
  return { ready: { ...spec.ready!, check: { ...check, port } } };
}

/**
 * `${NAME}` in `text`, from `vars`; an unknown name is an empty string, as a shell has it, and
 * `$${NAME}` keeps the text as written.
 */
export function interpolate(text: string, vars: Record<string, string | undefined>): string {
  return text.replace(/\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, escaped: string, name: string) =>
    escaped ? whole.slice(1) : (vars[name] ?? ""),
  );
}

export interface RunChoices {
  /** Run only these (and what they depend on); none: all. */
  names?: string[];
  /** foreman's -m, as given: "web=2,worker=1". */
  formation?: string;
  portBase?: number;
  /** Overrides every process's stop_grace. */
  graceMs?: number;
  /** The project's .env, then every --env-file, merged in that order. */
  dotenv: Record<string, string>;
  /** The environment tend runs in, for `${VAR}` in env values. */
  inherited: Record<string, string | undefined>;
  project: string;
}

/**
 * The processes a config runs with these choices. Each one's environment: the .env files,
 * then its PORT and TEND_PROJECT, then its own `env`, whose `${VAR}`s are read from the
 * environment, the .env files and its PORT.
 */
export function planRun(specs: ProcessSpec[], choices: RunChoices): ProcessSpec[] {
  const order = specs.map((s) => s.name);
  const formation = choices.formation === undefined ? new Map<string, number>() : parseFormation(choices.formation);
  const base = choices.portBase ?? portFrom(choices.dotenv.PORT) ?? DEFAULT_PORT_BASE;
  const chosen = assignPorts(applyFormation(selectProcesses(specs, choices.names ?? []), formation), order, base);
  return chosen.map((spec) => {
    const vars = { ...choices.inherited, ...choices.dotenv, PORT: spec.env.PORT };
    const own = Object.fromEntries(Object.entries(spec.env).map(([key, value]) => [key, interpolate(value, vars)]));
    return {
      ...spec,
      env: { ...choices.dotenv, TEND_PROJECT: choices.project, ...own },
      ...(choices.graceMs === undefined ? {} : { graceMs: choices.graceMs }),
    };
  });
}

/** foreman takes a PORT from .env as the base port. */
function portFrom(text: string | undefined): number | undefined {
  return text !== undefined && /^\d{1,5}$/.test(text) ? Number(text) : undefined;
}

/**
 * The specs of a config as processes of its project: each known by its full name
 * (`shop/web`), its dependencies too, so two projects' `web` never meet.
 */
export function placeInProject(specs: ProcessSpec[], project: ProjectRef): ProcessSpec[] {
  const qualify = (name: string) => fullName(project.name, name);
  return specs.map((spec) => ({
    ...spec,
    name: qualify(spec.name),
    project,
    ...(spec.dependsOn ? { dependsOn: Object.fromEntries(Object.entries(spec.dependsOn).map(([dep, condition]) => [qualify(dep), condition])) } : {}),
  }));
}
