import { expect, test } from "bun:test";
import { fullName } from "../../src/core/names";
import { defaultsFor } from "../../src/core/process-spec";
import type { ProcessRecord } from "../../src/core/process-status";
import { listEntries } from "../../src/ui/list-view";
import { Model, shownName } from "../../src/ui/model";

/** A record as tend makes it: a process of a project has its full name and its project. */
function record(name: string, project?: string | null): ProcessRecord {
  const full = fullName(project, name);
  const spec = { ...defaultsFor("session"), name: full, command: ["sleep", "1"], shell: false, ...(project ? { project: { name: project, dir: `/srv/${project}` } } : {}) };
  const status = {
    name: full, project: project ?? null, origin: "session", state: "running", reason: null, pid: 1, pidStartTime: null, restarts: 0, exitCode: null, exitSignal: null,
    startedAt: 0, endedAt: null, nextRestartAt: null, marker: null, worktree: null, readyAt: null, notReady: null, probeError: null,
  } as ProcessRecord["status"];
  return { spec, status } as ProcessRecord;
}

function shown(records: ProcessRecord[]): string[] {
  const model = new Model();
  model.setView({ state: "stopped", processes: records, cleaned: null, lost: [] });
  return listEntries(model.groups()).map((e) => (e.kind === "group" ? `# ${e.project ?? "(none)"} ${e.count}` : shownName(e.record)));
}

test("without projects the list is one group, sorted by name, with no headings", () => {
  expect(shown([record("web"), record("db"), record("api")])).toEqual(["api", "db", "web"]);
  expect(shown([record("web", null), record("db", null)])).toEqual(["db", "web"]);
});

test("with projects each has a heading, sorted, and processes of no project come last", () => {
  const records = [record("web", "shop"), record("web", "blog"), record("db", "shop"), record("scratch", null)];
  expect(shown(records)).toEqual(["# blog 1", "web", "# shop 2", "db", "web", "# (none) 1", "scratch"]);
});

test("the same name in two projects is two processes", () => {
  const model = new Model();
  model.setView({ state: "stopped", processes: [record("web", "a"), record("web", "b")], cleaned: null, lost: [] });
  expect(model.all()).toHaveLength(2);
  model.removed(record("web", "a"));
  expect(model.all().map((r) => r.spec.name)).toEqual(["b/web"]);
});
