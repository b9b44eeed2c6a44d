import { defineCommand } from "citty";
import { tendClient, type Attachment } from "../../client/tend-client";
import { UsageError } from "../../core/errors";
import { fullNameProblem } from "../../core/names";
import { projectArg, scopeFor } from "./_shared";
import { lastScreenText } from "../../core/screen-capture";
import { endedLine, runAttach } from "../attach-session";
import { DEFAULT_DETACH_KEY, keyLabel, parseDetachKey } from "../detach-key";

/** No supervisor holds the process: show how it ended, as attaching to it through one would. */
function showEnded(ended: Extract<Attachment, { kind: "ended" }>): number {
  const { record, screen, lines } = ended;
  if (screen) process.stdout.write(lastScreenText(screen, process.stdout.isTTY === true, "\n"));
  for (const line of lines) process.stdout.write(`${line}\n`);
  process.stderr.write(`${ended.watched ? endedLine(record.spec.name, record.status) : `[${record.spec.name} ended while no supervisor watched it]`}\n`);
  return 0;
}

export default defineCommand({
  meta: { name: "attach", description: "Show a process's output live and send it your keystrokes; detach with Ctrl-\\ and it keeps running" },
  args: {
    name: { type: "positional", required: true, description: "The process to attach to" },
    "detach-key": { type: "string", valueHint: "KEY", description: "Key that detaches: ctrl-\\ (default), ctrl-], ctrl-a…ctrl-z" },
    ...projectArg,
  },
  async run({ args }) {
    const problem = fullNameProblem(args.name);
    if (problem) throw new UsageError(`bad process name "${args.name}": ${problem}`);
    const keyName = args["detach-key"] ?? DEFAULT_DETACH_KEY;
    const detachByte = parseDetachKey(keyName);
    const client = tendClient();
    const target = await client.attach((await scopeFor(client, args)).scope.resolve(args.name));
    if (target.kind === "ended") return showEnded(target);
    return runAttach({ open: target.open, record: target.record, detachByte, detachLabel: keyLabel(keyName) });
  },
});
