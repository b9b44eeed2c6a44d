import os from "node:os";

const signals: Record<string, number> = os.constants.signals;

export function signalGroup(pgid: number, signal: NodeJS.Signals | number): boolean {
  // kill(-1) reaches every process we may signal and kill(-0) our own group: never what a caller meant.
  if (!Number.isSafeInteger(pgid) || pgid <= 1) {
    throw new RangeError(`refusing to signal process group ${pgid}`);
  }
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
}

export function groupAlive(pgid: number): boolean {
  try {
    return signalGroup(pgid, 0);
  } catch (error) {
    // Someone else's group still exists even if we may not signal it.
    if ((error as NodeJS.ErrnoException).code === "EPERM") return true;
    throw error;
  }
}

// Accepts "SIGTERM", "TERM", "term" and "15".
export function signalNumber(name: string): number | undefined {
  const trimmed = name.trim();
  if (/^\d+$/.test(trimmed)) {
    const n = Number(trimmed);
    return signalName(n) === undefined ? undefined : n;
  }
  const upper = trimmed.toUpperCase();
  return signals[upper.startsWith("SIG") ? upper : `SIG${upper}`];
}

// Aliases (SIGIOT, SIGPOLL) come after the usual names in the table, so the first match wins.
export function signalName(n: number): string | undefined {
  for (const [name, value] of Object.entries(signals)) {
    if (value === n) return name;
  }
  return undefined;
}
