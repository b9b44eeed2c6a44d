import { defineCommand } from "citty";
import { ATTACH_LAST_LINES } from "../../core/attach-protocol";
import { TendError, UsageError } from "../../core/errors";
import { nameProblem } from "../../core/names";
import { isSettled, type ProcessRecord } from "../../core/process-status";
import { ApiClient } from "../../client/api-client";
import { lastScreenOnDisk } from "../../client/capture";
import { lastScreenText } from "../../core/screen-capture";
import { lastLoggedLines } from "../../platform/log-tail";
import { layout, tendHome, type HomeLayout } from "../../platform/paths";
import { readProcessRecords, recordedProcessAlive } from "../../platform/process-records";
import { readSupervisorState } from "../../platform/supervisor-file";
import { endedLine, runAttach } from "../attach-session";
import { DEFAULT_DETACH_KEY, keyLabel, parseDetachKey } from "../detach-key";

/**
 * Without a supervisor nothing runs, but a finished session's record and log stay on disk:
 * show how it ended, as attaching to it through a supervisor would.
 */
function showFinished(paths: HomeLayout, name: string): number {
  const records = readProcessRecords(paths).records;
  const record = records.find((r) => r.spec.name === name);
  if (!record) {
    const known = records.map((r) => r.spec.name);
    throw new TendError(
      `no supervisor is running, and there is no finished session named "${name}"`,
      "not_running",
      known.length ? `known: ${known.join(", ")}` : 'start a session with "tend bg --tty -- CMD"',
    );
  }
  const settled = isSettled(record.status.state);
  if (!settled && recordedProcessAlive(record)) {
    throw new TendError(
      `"${name}" was left running by a supervisor that is gone, and nothing holds its input and output now`,
      "not_attachable",
      `end it with "tend kill ${name}"`,
    );
  }
  if (record.spec.tty) {
    const screen = lastScreenOnDisk(paths.home, name, record);
    process.stdout.write(lastScreenText(screen, process.stdout.isTTY === true, "\n"));
  } else {
    for (const line of lastLoggedLines(paths.logsDir, name, ATTACH_LAST_LINES)) process.stdout.write(`${line}\n`);
  }
  process.stderr.write(`${settled ? endedLine(name, record.status) : `[${name} ended while no supervisor watched it]`}\n`);
  return 0;
}

export default defineCommand({
  meta: { name: "attach", description: "Show a process's output live and send it your keystrokes; detach with Ctrl-\\ and it keeps running" },
  args: {
    name: { type: "positional", required: true, description: "The process to attach to" },
    "detach-key": { type: "string", description: "Key that detaches: ctrl-\\ (default), ctrl-], ctrl-a…ctrl-z" },
  },
  async run({ args }) {
    const problem = nameProblem(args.name);
    if (problem) throw new UsageError(`bad process name "${args.name}": ${problem}`);
    const keyName = args["detach-key"] ?? DEFAULT_DETACH_KEY;
    const detachByte = parseDetachKey(keyName);
    const paths = layout(tendHome());
    const state = readSupervisorState(paths);
    if (state.kind !== "running") return showFinished(paths, args.name);
    const record = await new ApiClient(state.info.socket).get<ProcessRecord>(`/v1/processes/${args.name}`);
    return runAttach({ socket: state.info.socket, record, detachByte, detachLabel: keyLabel(keyName) });
  },
});
