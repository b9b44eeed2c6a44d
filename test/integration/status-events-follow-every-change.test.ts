import { afterEach, expect, test } from "bun:test";
import type { StatusEvent } from "../../src/core/api-types";
import { defaultsFor, type ProcessSpec } from "../../src/core/process-spec";
import type { ProcessRecord } from "../../src/core/process-status";
import { tendClient, type SupervisorView } from "../../src/client/tend-client";
import { runSupervisor, type SupervisorHandle } from "../../src/supervisor/run";
import { useTendHome, waitFor } from "../helpers/home";

let running: SupervisorHandle[] = [];
const t = useTendHome({ beforeReap: () => Promise.all(running.map((h) => h.shutdown())) });
afterEach(() => {
  running = [];
});

async function supervisor(): Promise<SupervisorHandle> {
  const h = await runSupervisor({ home: t.home, dir: t.home, name: null, mode: "start", detached: false });
  running.push(h);
  return h;
}

function spec(name: string): ProcessSpec {
  return { ...defaultsFor("session"), name, command: ["sleep", "30"], shell: false, cwd: t.home, graceMs: 1000 };
}

/** Every event of `GET /v1/events` as it comes, until the stream ends. */
function readEvents(h: SupervisorHandle): { events: StatusEvent[]; ended: Promise<void> } {
  const events: StatusEvent[] = [];
  const ended = (async () => {
    const res = await fetch("http://tend/v1/events", { unix: h.info.socket });
    expect(res.headers.get("content-type")).toStartWith("application/x-ndjson");
    let rest = "";
    for await (const chunk of res.body!) {
      rest += Buffer.from(chunk).toString("utf8");
      const lines = rest.split("\n");
      rest = lines.pop()!;
      for (const line of lines) if (line !== "") events.push(JSON.parse(line));
    }
  })();
  return { events, ended };
}

test("the event stream starts with the status and then carries every change, removal and the stop", async () => {
  const h = await supervisor();
  await h.supervisor.add([spec("before")]);
  const { events, ended } = readEvents(h);
  await waitFor("the status", () => events.length > 0);
  const first = events[0]!;
  expect(first.type).toBe("status");
  expect(first.type === "status" && first.processes.map((r) => r.spec.name)).toEqual(["before"]);

  await h.supervisor.add([spec("web")]);
  const changesOf = (name: string) => events.flatMap((e) => (e.type === "change" && e.record.spec.name === name ? [e.record] : []));
  await waitFor("web running", () => changesOf("web").some((r) => r.status.state === "running"));
  await h.supervisor.restart("web");
  await waitFor("web restarted", () => changesOf("web").some((r) => r.status.restarts === 1 && r.status.state === "running"));
  await h.supervisor.remove("web", {});
  await waitFor("web removed", () => events.some((e) => e.type === "removed" && e.record.spec.name === "web"));

  await h.shutdown();
  await ended;
  expect(events.some((e) => e.type === "closing")).toBe(true);
  // The session's last change, stopped, came before the stream ended.
  expect(changesOf("before").at(-1)?.status.state).toBe("stopped");
}, 20_000);

test("the client's watch follows one supervisor going and the next one coming", async () => {
  const views: SupervisorView[] = [];
  const changes: ProcessRecord[] = [];
  const close = tendClient(t.home).watch({
    view: (v) => views.push(v),
    change: (r) => changes.push(r),
    removed: () => {},
    closing: () => {},
  });
  try {
    await waitFor("the first view", () => views.length > 0);
    expect(views[0]!.state).toBe("stopped");
    const first = await supervisor();
    await waitFor("the first supervisor", () => views.some((v) => v.state === "running" && v.info.pid === first.info.pid));
    await first.supervisor.add([spec("web")]);
    await waitFor("web running", () => changes.some((r) => r.spec.name === "web" && r.status.state === "running"));
    await first.shutdown();
    await waitFor("no supervisor", () => views.at(-1)?.state === "stopped");
    // A second supervisor of the same home (in this process, so with the same pid) is found again.
    const seen = views.length;
    await supervisor();
    await waitFor("the second supervisor", () => views.slice(seen).some((v) => v.state === "running"));
  } finally {
    close();
  }
}, 20_000);
