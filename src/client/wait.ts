import type { WaitAnswer, WaitFor } from "../core/api-types";
import type { ApiClient } from "./api-client";

/** Waits on the supervisor until NAME is ready (or ended), or until it ends, or the timeout. */
export function waitOn(api: ApiClient, name: string, waitFor: WaitFor, timeoutMs: number, signal?: AbortSignal): Promise<WaitAnswer> {
  const q = new URLSearchParams({ for: waitFor, timeout: `${Math.max(0, Math.round(timeoutMs))}ms` });
  return api.get<WaitAnswer>(`/v1/processes/${encodeURIComponent(name)}/wait?${q}`, signal);
}

/** The exit status a shell would give: the code, or 128 + the signal's number. */
export function shellExitCode(code: number | null, signal: string | null, signalNumber: (s: string) => number | undefined): number {
  if (code !== null) return code;
  if (signal) return 128 + (signalNumber(signal) ?? 0);
  return 1;
}
