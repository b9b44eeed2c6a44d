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
  const start = Buffer.from(`${key}=${valuePrefix}`);
  const valueOffset = Buffer.byteLength(`${key}=`);
  const found: Array<{ pid: number; value: string }> = [];
  for (const { pid, environ } of sameUserEnvirons()) {
    const at = entryAt(environ, start, false);
    if (at < 0) continue;
    let end = environ.indexOf(NUL, at);
    if (end < 0) end = environ.length;
    found.push({ pid, value: environ.toString("utf8", at + valueOffset, end) });
  }
  return found;
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

