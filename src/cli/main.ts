import { defineCommand, renderUsage, runCommand, type ArgsDef, type CommandDef } from "citty";
import { TendError, UsageError } from "../core/errors";
import { didYouMean } from "../core/did-you-mean";
import { stripSgr } from "../core/sgr";
import { unsupportedReason } from "../core/support";
import { COMMIT, VERSION } from "../core/version";
import { reportError } from "./errors";
import { checkArgs } from "./check-args";

type Loader = () => Promise<CommandDef<any>>;

/** Lazy so that `tend ps` loads only what `ps` needs: start-up time is a feature. */
const commands: Record<string, Loader> = {
  start: () => import("./commands/start").then((m) => m.default),
  stop: () => import("./commands/stop").then((m) => m.default),
  status: () => import("./commands/status").then((m) => m.default),
  bg: () => import("./commands/bg").then((m) => m.default),
  logs: () => import("./commands/logs").then((m) => m.default),
  attach: () => import("./commands/attach").then((m) => m.default),
  capture: () => import("./commands/capture").then((m) => m.default),
  kill: () => import("./commands/kill").then((m) => m.default),
  restart: () => import("./commands/restart").then((m) => m.default),
  wait: () => import("./commands/wait").then((m) => m.default),
  run: () => import("./commands/run").then((m) => m.default),
  check: () => import("./commands/check").then((m) => m.default),
  ui: () => import("./commands/ui").then((m) => m.default),
  version: () => import("./commands/version").then((m) => m.default),
};
const aliases: Record<string, string> = { ps: "status" };
/** Commands that take any number of names. */
const variadic = new Set(["logs", "kill", "restart", "wait", "start", "check"]);

const root = defineCommand({
  meta: { name: "tend", version: VERSION, description: "Keeps processes running: a supervisor and background sessions" },
  args: { debug: { type: "boolean", description: "Show stack traces of unexpected errors" } },
  subCommands: commands,
});

/** The options of a command line: what comes before `--`. */
function options(args: string[]): string[] {
  const end = args.indexOf("--");
  return end === -1 ? args : args.slice(0, end);
}

function helpRequested(args: string[]): boolean {
  return options(args).some((a) => a === "--help" || a === "-h");
}

/**
 * Under `--json` stdout is the document alone, and under `run` the command's own: consola's
 * lines (progress, success) go to stderr, whatever a command prints through it.
 */
async function stdoutNotForTend(): Promise<void> {
  const { consola } = await import("./consola");
  consola.options.stdout = process.stderr;
}


/** What follows `--` for the commands that take a command to run; citty's usage does not say it. */
const AFTER_DASHES: Record<string, string> = { bg: "-- CMD [ARGS…]", run: "-- CMD [ARGS…]", start: "[-- CMD [ARGS…]]" };

async function printUsage(cmd: CommandDef<any>, parent?: CommandDef<any>): Promise<void> {
  const meta = (await (typeof cmd.meta === "function" ? cmd.meta() : cmd.meta)) as { name?: string } | undefined;
  const tail = meta?.name ? AFTER_DASHES[meta.name] : undefined;
  let text = await renderUsage(cmd, parent);
  if (tail) text = text.replace(/^(.*USAGE.*?) ?((?:\x1b\[[0-9;]*m)*)$/m, `$1 ${tail}$2`);
  // Lines padded to a wide width wrap mid-word in a narrow terminal.
  text = (process.stdout.isTTY ? text : stripSgr(text)).replace(/[ \t]+((?:\x1b\[[0-9;]*m)*)$/gm, "$1");
  process.stdout.write(`${leftAligned(text)}\n`);
}

/**
 * citty right-aligns the names of options and commands (`         -f, --follow    Keep …`);
 * read as GNU tools print them, they start at the left edge and their descriptions share one
 * column, and a name too long for it has its description on the next line.
 */
function leftAligned(text: string): string {
  const entry = /^ +(\S.*?) {4}(\S.*)$/;
  const lines = text.split("\n");
  const entries = lines.map((line) => entry.exec(line));
  const width = Math.min(MAX_NAME_COLUMN, Math.max(0, ...entries.map((m) => (m ? stripSgr(m[1]!).length : 0))));
  return lines
    .map((line, i) => {
      const m = entries[i];
      if (!m) return line;
      const name = `  ${m[1]}`;
      const pad = width - stripSgr(m[1]!).length;
      return pad >= 0 ? `${name}${" ".repeat(pad)}    ${m[2]}` : `${name}\n${" ".repeat(width + 6)}${m[2]}`;
    })
    .join("\n");
}

/** Wider names than this (`--permission-mode=<read-only|workspace-write|full>`) go on a line of their own. */
const MAX_NAME_COLUMN = 28;


export async function main(argv: string[]): Promise<number> {
  const dashes = argv.indexOf("--");
  const debug = argv.slice(0, dashes === -1 ? undefined : dashes).includes("--debug");
  const args = argv.filter((a, i) => !(a === "--debug" && (dashes === -1 || i < dashes)));
  let json = false;
  try {
    if (args.length === 1 && (args[0] === "--version" || args[0] === "-v")) {
      process.stdout.write(`${VERSION} (${COMMIT})\n`);
      return 0;
    }
    let [first, ...rest] = args;
    if (first === "help") {
      if (rest.length === 0) {
        await printUsage(root);
        return 0;
      }
      [first, ...rest] = [rest[0]!, "--help"];
    }
    if (first === undefined || first.startsWith("-")) {
      if (first !== undefined && helpRequested(args)) {
        await printUsage(root);
        return 0;
      }
      if (first !== undefined) throw new UsageError(`unknown option ${first}`, 'see "tend --help"');
      first = "status";
    }
    const name = aliases[first] ?? first;
    const load = commands[name];
    if (!load) {
      const known = [...Object.keys(commands), ...Object.keys(aliases)];
      throw new UsageError(`unknown command "${first}"${didYouMean(first, known)}`, `commands: ${known.join(", ")}; see "tend --help"`);
    }
    const cmd = await load();
    if (helpRequested(rest)) {
      await printUsage(cmd, root);
      return 0;
    }
    const def = (await (typeof cmd.args === "function" ? cmd.args() : cmd.args)) as ArgsDef;
    json = "json" in def && options(rest).includes("--json");
    if (json || name === "run") await stdoutNotForTend();
    const unsupported = name === "version" ? null : unsupportedReason("supervisor");
    if (unsupported) throw new TendError(`tend ${first}: ${unsupported}`, "unsupported_platform");
    const rawArgs = checkArgs(name, def, rest, variadic.has(name));
    const { result } = await runCommand(cmd, { rawArgs });
    return typeof result === "number" ? result : 0;
  } catch (error) {
    return reportError(error, debug, json);
  }
}
