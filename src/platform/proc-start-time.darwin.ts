// LC_ALL=C keeps lstart in one fixed format whatever the user's locale.
export function darwinProcessStartTime(pid: number): string | null {
  const result = Bun.spawnSync({
    cmd: ["/bin/ps", "-o", "lstart=", "-p", String(pid)],
    env: { LC_ALL: "C", PATH: "/usr/bin:/bin" },
    stdout: "pipe",
    stderr: "ignore",
  });
  if (result.exitCode !== 0) return null;
  const started = result.stdout.toString().trim();
  return started === "" ? null : started;
}
