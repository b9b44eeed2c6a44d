import { KEEP_ALIVE_MS, type StatusEvent } from "../core/api-types";
import type { ProcessRecord } from "../core/process-status";
import { watchFolder } from "../platform/folder-watch";
import type { HomeLayout } from "../platform/paths";
import { readSupervisorState } from "../platform/supervisor-file";
import { answerTimeoutMs, ApiClient } from "./api-client";
import { NdjsonSplitter } from "./ndjson";
import { OfflineClient } from "./offline-client";
import { OnlineClient } from "./online-client";
import type { SupervisorView } from "./tend-client-types";

export interface StatusHandlers {
  /** The whole picture: on connecting, and whenever the supervisor stopped, went or does not answer. */
  view(view: SupervisorView): void;
  change(record: ProcessRecord): void;
  removed(record: ProcessRecord): void;
  /** The supervisor began to stop everything. */
  closing(): void;
}

/** How soon a supervisor that lives but does not answer is asked again. */
const UNANSWERED_RETRY_MS = 1000;

/**
 * Follows the home's status for as long as it is not closed: the supervisor's event stream while
 * one answers; when none runs, the records it left, until a supervisor appears (the home folder
 * is watched for its `supervisor.json`, not read over and over). Returns the close function.
 */
export function watchStatus(paths: HomeLayout, handlers: StatusHandlers): () => void {
  const abort = new AbortController();
  let wake: () => void = () => {};
  const changed = () => wake();
  const stopWatching = watchFolder(paths.home, changed);
  const nextChange = (timeoutMs?: number) =>
    new Promise<void>((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(resolve, timeoutMs);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  void (async () => {
    while (!abort.signal.aborted) {
      // Armed before the look, so a supervisor that appears in between is not missed.
      const change = nextChange();
      const state = readSupervisorState(paths);
      if (state.kind !== "running") {
        handlers.view(await new OfflineClient(paths, state).status());
        await change;
        continue;
      }
      const followed = await follow(new ApiClient(state.info), handlers, abort.signal);
      if (abort.signal.aborted) return;
      // A supervisor that said it stops removes its supervisor.json a moment after the stream ends.
      if (followed === "closed") await Promise.race([change, Bun.sleep(UNANSWERED_RETRY_MS)]);
      if (followed !== "failed") continue;
      handlers.view(await new OnlineClient(paths, state.info).status());
      // Alive but silent (or too old to have the stream): asked again in a moment.
      await nextChange(UNANSWERED_RETRY_MS);
    }
  })();

  return () => {
    abort.abort();
    stopWatching();
    wake();
  };
}

/**
 * Reads the event stream until it ends: `closed` after the supervisor said it stops, `ended`
 * when it broke off without a word (killed), `failed` when it could not be opened or went
 * silent.
 */
async function follow(api: ApiClient, handlers: StatusHandlers, signal: AbortSignal): Promise<"closed" | "ended" | "failed"> {
  let body: ReadableStream<Uint8Array>;
  try {
    body = await api.stream("/v1/events", signal);
  } catch {
    return "failed";
  }
  const splitter = new NdjsonSplitter();
  const reader = body.getReader();
  let closing = false;
  // The stream says something at least every KEEP_ALIVE_MS: a longer silence is a supervisor
  // that stopped answering (frozen, swamped), not a quiet one.
  const silenceMs = KEEP_ALIVE_MS + answerTimeoutMs();
  let silent = false;
  try {
    for (;;) {
      const watchdog = setTimeout(() => {
        silent = true;
        void reader.cancel();
      }, silenceMs);
      const { done, value } = await reader.read().finally(() => clearTimeout(watchdog));
      if (silent) return "failed";
      if (done) break;
      for (const line of splitter.push(value)) {
        const event = JSON.parse(line) as StatusEvent;
        if (event.type === "status") handlers.view({ state: "running", info: event.supervisor, processes: event.processes });
        else if (event.type === "change") handlers.change(event.record);
        else if (event.type === "removed") handlers.removed(event.record);
        else {
          closing = true;
          handlers.closing();
        }
      }
    }
  } catch {
    // Broken off: whoever answers now is looked for again.
  }
  if (silent) return "failed";
  return closing ? "closed" : "ended";
}
