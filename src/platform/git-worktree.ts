import { existsSync } from "node:fs";

/**
 * `git worktree` for the worktree spawn mode: each process gets its own checkout of the
 * project, so parallel sessions never edit the same files.
 */

function git(args: string[], cwd: string): { ok: boolean; out: string; err: string } {
  const r = Bun.spawnSync({ cmd: ["git", ...args], cwd, stdout: "pipe", stderr: "pipe", env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } });
  return { ok: r.exitCode === 0, out: r.stdout.toString().trim(), err: r.stderr.toString().trim() };
}

/** The top of the repository containing `dir`, or null when it is not in one (or git is missing). */
export function repoRoot(dir: string): string | null {
  try {
    const r = git(["rev-parse", "--show-toplevel"], dir);
    return r.ok ? r.out : null;
  } catch {
    return null;
  }
}

/**
 * Creates a detached worktree of HEAD at `path` (or reuses the one already there) and returns
 * the commit it started from, which tells later whether anything was committed in it.
 */
export function addWorktree(repo: string, path: string): string {
  const existing = existsSync(path) ? git(["rev-parse", "--show-toplevel"], path) : null;
  if (!(existing?.ok && existing.out === path)) {
    const r = git(["worktree", "add", "--detach", path, "HEAD"], repo);
    if (!r.ok) throw new Error(`git worktree add failed: ${r.err.split("\n").at(-1)}`);
  }
  return git(["rev-parse", "HEAD"], path).out;
}

/** Whether the worktree holds anything worth keeping: changed or new files, or new commits. */
export function worktreeHasChanges(path: string, baseCommit: string): boolean {
  const status = git(["status", "--porcelain", "--untracked-files=all"], path);
  if (!status.ok || status.out !== "") return true;
  return git(["rev-parse", "HEAD"], path).out !== baseCommit;
}

export function removeWorktree(repo: string, path: string): void {
  const r = git(["worktree", "remove", "--force", path], repo);
  if (!r.ok) throw new Error(`git worktree remove failed: ${r.err.split("\n").at(-1)}`);
}
