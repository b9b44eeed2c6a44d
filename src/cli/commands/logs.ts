import { defineCommand } from "citty";
import { TendError } from "../../core/errors";

export default defineCommand({
  meta: { name: "logs", description: "(not available yet)" },
  args: {},
  run() {
    throw new TendError("tend logs is not available yet", "not_implemented");
  },
});
