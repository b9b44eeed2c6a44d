import { readFileSync } from "node:fs";
import os from "node:os";

function distro(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync("/etc/os-release", "utf8"));
    if (m) return m[1]!;
  } catch {}
  return `${os.type()} ${os.release()}`;
}

/** What the machine is, and how busy it was: other work on it adds noise that medians only damp. */
export function machineLines(loadAtStart: number): string[] {
  const cpus = os.cpus();
  return [
    `${cpus.length} cores (${cpus[0]?.model.trim() ?? "unknown CPU"}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    `${distro()}, Linux ${os.release()}`,
    `Bun ${Bun.version} (runs the bench)`,
    `load average (1 min): ${loadAtStart.toFixed(2)} at the start, ${os.loadavg()[0]!.toFixed(2)} at the end`,
  ];
}
