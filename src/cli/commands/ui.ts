import { defineCommand } from "citty";
import { UsageError } from "../../core/errors";

export default defineCommand({
  meta: { name: "ui", description: "Watch and steer every process full-screen: list, logs, keys and a : command line (? lists the keys)" },
  args: {},
  async run() {
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      throw new UsageError("tend ui needs a terminal: its input and output must both be one", 'in a script use "tend ps", "tend logs -f" and the other commands');
    }
    // Loaded only here, so no other command pays for the UI.
    return (await import("../../ui/app")).runUi();
  },
});
