import type { ConsolaInstance } from "consola";

let loaded: ConsolaInstance | undefined;

/**
 * consola, configured, on first use. Loading it costs about 2 ms (its Unicode segmenter and
 * streams) and its first line about 1.5 ms more (its width and emoji patterns); most commands
 * print only once the supervisor has answered, so they load it while they wait (`warmUp`), and
 * a command that prints nothing through it (`ps`) never does.
 */
function instance(): ConsolaInstance {
  if (loaded) return loaded;
  const { consola } = require("consola") as typeof import("consola");
  // Its lines carry the time of day only when their stream is a terminal (on the right, or in
  // brackets on a narrow one), yet it formats that time for every line, and the first
  // toLocaleTimeString of a process loads the locale's data (about 5 ms). So the time is asked
  // for only where it shows — decided at each line, as `--json` moves the lines to stderr.
  Object.defineProperty(consola.options.formatOptions, "date", {
    enumerable: true,
    get: () => Boolean((consola.options.stdout as NodeJS.WriteStream | undefined)?.columns),
  });
  loaded = consola;
  return consola;
}

/** The one consola of the command line. */
export const consola: ConsolaInstance = new Proxy({} as ConsolaInstance, {
  get: (_, key) => Reflect.get(instance(), key),
  set: (_, key, value) => Reflect.set(instance(), key, value),
});

const nowhere = { write: () => true } as unknown as NodeJS.WriteStream;

/**
 * For a command that is about to wait on the supervisor and print once it answers: pays for
 * consola's loading and first line during the wait instead of after it, formatting a line that
 * goes nowhere.
 */
export function warmUp(): void {
  setTimeout(() => instance().create({ stdout: nowhere, stderr: nowhere }).warn("tend"), 0);
}
