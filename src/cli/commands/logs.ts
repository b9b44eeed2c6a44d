import { defineCommand } from "citty";
import type { LogEntry, LogsRequest } from "../../client/logs";
import { tendClient } from "../../client/tend-client";
import { parseTimestamp, type StreamName } from "../../core/cri";
import { parseDuration } from "../../core/duration";
import { UsageError } from "../../core/errors";
import { colorEnabled } from "../colors";
import { logFormatter } from "../log-format";
import { onGitHubActions } from "../github-actions";
import { dumpLogs, failed } from "../log-dump";
import { jsonArg, projectArg, scopeFor } from "./_shared";

const HINT = 'see "tend logs --help"';

type LogFilter = LogsRequest["filter"];

function filterFrom(args: { tail?: string; since?: string; stream?: string }): LogFilter {
  const filter: LogFilter = {};
  if (args.tail !== undefined) {
    if (!/^\d+$/.test(args.tail)) throw new UsageError(`invalid -n "${args.tail}": expected a number of lines`, HINT);
    filter.tail = Number(args.tail);
  }
  if (args.since !== undefined) {
    let ns = parseTimestamp(args.since);
    if (ns === null) {
      try {
        ns = BigInt(Date.now() - parseDuration(args.since)) * 1_000_000n;
      } catch {
        throw new UsageError(`invalid --since "${args.since}": expected a duration like 10m or a time like 2026-11-24T03:26:19Z`, HINT);
      }
    }
    filter.sinceNs = ns;
  }
  if (args.stream !== undefined) {
    if (args.stream !== "stdout" && args.stream !== "stderr") throw new UsageError(`invalid --stream "${args.stream}": expected stdout or stderr`, HINT);
    filter.stream = args.stream as StreamName;
  }
  return filter;
}

/** Writes and, when the reader of our stdout lags, waits: the wait reaches the supervisor as backpressure. */
function write(text: string): Promise<void> | void {
  if (process.stdout.write(text)) return;
  return new Promise((resolve) => process.stdout.once("drain", resolve));
}

export default defineCommand({
  meta: { name: "logs", description: "Print the output of processes (-f to follow it live)" },
  args: {
    names: { type: "positional", required: false, description: "Processes to show (several interleave by time)" },
    all: { type: "boolean", description: "Every process of every project" },
    ...projectArg,
    follow: { type: "boolean", alias: "f", description: "Keep printing new lines until the processes end for good" },
    tail: { type: "string", valueHint: "N", alias: "n", description: "Only the last N lines of each process" },
    since: { type: "string", valueHint: "D|TIME", description: "Only lines since a duration ago (10m) or an RFC 3339 time" },
    timestamps: { type: "boolean", alias: "t", description: "Prefix each line with its time" },
    stream: { type: "string", valueHint: "stdout|stderr", description: "Only stdout or stderr" },
    failed: { type: "boolean", description: "Only processes that crashed, were parked, exited non-zero or are restarting after failing" },
    ...jsonArg,
  },
  async run({ args }) {
    const typed = args._.map(String);
    if (typed.length > 0 && args.all) throw new UsageError("give names or --all, not both", HINT);
    const client = tendClient();
    const filter = filterFrom(args);
    const { scope, records } = await scopeFor(client, args, true);
    let names = typed.map(scope.resolve);
    let all = args.all === true;
    // In a project's folder (or with -p) no names means the project's processes.
    if (names.length === 0 && !all && !args.failed) {
      if (scope.project === null) throw new UsageError("give one or more names, or --all", HINT);
      names = records.filter(scope.includes).map((r) => r.spec.name);
      if (names.length === 0) throw new UsageError(`project ${scope.project} has no processes`, HINT);
    }
    const known = args.failed || onGitHubActions() ? (await client.status()).processes.filter(scope.includes) : [];
    if (args.failed) {
      const failing = known.filter(failed).map((r) => r.spec.name);
      names = names.length > 0 ? names.filter((n) => failing.includes(n)) : failing;
      all = false;
      if (names.length === 0) {
        process.stderr.write(`tend: no process has failed (${known.length} checked)\n`);
        return 0;
      }
    }
    // On GitHub Actions a dump of several logs comes one process at a time, each in a fold.
    const color = colorEnabled(process.stdout);
    if (onGitHubActions() && !args.follow && !args.json && (all || args.failed || names.length > 1)) {
      const every = all ? await client.logNames() : names;
      await dumpLogs(client, every, known, { filter, timestamps: args.timestamps === true, color }, write);
      return 0;
    }
    const req: LogsRequest = { names, all, follow: args.follow === true, filter };
    let format: (e: LogEntry) => string = () => "";
    const outcome = await client.logs(req, {
      start(resolved) {
        format = logFormatter(resolved, { prefixed: req.all || args.failed === true || resolved.length > 1, timestamps: args.timestamps === true, json: args.json === true, color });
      },
      lines(batch) {
        let text = "";
        for (const e of batch) text += format(e);
        return write(text);
      },
    });
    if (outcome.kind === "dropped") {
      process.stderr.write("tend: log stream dropped: reader too slow\n");
      return 1;
    }
    if (outcome.kind === "offline" && outcome.unanswered) {
      process.stderr.write(`tend: ${outcome.unanswered}; the lines above are from its log files${req.follow ? ", and nothing more will come" : ""}\n`);
    } else if (outcome.kind === "offline" && req.follow && outcome.stillRunning.length > 0) {
      process.stderr.write(
        `tend: no supervisor is running, so nothing more will come (${outcome.stillRunning.join(", ")} ${outcome.stillRunning.length === 1 ? "was" : "were"} still running when last recorded; see "tend status")\n`,
      );
    }
    return 0;
  },
});
