import { systemClock } from "../core/clock";
import { exitedBeforeReady, notReadyMessage, type ProbeSpec } from "../core/probe-spec";
import type { ProcessRecord } from "../core/process-status";
import { ReadinessWatcher } from "../platform/readiness";
import type { TendClient } from "./tend-client-types";

/**
 * `tend wait NAME --ready-…`: runs a probe given on the command line against a running process,
 * from here. Fails as soon as the process ends; a log probe reads the process's live output.
 */
export function probeUntilReady(
  client: TendClient,
  record: ProcessRecord,
  probe: ProbeSpec,
  attemptFailed?: (error: string) => void,
): Promise<{ ok: boolean; line: string }> {
  const name = record.spec.name;
  return new Promise((resolve) => {
    let done = false;
    const abort = new AbortController();
    const finish = (ok: boolean, line: string) => {
      if (done) return;
      done = true;
      watcher.cancel();
      abort.abort();
      resolve({ ok, line });
    };
    const watcher = new ReadinessWatcher(
      probe,
      {
        clock: systemClock,
        cwd: record.spec.cwd ?? process.cwd(),
        env: process.env as Record<string, string>,
        owner: { name, tree: () => ({ pgid: record.status.pid, marker: record.status.marker }) },
      },
      {
        ready: () => finish(true, ""),
        timedOut: (ms, err) => finish(false, `${name} ${notReadyMessage(ms, probe, err)}`),
        held: (message) => finish(false, `${name} ${message}`),
        attemptFailed,
      },
    );
    watcher.start();
    void client.wait(name, "exit", probe.timeoutMs + 1000, abort.signal).then((answer) => {
      if (answer.outcome !== "exited") return;
      const s = answer.record?.status;
      finish(false, exitedBeforeReady(name, s?.exitCode ?? null, s?.exitSignal ?? null));
    }, () => {});
    if (probe.check.kind === "log") {
      void client.logs({ names: [name], all: false, follow: true, filter: { tail: 0 } }, {
        start() {},
        lines(batch) {
          if (done) throw new Error("done");
          for (const e of batch) watcher.line(e.text);
        },
      }).catch(() => {});
    }
  });
}

/**
 * A probe run from here against no process in particular (`tend run --ready-port 3000 -- …`):
 * null once it passes, else why it gave up.
 */
export function probeHere(probe: ProbeSpec, attemptFailed?: (error: string) => void): Promise<string | null> {
  return new Promise((resolve) => {
    new ReadinessWatcher(probe, { clock: systemClock, cwd: process.cwd(), env: process.env as Record<string, string> }, {
      ready: () => resolve(null),
      timedOut: (ms, err) => resolve(notReadyMessage(ms, probe, err)),
      attemptFailed,
    }).start();
  });
}
