import { readdirSync, readFileSync, statSync } from "node:fs";

const NUL = 0;

// Only Linux exposes other processes' environments; elsewhere nothing is found.
export function findProcessesWithEnv(key: string, value: string): number[] {
  const entry = Buffer.from(`${key}=${value}`);
  const found: number[] = [];
  for (const { pid, environ } of sameUserEnvirons()) {
    if (entryAt(environ, entry, true) >= 0) found.push(pid);
  }
  return found;
}

export function findProcessesWithEnvPrefix(key: string, valuePrefix: string): Array<{ pid: number; value: string }> {
  const found: Array<{ pid: number; value: string }> = [];
  for (const { pid, environ } of sameUserEnvirons()) {
    const value = environValue(environ, key);
    if (value !== null && value.startsWith(valuePrefix)) found.push({ pid, value });
  }
  return found;
}

/** The value of `key` in an environment block (`/proc/PID/environ`), or null when it is not set. */
export function environValue(environ: Buffer, key: string): string | null {
  const at = entryAt(environ, Buffer.from(`${key}=`), false);
  if (at < 0) return null;
  let end = environ.indexOf(NUL, at);
  if (end < 0) end = environ.length;
  return environ.toString("utf8", at + Buffer.byteLength(`${key}=`), end);
}

// Position of the first entry that starts with (or, when `whole`, is exactly) `needle`, or -1.
// The last entry normally ends in NUL too, but a process that rewrote its memory may have cut it.
function entryAt(environ: Buffer, needle: Buffer, whole: boolean): number {
  for (let at = environ.indexOf(needle); at >= 0; at = environ.indexOf(needle, at + 1)) {
    if (at > 0 && environ[at - 1] !== NUL) continue;
    const after = at + needle.length;
    if (whole && after < environ.length && environ[after] !== NUL) continue;
    return at;
  }
  return -1;
}

function* sameUserEnvirons(): Generator<{ pid: number; environ: Buffer }> {
  if (process.platform !== "linux") return;
  const uid = process.getuid?.();
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return;
  }
  for (const name of names) {
    const first = name.charCodeAt(0);
    if (first < 48 || first > 57) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    let environ: Buffer;
    try {
      if (statSync(`/proc/${name}`).uid !== uid) continue;
      environ = readFileSync(`/proc/${name}/environ`);
    } catch {
      // It exited or is not ours to read; neither is a leftover we can act on.
      continue;
    }
    yield { pid, environ };
  }
}

