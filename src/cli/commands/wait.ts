import { defineCommand } from "citty";
import { consola } from "consola";
import { formatDuration, parseDuration } from "../../core/duration";
import { TendError, UsageError } from "../../core/errors";
import { PROBE_DEFAULTS, describeProbe, type ProbeSpec } from "../../core/probe-spec";
import { probeFromFlags } from "../../core/probe-flags";
import type { ProcessRecord } from "../../core/process-status";
import { describeExit } from "../../core/restart-policy";
import { probeUntilReady } from "../../client/client-probe";
import { shellExitCode } from "../../client/exit-code";
import { cannotBecomeReady } from "../../client/offline-client";
import { tendClient, type TendClient } from "../../client/tend-client";
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
    const client = tendClient();
    const tail = tailOf(args);

    if (args.exit) {
      if (names.length !== 1) throw new UsageError("--exit waits for exactly one process");
      if (probe) throw new UsageError("--exit and a readiness probe do not go together");
      return waitForExit(client, names[0]!, args.timeout);
    }
    if (!client.supervisor()) throw cannotBecomeReady(names[0]!);
    const timeoutMs = probe?.timeoutMs ?? parseTimeout(args.timeout) ?? PROBE_DEFAULTS.timeoutMs;
    const results = await Promise.all(names.map((name) => waitReady(client, name, probe, timeoutMs)));
    let failed = 0;
    for (const r of results) {
      if (r.ok) continue;
      failed += 1;
      await reportNotReady(client, r.name, r.line, tail);
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

async function waitReady(client: TendClient, name: string, probe: ProbeSpec | null, timeoutMs: number): Promise<{ name: string; ok: boolean; line: string }> {
  const record = await client.get(name);
  const given = probe ?? null;
  const progress = new Progress(`waiting for ${name} to be ready${given ? ` (${describeProbe(given)})` : record.spec.ready ? ` (${describeProbe(record.spec.ready)})` : ""}`);
  if (given) {
    const result = await probeUntilReady(client, record, given);
    if (result.ok) progress.succeed(`${name} ready after ${formatDuration(progress.elapsed())}`);
    else progress.stop();
    return { name, ...result };
  }
  const answer = await client.wait(name, "ready", timeoutMs);
  if (answer.outcome === "ready") {
    const after = readyAfter(answer.record);
    progress.succeed(`${name} ready${after ? ` after ${after}` : ""}`);
    return { name, ok: true, line: "" };
  }
  const line = failureLine(name, answer.outcome, answer.record, progress.elapsed());
  progress.stop();
  return { name, ok: false, line };
}

/**
 * `wait --exit`: the process's own exit status becomes ours, as if it ran in the foreground.
 * Without a supervisor the record on disk is the last word, if it says how the process ended.
 */
async function waitForExit(client: TendClient, name: string, timeout: string | undefined): Promise<number> {
  const timeoutMs = parseTimeout(timeout) ?? 24 * 3600_000;
  const answer = await client.wait(name, "exit", timeoutMs);
  if (answer.outcome === "timeout") {
    await reportNotReady(client, name, `${name} still running after ${timeout}`, 0);
    return 1;
  }
  const record: ProcessRecord | null = answer.record;
  if (!record) throw new TendError(`${name} was removed before it ended`, "not_found");
  consola.info(`${name} ended (${describeExit(record.status.exitCode, record.status.exitSignal)})`);
  return shellExitCode(record.status.exitCode, record.status.exitSignal);
}
