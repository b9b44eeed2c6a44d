import { defineCommand } from "citty";
import { consola, warmUp } from "../consola";
import { formatDuration } from "../../core/duration";
import { TendError, UsageError } from "../../core/errors";
import { splitName } from "../../core/names";
import { PROBE_DEFAULTS, type ProbeSpec } from "../../core/probe-spec";
import { probeFromFlags } from "../../core/probe-flags";
import type { ProcessRecord } from "../../core/process-status";
import { describeExit } from "../../core/restart-policy";
import { probeUntilReady } from "../../client/client-probe";
import { shellExitCode } from "../../client/exit-code";
import { cannotBecomeReady } from "../../client/offline-client";
import { tendClient, type TendClient } from "../../client/tend-client";
import { readinessProgress } from "../progress";
import { failureLine, readinessJson, readyAfter, reportNotReady, settledAnswer } from "../readiness-report";
import { durationOption, jsonArg, printJson, probeArgs, probeFlagsOf, projectArg, scopeFor, tailOf } from "./_shared";

export default defineCommand({
  meta: { name: "wait", description: "Wait until processes are ready (their probe, or the one given), or with --exit until one ends" },
  args: {
    names: { type: "positional", required: false, description: "Names of the processes" },
    exit: { type: "boolean", description: "Wait until the process ends and exit with its exit code (signal n: 128+n)" },
    ...projectArg,
    ...probeArgs,
    ...jsonArg,
  },
  async run({ args }) {
    const typed = args._.filter((n) => n !== "--");
    if (typed.length === 0) throw new UsageError("give one or more names");
    const probe = probeFromFlags(probeFlagsOf(args));
    const client = tendClient();
    const names = typed.map((await scopeFor(client, args)).scope.resolve);
    const tail = tailOf(args);

    if (args.exit) {
      if (names.length !== 1) throw new UsageError("--exit waits for exactly one process");
      if (probe) throw new UsageError("--exit and a readiness probe do not go together");
      return waitForExit(client, names[0]!, args.timeout, args.json === true);
    }
    if (!client.supervisor()) throw cannotBecomeReady(names[0]!);
    const timeoutMs = probe?.timeoutMs ?? durationOption("--timeout", args.timeout) ?? PROBE_DEFAULTS.timeoutMs;
    const results = await Promise.all(names.map((name) => waitReady(client, name, probe, timeoutMs)));
    const failed = results.filter((r) => r.reason !== null);
    for (const r of failed) await reportNotReady(client, r.name, r.reason!, tail);
    if (args.json) printJson({ ready: failed.length === 0, processes: results });
    return failed.length > 0 ? 1 : 0;
  },
});

async function waitReady(client: TendClient, name: string, probe: ProbeSpec | null, timeoutMs: number): Promise<ReturnType<typeof readinessJson>> {
  const record = await client.get(name);
  const { progress, attemptFailed } = readinessProgress(client, record, probe);
  if (probe) {
    const result = await probeUntilReady(client, record, probe, attemptFailed);
    const waited = progress.elapsed();
    if (result.ok) progress.succeed(`${name} ready after ${formatDuration(waited)}`);
    else progress.stop();
    return readinessJson(name, await client.get(name).catch(() => record), waited, result.ok ? null : result.line);
  }
  const answer = await settledAnswer(client, name, await client.wait(name, "ready", timeoutMs));
  const waited = progress.elapsed();
  if (answer.outcome === "ready") {
    // How long the run took to be ready, not this wait: it may have been ready long before.
    const after = readyAfter(answer.record);
    progress.succeed(`${name} ready${after ? ` (${after} after it started)` : ""}`);
    return readinessJson(name, answer.record, waited, null);
  }
  progress.stop();
  return readinessJson(name, answer.record, waited, failureLine(name, answer.outcome, answer.record, waited));
}

/**
 * `wait --exit`: the process's own exit status becomes ours, as if it ran in the foreground.
 * Without a supervisor the record on disk is the last word, if it says how the process ended.
 */
async function waitForExit(client: TendClient, name: string, timeout: string | undefined, json: boolean): Promise<number> {
  const timeoutMs = durationOption("--timeout", timeout) ?? 24 * 3600_000;
  if (!json) warmUp();
  const answer = await client.wait(name, "exit", timeoutMs);
  if (answer.outcome === "timeout") {
    const reason = `${name} still running after ${timeout}`;
    await reportNotReady(client, name, reason, 0);
    if (json) printJson({ ...splitName(name), ended: false, exitCode: null, exitSignal: null, status: 1, reason });
    return 1;
  }
  const record: ProcessRecord | null = answer.record;
  if (!record) throw new TendError(`${name} was removed before it ended`, "not_found");
  const { exitCode, exitSignal } = record.status;
  const status = shellExitCode(exitCode, exitSignal);
  consola.info(`${name} ended (${describeExit(exitCode, exitSignal)})`);
  if (json) printJson({ ...splitName(name), ended: true, exitCode, exitSignal, status, reason: null });
  return status;
}
