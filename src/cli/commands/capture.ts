import { defineCommand } from "citty";
import { tendClient } from "../../client/tend-client";
import { UsageError } from "../../core/errors";
import { fullNameProblem } from "../../core/names";
import { captureJson, captureText, SCREEN_SCROLLBACK } from "../../core/screen-capture";
import { jsonArg, projectArg, scopeFor } from "./_shared";

export default defineCommand({
  meta: { name: "capture", description: "Print the screen of a --tty session as text, as it is now or as it was when it ended" },
  args: {
    name: { type: "positional", required: true, description: "The session" },
    scrollback: { type: "string", valueHint: "N", alias: "S", description: `Also the last N lines of history above the screen (at most ${SCREEN_SCROLLBACK})` },
    ansi: { type: "boolean", description: "Keep colours and attributes as escape sequences" },
    ...projectArg,
    ...jsonArg,
  },
  async run({ args }) {
    const problem = fullNameProblem(args.name);
    if (problem) throw new UsageError(`bad process name "${args.name}": ${problem}`);
    const raw = args.scrollback ?? "0";
    const scrollback = Number(raw);
    if (!/^\d+$/.test(raw)) throw new UsageError(`invalid -S "${raw}": expected a number of lines`, 'see "tend capture --help"');
    const client = tendClient();
    const name = (await scopeFor(client, args)).scope.resolve(args.name);
    const capture = await client.capture(name, scrollback);
    process.stdout.write(args.json ? captureJson(name, capture, args.ansi === true) : captureText(capture, args.ansi === true));
    return 0;
  },
});
