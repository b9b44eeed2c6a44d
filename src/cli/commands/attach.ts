import { defineCommand } from "citty";
import { TendError } from "../../core/errors";

export default defineCommand({
  meta: { name: "attach", description: "(not available yet)" },
  args: {},
  run() {
    throw new TendError("tend attach is not available yet", "not_implemented");
  },
});
