import { defineCommand } from "citty";
import { consola } from "consola";
import type { ProcessRecord } from "../../core/process-status";
import { TendError, UsageError } from "../../core/errors";
import { ApiClient } from "../../client/api-client";
import { ensureSupervisor } from "../../client/ensure-supervisor";
import { layout, tendHome } from "../../platform/paths";
import { readProcessRecords } from "../../platform/process-records";
import { runningSupervisor } from "../../client/running-supervisor";

export default defineCommand({
  meta: { name: "restart", description: "Stop processes (gracefully) and start them again with a fresh restart history" },
  args: {
    names: { type: "positional", required: false, description: "Names of the processes" },
  },
  async run({ args }) {
    const names = args._.filter((n) => n !== "--");
    if (names.length === 0) throw new UsageError("give one or more names");
    const paths = layout(tendHome());
    let api = runningSupervisor(paths)?.api;
    if (!api) {
      // A finished session can be restarted after its supervisor left: start one for it.
      const known = readProcessRecords(paths).records.map((r) => r.spec.name);
      const missing = names.find((n) => !known.includes(n));
      if (missing) throw new TendError(`no process named "${missing}"`, "not_found", known.length ? `known: ${known.join(", ")}` : "there are no processes");
      api = new ApiClient((await ensureSupervisor(paths, process.cwd())).socket);
    }
    for (const name of names) {
      const record = await api.post<ProcessRecord>(`/v1/processes/${encodeURIComponent(name)}/restart`);
      consola.success(`restarted ${name} (pid ${record.status.pid})`);
    }
    return 0;
  },
});
