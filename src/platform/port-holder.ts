import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { liveGroupMembers } from "./live-processes";
import { findProcessesWithEnv } from "./marker-scan";
import { MARKER_ENV } from "./process-marker";

/** A process tree as tend knows it: its group and the marker its descendants carry. */
export interface Tree {
  pgid: number | null;
  marker: string | null;
}

export type PortHolder =
  /** A process of the tree holds the listening socket that answers on this address. */
  | { kind: "tree" }
  /** Someone else does; pid null when the socket's owner cannot be seen (another user's process). */
  | { kind: "other"; pid: number | null; command: string | null }
  /** Nothing listens there (any more). */
  | { kind: "none" }
  /** Not known here: not Linux, or not an address of this machine. */
  | { kind: "unknown" };

interface Listener {
  address: string;
  inode: string;
}

const LOCAL = new Set(["localhost", "127.0.0.1", "::1", "0.0.0.0", "::"]);

/** Whether a probe of `host` reaches this machine, where the socket's owner can be found. */
export function isLocalHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  return LOCAL.has(bare) || bare.startsWith("127.");
}

// /proc/net/tcp writes each 32-bit word of an address in host (little-endian) byte order.
function ipv4(hex: string): string {
  return [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(".");
}

function ipv6(hex: string): string {
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) for (const i of [6, 4, 2, 0]) bytes.push(parseInt(hex.slice(w * 8 + i, w * 8 + i + 2), 16));
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12).join(".");
  if (bytes.slice(0, 15).every((b) => b === 0)) return bytes[15] === 1 ? "::1" : bytes[15] === 0 ? "::" : `::${bytes[15]!.toString(16)}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(":");
}

/** The sockets listening on `port` in one of /proc/net/tcp or tcp6. */
function listeners(port: number, v6: boolean): Listener[] {
  let text: string;
  try {
    text = readFileSync(v6 ? "/proc/net/tcp6" : "/proc/net/tcp", "utf8");
  } catch {
    return [];
  }
  const found: Listener[] = [];
  for (const line of text.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    // local_address, rem_address, st (0A = LISTEN), …, inode is the tenth field.
    if (f.length < 10 || f[3] !== "0A") continue;
    const [addr, portHex] = f[1]!.split(":");
    if (parseInt(portHex!, 16) !== port) continue;
    found.push({ address: v6 ? ipv6(addr!) : ipv4(addr!), inode: f[9]! });
  }
  return found;
}

/**
 * The listener a connect to `host` reaches: one bound to that very address wins over a
 * wildcard, as the kernel picks them; an IPv4 connect may also reach an IPv6 wildcard. Each
 * table costs the kernel a walk of every TCP socket (milliseconds), so the second is read only
 * when the first has no answer.
 */
function answering(host: string, port: number): Listener | undefined {
  const bare = host.replace(/^\[|\]$/g, "");
  if (bare.includes(":")) {
    const v6 = listeners(port, true);
    return v6.find((l) => l.address === bare) ?? v6.find((l) => l.address === "::");
  }
  const v4 = listeners(port, false);
  return v4.find((l) => l.address === bare) ?? v4.find((l) => l.address === "0.0.0.0") ?? listeners(port, true).find((l) => l.address === "::" || l.address === bare);
}

function holds(pid: number, socket: string): boolean {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  for (const fd of fds) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) === socket) return true;
    } catch {
      // Closed while we looked.
    }
  }
  return false;
}

function commandOf(pid: number): string | null {
  try {
    const text = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0+$/, "").replaceAll("\0", " ");
    return text || null;
  } catch {
    return null;
  }
}

/**
 * Who holds the listening socket that answers `host:port`: the tree, someone else (named when
 * it can be seen), nobody, or unknown. Linux reads /proc/net/tcp{,6} and the holders' fds; the
 * tree is looked at first, so a ready server costs a few reads of /proc.
 */
export function portHolder(host: string, port: number, tree: Tree): PortHolder {
  if (process.platform !== "linux" || !isLocalHost(host)) return { kind: "unknown" };
  const target = answering(host === "localhost" ? "127.0.0.1" : host, port);
  if (!target) return { kind: "none" };
  const socket = `socket:[${target.inode}]`;
  // Nearest first: the leader usually holds it; a scan of every process only when it does not.
  const members = new Set<number>();
  const candidates = function* () {
    if (tree.pgid !== null) {
      yield [tree.pgid];
      yield liveGroupMembers(tree.pgid);
    }
    if (tree.marker) yield findProcessesWithEnv(MARKER_ENV, tree.marker);
  };
  for (const pids of candidates()) {
    for (const pid of pids) {
      if (members.has(pid)) continue;
      members.add(pid);
      if (holds(pid, socket)) return { kind: "tree" };
    }
  }
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid <= 0 || members.has(pid)) continue;
    if (holds(pid, socket)) return { kind: "other", pid, command: commandOf(pid) };
  }
  return { kind: "other", pid: null, command: null };
}
