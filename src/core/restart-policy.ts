import { formatDuration } from "./duration";

export type RestartMode = "always" | "on-failure" | "no";

export interface RestartSettings {
  mode: RestartMode;
  initialBackoffMs: number;
  backoffFactor: number;
  maxBackoffMs: number;
  /** A run shorter than this is a rapid failure; a run this long or longer resets the history. */
  minUptimeMs: number;
  maxRapidFailures: number;
  /** Exit codes that mean "restarting will not help" (78 is EX_CONFIG). */
  parkExitCodes: number[];
}

export const DEFAULT_RESTART: Omit<RestartSettings, "mode"> = {
  initialBackoffMs: 2_000,
  backoffFactor: 2,
  maxBackoffMs: 120_000,
  minUptimeMs: 10_000,
  maxRapidFailures: 5,
  parkExitCodes: [78],
};

export interface RestartHistory {
  rapidFailures: number;
  /** How many of those rapid exits were clean (code 0): all of them means a one-shot job. */
  rapidCleanExits: number;
  nextBackoffMs: number;
  /** Lifetime count; never reset, so it can be shown and exported as TEND_RESTARTS. */
  restarts: number;
}

export function freshHistory(settings: RestartSettings): RestartHistory {
  return { rapidFailures: 0, rapidCleanExits: 0, nextBackoffMs: settings.initialBackoffMs, restarts: 0 };
}

/** Times are epoch milliseconds from the injected clock, never read here. */
export interface ExitInfo {
  code: number | null;
  signal: string | null;
  startedAt: number;
  endedAt: number;
}

export type RestartDecision =
  | { action: "restart"; delayMs: number; history: RestartHistory; rapid: boolean }
  | { action: "park"; reason: string; history: RestartHistory }
  | { action: "done"; history: RestartHistory };

export function decideAfterExit(
  settings: RestartSettings,
  history: RestartHistory,
  exit: ExitInfo,
): RestartDecision {
  const uptime = exit.endedAt - exit.startedAt;
  const rapid = uptime < settings.minUptimeMs;
  let next: RestartHistory = rapid
    ? { ...history }
    : { ...freshHistory(settings), restarts: history.restarts };

  if (exit.code !== null && settings.parkExitCodes.includes(exit.code)) {
    return { action: "park", reason: `permanent exit code ${exit.code}`, history: next };
  }
  if (settings.mode === "no") return { action: "done", history: next };
  if (settings.mode === "on-failure" && exit.code === 0 && exit.signal === null) {
    return { action: "done", history: next };
  }

  if (rapid) {
    next.rapidFailures += 1;
    if (exit.code === 0 && exit.signal === null) next.rapidCleanExits += 1;
    if (next.rapidFailures >= settings.maxRapidFailures) {
      const each = `each ran < ${formatDuration(settings.minUptimeMs)}`;
      // A job that did its work and ended is not failing: say what to change instead.
      const reason =
        next.rapidCleanExits === next.rapidFailures
          ? `exits at once with code 0 (${next.rapidFailures} times, ${each}); use restart = "no" for one-shot jobs`
          : `${next.rapidFailures} rapid failures (${each})`;
      return { action: "park", reason, history: next };
    }
  }

  const delayMs = next.nextBackoffMs;
  next = {
    rapidFailures: next.rapidFailures,
    rapidCleanExits: next.rapidCleanExits,
    nextBackoffMs: Math.min(next.nextBackoffMs * settings.backoffFactor, settings.maxBackoffMs),
    restarts: next.restarts + 1,
  };
  return { action: "restart", delayMs, history: next, rapid };
}

export function describeExit(code: number | null, signal: string | null): string {
  if (signal !== null) return `signal=${signal}`;
  if (code !== null) return `code=${code}`;
  return "code=unknown";
}
