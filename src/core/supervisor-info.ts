/** Contents of `supervisor.json`: how other tend invocations find and identify the supervisor. */
export interface SupervisorInfo {
  pid: number;
  /** Start time of `pid`; together they identify the process even after the pid is reused. */
  pidStartTime: string | null;
  version: string;
  /** Name given with `--name`, or null. */
  name: string | null;
  dir: string;
  socket: string;
  startedAt: number;
  /** `start`: stays until `tend stop`; `on-demand`: started by `bg`, leaves when idle. */
  mode: "start" | "on-demand";
  /** Most sessions running at once (0 = no limit). */
  capacity: number;
  /** `same-dir`, or `worktree`: each process in its own git worktree of `dir`. */
  spawnMode: "same-dir" | "worktree";
  /** Whether it runs in a terminal (`tend start`) or detached (`start -d`, `bg`). */
  detached: boolean;
}
