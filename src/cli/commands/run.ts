import { statSync } from "node:fs";
import { defineCommand } from "citty";
import { UsageError } from "../../core/errors";
import { shellLine } from "../../core/shell-words";
import { describeProbe, PROBE_DEFAULTS } from "../../core/probe-spec";
import { probeFromFlags } from "../../core/probe-flags";
import { formatDuration, parseDuration } from "../../core/duration";
import { probeHere, probeUntilReady } from "../../client/client-probe";
import { shellExitCode } from "../../client/exit-code";
import { cannotBecomeReady } from "../../client/offline-client";
import { tendClient } from "../../client/tend-client";
import { localProbe, Progress, readinessProgress } from "../progress";
import { failureLine, reportNotReady } from "../readiness-report";
import { colorEnabled } from "../colors";
import { annotateError } from "../github-actions";
import { dumpLogs } from "../log-dump";
import { commandAfterDashes, jsonArg, printJson, probeArgs, probeFlagsOf, tailOf } from "./_shared";

/**
 * Why `command` could not start, as a shell would say it, with the shell's exit status: 127 when
 * there is no such command, 126 when there is one that cannot be run. Null for any other error.
 */
function spawnFailure(command: string, error: unknown): { line: string; status: number } | null {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === "ENOENT" || code === "ENOTDIR") return { line: `cannot run ${command}: command not found`, status: 127 };
  if (code !== "EACCES" && code !== "EPERM" && code !== "ENOEXEC" && code !== "EISDIR") return null;
  let why = code === "ENOEXEC" ? "not an executable format" : "permission denied";
  // A bare name was looked up on PATH, so a file of that name here says nothing about it.
  if (command.includes("/")) {
    try {
      if (statSync(command).isDirectory()) why = "is a directory";
    } catch {
      // Gone since the attempt; the error code says enough.
    }
  }
  return { line: `cannot run ${command}: ${why}`, status: 126 };
}

export default defineCommand({
  meta: { name: "run", description: "Run a command in the foreground while the sessions run; if it fails, print their logs" },
  args: {
    name: { type: "string", valueHint: "NAME", description: "Wait for this session to be ready first (its probe, or the one given)" },
    ...probeArgs,
    json: { ...jsonArg.json, description: `${jsonArg.json.description}; the command's own output then goes to stderr` },
  },
  async run({ args, rawArgs }) {
    const command = commandAfterDashes(rawArgs);
    if (!command || command.length === 0) throw new UsageError("missing command after --", "e.g. tend run --name api -- npm test");
    const client = tendClient();
    const probe = probeFromFlags(probeFlagsOf(args));
    const tail = tailOf(args);
    const json = args.json === true;
    /** What the command line gets back (docs/json.md), and the exit status. */
    const outcome = (status: number, ran: boolean, exit: { code: number | null; signal: string | null }, reason: string | null): number => {
      if (json) printJson({ command, ran, status, exitCode: exit.code, exitSignal: exit.signal, reason });
      return status;
    };
    const notRun = { code: null, signal: null };
    const readyToRun = (what: string, progress: Progress) => progress.succeed(`${what} ready after ${formatDuration(progress.elapsed())}; running ${shellLine(command)}`);

    if (args.name) {
      if (!client.supervisor()) throw cannotBecomeReady(args.name);
      const record = await client.get(args.name);
      const { progress, attemptFailed } = readinessProgress(client, record, probe);
      let problem: string | null = null;
      if (probe) {
        const result = await probeUntilReady(client, record, probe, attemptFailed);
        if (!result.ok) problem = result.line;
      } else {
        // probeFromFlags has already checked --timeout, with or without a probe.
        const timeoutMs = args.timeout === undefined ? PROBE_DEFAULTS.timeoutMs : parseDuration(args.timeout);
        const answer = await client.wait(args.name, "ready", timeoutMs);
        if (answer.outcome !== "ready") problem = failureLine(args.name, answer.outcome, answer.record, progress.elapsed());
      }
      if (problem !== null) {
        progress.stop();
        await reportNotReady(client, args.name, problem, tail);
        return outcome(1, false, notRun, problem);
      }
      readyToRun(args.name, progress);
    } else if (probe) {
      if (probe.check.kind === "log") throw new UsageError("--ready-log needs --name: whose output should it read?");
      const local = localProbe(null, probe);
      const progress = new Progress(`waiting for ${describeProbe(probe)}`, local.watch);
      const problem = await probeHere(probe, local.attemptFailed);
      if (problem) {
        progress.stop();
        process.stderr.write(`tend: ${problem}\n`);
        return outcome(1, false, notRun, problem);
      }
      readyToRun(describeProbe(probe), progress);
    }

    let child: Bun.Subprocess;
    try {
      // Under --json stdout is the outcome alone, so the command's stdout joins its stderr.
      child = Bun.spawn({ cmd: command, stdio: ["inherit", json ? 2 : "inherit", "inherit"] });
    } catch (error) {
      const failure = spawnFailure(command[0]!, error);
      if (!failure) throw error;
      process.stderr.write(`tend: ${failure.line}\n`);
      return outcome(failure.status, false, notRun, failure.line);
    }
    // Ctrl-C reaches the command through the terminal; a SIGTERM sent to us is passed on.
    const forward = () => child.kill("SIGTERM");
    process.on("SIGTERM", forward);
    process.on("SIGINT", () => {});
    const code = await child.exited;
    process.off("SIGTERM", forward);
    const signal = child.signalCode;
    const status = signal === null ? code : shellExitCode(null, signal);
    const exit = { code: signal === null ? code : null, signal: signal === null ? null : String(signal) };
    if (status === 0) return outcome(0, true, exit, null);

    const failure = `${shellLine(command)} failed (exit ${status})`;
    annotateError(failure);
    if (tail === 0) {
      process.stderr.write(`tend: ${failure}\n`);
      return outcome(status, true, exit, failure);
    }
    process.stderr.write(`tend: ${failure}; the last ${tail} lines of each session's log follow ("tend logs NAME" has them all)\n`);
    const known = (await client.status()).processes;
    const out = json ? process.stderr : process.stdout;
    await dumpLogs(client, known.map((r) => r.spec.name), known, { filter: { tail }, timestamps: false, color: colorEnabled(out) }, (text) => void out.write(text));
    return outcome(status, true, exit, failure);
  },
});
