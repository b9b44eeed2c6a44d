import { defineCommand } from "citty";
import { consola } from "consola";
import { formatDuration, parseDuration } from "../../core/duration";
import { TendError, UsageError } from "../../core/errors";
import { PROBE_DEFAULTS, describeProbe, type ProbeSpec } from "../../core/probe-spec";
import { probeFromFlags } from "../../core/probe-flags";
import { isSettled, type ProcessRecord } from "../../core/process-status";
import { describeExit } from "../../core/restart-policy";
import type { ApiClient } from "../../client/api-client";
import { probeUntilReady } from "../../client/client-probe";
import { runningSupervisor } from "../../client/running-supervisor";
import { shellExitCode, waitOn } from "../../client/wait";
import { layout, tendHome, type HomeLayout } from "../../platform/paths";
import { readProcessRecords } from "../../platform/process-records";
import { signalNumber } from "../../platform/process-group";
import { Progress } from "../progress";
import { failureLine, readyAfter, reportNotReady } from "../readiness-report";
import { probeArgs, probeFlagsOf, tailOf } from "./_shared";

export default defineCommand({
  meta: { name: "wait", description: "Wait until processes are ready (their probe, or the one given), or with --exit until one ends" },
  args: {
    names: { type: "positional", required: false, description: "Names of the processes" },
    exit: { type: "boolean", description: "Wait until the process ends and exit with its exit code (signal n: 128+n)" },
    ...probeArgs,
  },
  async run({ args }) {
    const names = args._.filter((n) => n !== "--");
    if (names.length === 0) throw new UsageError("give one or more names");
    const probe = probeFromFlags(probeFlagsOf(args));
    const paths = layout(tendHome());
    const sup = runningSupervisor(paths);
    const tail = tailOf(args);

    if (args.exit) {
      if (names.length !== 1) throw new UsageError("--exit waits for exactly one process");
      if (probe) throw new UsageError("--exit and a readiness probe do not go together");
      return waitForExit(names[0]!, sup?.api ?? null, paths, args.timeout);
    }
    if (!sup) throw new TendError("no supervisor is running, so nothing can become ready", "unreachable", 'start processes with "tend bg" or "tend start"');
    const timeoutMs = probe?.timeoutMs ?? parseTimeout(args.timeout) ?? PROBE_DEFAULTS.timeoutMs;
    const results = await Promise.all(names.map((name) => waitReady(sup.api, name, probe, timeoutMs)));
    let failed = 0;
    for (const r of results) {
      if (r.ok) continue;
      failed += 1;
      await reportNotReady(paths, r.name, r.line, tail);
    }
    return failed > 0 ? 1 : 0;
  },
});

function parseTimeout(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  try {
    return parseDuration(raw);
  } catch (error) {
    throw new UsageError(`--timeout: ${(error as Error).message}`);
  }
}

async function waitReady(api: ApiClient, name: string, probe: ProbeSpec | null, timeoutMs: number): Promise<{ name: string; ok: boolean; line: string }> {
  const record = await api.get<ProcessRecord>(`/v1/processes/${encodeURIComponent(name)}`);
  const given = probe ?? null;
  const progress = new Progress(`waiting for ${name} to be ready${given ? ` (${describeProbe(given)})` : record.spec.ready ? ` (${describeProbe(record.spec.ready)})` : ""}`);
  if (given) {
    const result = await probeUntilReady(api, record, given);
    if (result.ok) progress.succeed(`${name} ready after ${formatDuration(progress.elapsed())}`);
    else progress.stop();
    return { name, ...result };
  }
  const answer = await waitOn(api, name, "ready", timeoutMs);
  if (answer.outcome === "ready") {
    const after = readyAfter(answer.record);
    progress.succeed(`${name} ready${after ? ` after ${after}` : ""}`);
    return { name, ok: true, line: "" };
  }
  const line = failureLine(name, answer.outcome, answer.record, progress.elapsed());
  progress.stop();
  return { name, ok: false, line };
}

/** `wait --exit`: the process's own exit status becomes ours, as if it ran in the foreground. */
async function waitForExit(name: string, api: ApiClient | null, paths: HomeLayout, timeout: string | undefined): Promise<number> {
  const timeoutMs = parseTimeout(timeout) ?? 24 * 3600_000;
  let record: ProcessRecord | null;
  if (api) {
    const answer = await waitOn(api, name, "exit", timeoutMs);
    if (answer.outcome === "timeout") {
      await reportNotReady(paths, name, `${name} still running after ${timeout}`, 0);
      return 1;
    }
    record = answer.record;
  } else {
    // No supervisor: the record on disk is the last word, if it says how the process ended.
    record = readProcessRecords(paths).records.find((r) => r.spec.name === name) ?? null;
    if (!record) throw new TendError(`no process named "${name}"`, "not_found");
    if (!isSettled(record.status.state)) {
      throw new TendError(`no supervisor is running, and ${name} had not ended when it was last recorded`, "unreachable", 'see "tend status"');
    }
  }
  if (!record) throw new TendError(`${name} was removed before it ended`, "not_found");
  const code = shellExitCode(record.status.exitCode, record.status.exitSignal, signalNumber);
  consola.info(`${name} ended (${describeExit(record.status.exitCode, record.status.exitSignal)})`);
  return code;
}
