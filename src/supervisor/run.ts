import { TendError } from "../core/errors";
import type { SupervisorInfo } from "../core/supervisor-info";
import { stopVerdict, type StopSignal } from "../core/stop-signals";
import { VERSION } from "../core/version";
import { claimSocketPath } from "../platform/home-trust";
import { withLock } from "../platform/lock";
import { osErrorText } from "../platform/os-error";
import { ensureHome, folderIdentity, layout } from "../platform/paths";
import { startReaper } from "../platform/reaper";
import { signalStarted } from "../platform/start-signal";
import { processStartTime } from "../platform/proc-identity";
import { clearSupervisorState, readSupervisorState, writeSupervisorInfo } from "../platform/supervisor-file";
import { serveApi } from "./api-server";
import { Supervisor, type SpawnMode, type SupervisorEvents } from "./supervisor";

export interface RunOptions {
  home: string;
  dir: string;
  name: string | null;
  mode: SupervisorInfo["mode"];
  detached: boolean;
  capacity?: number;
  spawnMode?: SpawnMode;
  /** How long an on-demand supervisor stays once nothing runs, queues or waits to restart. */
  lingerMs?: number;
  /** Where the launcher waits to hear that the supervisor answers (platform/start-signal.ts). */
  startSignalFd?: number;
  events?: SupervisorEvents;
}

export const DEFAULT_LINGER_MS = 3000;
const MIN_LINGER_MS = 500;
const FIRST_REQUEST_WAIT_MS = 10_000;
const HOME_CHECK_MS = 1000;

export interface SupervisorHandle {
  supervisor: Supervisor;
  info: SupervisorInfo;
  /** Graceful stop of every process, then the supervisor's own state goes. Idempotent. */
  shutdown(): Promise<void>;
  /** Resolves when the supervisor has shut down. */
  done: Promise<void>;
}

/**
 * Becomes the supervisor of `home`: claims it (refusing if another live supervisor holds it),
 * serves the control API, writes `supervisor.json`, and shuts down gracefully on SIGINT or
 * SIGTERM — and, in a terminal, on SIGHUP (the terminal closed). A second Ctrl-C or SIGTERM
 * during the shutdown kills what is left at once (see core/stop-signals.ts).
 */
export async function runSupervisor(opts: RunOptions): Promise<SupervisorHandle> {
  const paths = layout(opts.home);
  ensureHome(paths.home);
  const events = opts.events ?? {};
  // Before anything starts, so that every orphan of every run is ours to keep and to reap.
  const reaper = await startReaper();
  if (reaper.problem) events.notice?.(null, reaper.problem, "warn");
  let lingerTimer: ReturnType<typeof setTimeout> | null = null;
  // An on-demand supervisor leaves once idle, like a tmux server without sessions, so a CI job
  // that ended its sessions leaves nothing running.
  // Never shorter than a request's round trip, and a new supervisor first waits for the
  // request it was started for. Requests that only look (ps, logs) do not keep it alive.
  const lingerMs = Math.max(MIN_LINGER_MS, opts.lingerMs ?? DEFAULT_LINGER_MS);
  let requestsInFlight = 0;
  const checkIdle = (waitMs = lingerMs) => {
    if (opts.mode !== "on-demand" || shuttingDown) return;
    if (lingerTimer) clearTimeout(lingerTimer);
    lingerTimer = null;
    if (supervisor.busy()) return;
    lingerTimer = setTimeout(() => {
      lingerTimer = null;
      // A request being served (a bg about to add a session) postpones the exit a moment.
      if (requestsInFlight > 0) return checkIdle(MIN_LINGER_MS);
      if (!supervisor.busy()) {
        events.notice?.(null, "nothing left to supervise, exiting", "info");
        void shutdown();
      }
    }, waitMs);
  };
  const supervisor = new Supervisor({
    home: opts.home,
    dir: opts.dir,
    capacity: opts.capacity,
    spawnMode: opts.spawnMode,
    events: {
      ...events,
      change(record) {
        events.change?.(record);
        checkIdle();
      },
    },
  });
  let shuttingDown: Promise<void> | null = null;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });

  const info: SupervisorInfo = {
    pid: process.pid,
    pidStartTime: processStartTime(process.pid),
    version: VERSION,
    name: opts.name,
    dir: opts.dir,
    socket: paths.socket,
    startedAt: Date.now(),
    mode: opts.mode,
    capacity: opts.capacity ?? 0,
    spawnMode: opts.spawnMode ?? "same-dir",
    detached: opts.detached,
  };

  const api = await withLock(paths.lockFile, async () => {
    const state = readSupervisorState(paths);
    if (state.kind === "running") {
      throw new TendError(
        `a supervisor is already running for ${opts.home} (pid ${state.info.pid}, dir ${state.info.dir})`,
        "already_running",
        'see it with "tend status", stop it with "tend stop"',
      );
    }
    if (state.kind === "stale") {
      events.notice?.(null, `previous supervisor (${state.why}) left stale state; cleaned up`, "warn");
      clearSupervisorState(paths, state.info);
    }
    claimSocketPath(paths.socket);
    // The socket is private from the start, not chmod-ed afterwards; everything else the
    // supervisor creates has its mode said explicitly, and its processes keep the caller's umask.
    const umask = process.umask(0o077);
    let server: ReturnType<typeof serveApi>;
    try {
      server = serveApi(
        paths.socket,
        {
          supervisor,
          info: () => info,
          shutdown: () => void shutdown(),
          async stopProject(project) {
            const stopped = await supervisor.stopProject(project);
            // The last project gone, the supervisor goes too; records and logs stay on disk.
            const supervisorLeaving = !supervisor.busy();
            if (supervisorLeaving) queueMicrotask(() => void shutdown());
            return { stopped, supervisorLeaving };
          },
          activity: {
            begin: () => {
              requestsInFlight += 1;
            },
            end: () => {
              requestsInFlight -= 1;
              if (!lingerTimer) checkIdle();
            },
          },
        },
      );
    } finally {
      process.umask(umask);
    }
    writeSupervisorInfo(paths, info);
    return server;
  });

  let lastSignal: { signal: StopSignal; at: number } | null = null;
  const onSignal = (signal: StopSignal) => {
    const verdict = stopVerdict(signal, lastSignal, Date.now());
    if (verdict === "ignore") return;
    lastSignal = { signal, at: Date.now() };
    if (verdict === "kill") {
      events.notice?.(null, `${signal} again: killing what is left`, "warn");
      void supervisor.killAll();
      return;
    }
    events.notice?.(null, `${signal} received, stopping (Ctrl-C again to kill at once)`, "info");
    void shutdown();
  };
  // A detached supervisor has no terminal to lose: a hang-up is nothing to it.
  const stopSignals: StopSignal[] = opts.detached ? ["SIGINT", "SIGTERM"] : ["SIGINT", "SIGTERM", "SIGHUP"];
  for (const signal of stopSignals) process.on(signal, onSignal);
  if (opts.detached) process.on("SIGHUP", () => {});
  // The last guard: whatever escaped every other one is logged, and the processes stay supervised.
  const onEscaped = (error: unknown) => supervisor.fault("the supervisor", error);
  process.on("uncaughtException", onEscaped);
  process.on("unhandledRejection", onEscaped);

  // A home removed (or replaced) under a running supervisor leaves its processes unreachable by
  // any command: they are stopped, rather than left running with nobody able to find them.
  const homeAtStart = folderIdentity(paths.home);
  const homeWatch = setInterval(() => {
    if (folderIdentity(paths.home) === homeAtStart) return;
    events.notice?.(null, `the state folder ${paths.home} was removed or replaced: stopping every process`, "error");
    void shutdown();
  }, HOME_CHECK_MS);
  homeWatch.unref();

  function shutdown(): Promise<void> {
    shuttingDown ??= (async () => {
      if (lingerTimer) clearTimeout(lingerTimer);
      clearInterval(homeWatch);
      reaper.stop();
      // Whatever fails on the way out (a home turned read-only) is said; the stop still ends.
      try {
        await supervisor.shutdown();
      } catch (error) {
        supervisor.fault("the shutdown", error);
      }
      await api.stop().catch((error) => supervisor.fault("closing the socket", error));
      let left: string | null;
      try {
        const state = readSupervisorState(paths);
        left = state.kind !== "running" || state.info.pid === process.pid ? clearSupervisorState(paths) : null;
      } catch (error) {
        left = `could not look at ${paths.supervisorFile}: ${osErrorText(error)}`;
      }
      if (left) events.notice?.(null, `${left}; the next tend command finds it stale`, "warn");
      for (const signal of stopSignals) process.off(signal, onSignal);
      process.off("uncaughtException", onEscaped);
      process.off("unhandledRejection", onEscaped);
      events.notice?.(null, "supervisor stopped", "info");
      resolveDone();
    })();
    return shuttingDown;
  }

  checkIdle(Math.max(lingerMs, FIRST_REQUEST_WAIT_MS));
  if (opts.startSignalFd !== undefined) signalStarted(opts.startSignalFd);
  return { supervisor, info, shutdown, done };
}
