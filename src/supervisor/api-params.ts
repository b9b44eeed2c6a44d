import { parseDuration } from "../core/duration";
import { badRequest } from "../core/errors";
import { fullNameProblem, nameProblem } from "../core/names";
import { normaliseSignal, SIGNAL_NAMES } from "../core/process-spec";

/** Checks of what a request carries besides its body: path, names, signals, durations. */

/**
 * A path with a broken escape (`%ZZ`, or bytes that are no UTF-8) is refused whole: the router
 * would otherwise hand on a name with U+FFFD in it.
 */
export function checkPath(url: string): void {
  const path = url.slice(url.indexOf("/", url.indexOf("//") + 2)).split("?")[0]!;
  try {
    decodeURIComponent(path);
  } catch {
    throw badRequest(`malformed percent-encoding in the path ${JSON.stringify(path)}`, "escape names with encodeURIComponent");
  }
}

/** A project's name from the path, held to the rule for names. */
export function projectParam(project: string): string {
  const problem = nameProblem(project);
  if (problem) throw badRequest(`invalid project name ${JSON.stringify(project)}: ${problem}`);
  return project;
}

/** A process's full name (`web`, `shop/web`) from the path or the query, held to the one rule for names. */
export function nameParam(name: string): string {
  const problem = fullNameProblem(name);
  if (problem) throw badRequest(`invalid process name ${JSON.stringify(name)}: ${problem}`);
  return name;
}

export function signalParam(value: unknown): NodeJS.Signals | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const signal = typeof value === "string" ? normaliseSignal(value.toUpperCase()) : null;
  if (!signal) throw badRequest(`unknown signal ${JSON.stringify(value)}`, `use one of ${SIGNAL_NAMES.join(", ")}`);
  return signal as NodeJS.Signals;
}

export function durationParam(what: string, value: unknown): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string" && typeof value !== "number") throw badRequest(`${what}: expected a duration like 5s or a number of milliseconds`);
  try {
    return parseDuration(value);
  } catch (error) {
    throw badRequest(`${what}: ${(error as Error).message}`);
  }
}
