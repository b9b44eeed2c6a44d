/**
 * The children this process started with Bun.spawn, until Bun has reaped them. The reaper of
 * orphans (reaper.linux.ts) must never wait for one of these: Bun waits for each itself, and a
 * child reaped behind its back would lose its exit status (its `exited` would never say how it
 * ended). Every Bun.spawn of the supervisor goes through `owned`.
 */
const pids = new Set<number>();

export function owned<T extends { pid: number; exited: Promise<unknown> }>(child: T): T {
  pids.add(child.pid);
  void child.exited.finally(() => pids.delete(child.pid));
  return child;
}

export function isOwnChild(pid: number): boolean {
  return pids.has(pid);
}
