/** What becoming the reaper of orphaned descendants gave; see reaper.linux.ts. */
export interface Reaper {
  /** Why orphans are not kept under tend or reaped here, when that was asked for and failed; else null. */
  problem: string | null;
  /** Orphaned zombies reaped so far. */
  reaped(): number;
  stop(): void;
}

/** Elsewhere than on Linux orphans go to a PID 1 that reaps them, and there is no subreaper to be. */
export async function startReaper(): Promise<Reaper> {
  if (process.platform !== "linux") return { problem: null, reaped: () => 0, stop() {} };
  return (await import("./reaper.linux")).startReaper();
}
