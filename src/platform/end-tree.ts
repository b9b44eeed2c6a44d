import { statSync } from "node:fs";
import { findProcessesWithEnv } from "./marker-scan";
import { isLiveProcess, liveGroupMembers } from "./live-processes";
import { signalGroup } from "./process-group";
import { isOwnChild } from "./own-children";
import { MARKER_ENV } from "./process-marker";

/** How often a stop looks whether the tree is gone: at once, then less often, up to POLL_MS. */
const FIRST_POLL_MS = 1;
const POLL_MS = 25;

export interface TreeTarget {
  /** The process group (the leader's pid), or null when only the marker is known. */
  pgid: number | null;
  /** TEND_PROCESS_ID of the run: finds descendants that left the group (setsid, daemons). */
  marker: string;
}

/** A process of the tree that tend may not signal (another user's) and that still ran at the end. */
export interface Unsignalled {
  pid: number;
  uid: number | null;
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone, or not ours to signal: the next look at the tree tells which.
  }
}

function signalGroupOf(target: TreeTarget, signal: NodeJS.Signals): void {
  if (target.pgid === null) return;
  try {
    signalGroup(target.pgid, signal);
  } catch (error) {
    // Every member left belongs to someone else: the next look at the tree names them.
    if ((error as NodeJS.ErrnoException).code !== "EPERM") throw error;
  }
}

interface Tree {
  /** Live members tend may signal: what a stop waits for. */
  ours: number;
  /** Live members of other users (a `sudo -u postgres …` child): reported, never waited for. */
  theirs: number[];
}

/** What `currentTree` says while the leader runs: at least one member, and no more is known. */
const LEADER_RUNS: Tree = { ours: 1, theirs: [] };

/**
 * The tree as a stop's wait needs it. While its leader — this process's own child, not yet
 * reaped, so its pid cannot be another's — runs, the tree is not gone, which is known without
 * reading the stat of every process on the machine (about 2.5 ms with 400 of them, at every look).
 */
function currentTree(target: TreeTarget, escapees: Set<number>): Tree {
  const leader = target.pgid;
  return leader !== null && isOwnChild(leader) && isLiveProcess(leader) ? LEADER_RUNS : liveTree(target, escapees);
}

function liveTree(target: TreeTarget, escapees: Set<number>): Tree {
  for (const pid of escapees) if (!isLiveProcess(pid)) escapees.delete(pid);
  const members = new Set(escapees);
  if (target.pgid !== null) for (const pid of liveGroupMembers(target.pgid)) members.add(pid);
  const tree: Tree = { ours: 0, theirs: [] };
  for (const pid of members) {
    const may = maySignal(pid);
    if (may === true) tree.ours += 1;
    else if (may === false) tree.theirs.push(pid);
  }
  return tree;
}

/** Whether we may signal `pid`; null once it is gone. */
function maySignal(pid: number): boolean | null {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM" ? false : null;
  }
}

function ownerOf(pid: number): number | null {
  try {
    return statSync(`/proc/${pid}`).uid;
  } catch {
    return null;
  }
}

function findEscapees(target: TreeTarget): Set<number> {
  return new Set(findProcessesWithEnv(MARKER_ENV, target.marker));
}

function unsignalled(tree: Tree): Unsignalled[] {
  return tree.theirs.sort((a, b) => a - b).map((pid) => ({ pid, uid: ownerOf(pid) }));
}

/**
 * Ends a process tree: the stop signal to the group and to every process carrying the run's
 * marker, up to `graceMs` for them to go, then SIGKILL to whatever is left — and a last sweep
 * for anything forked while we waited. Resolves once nothing of the tree runs that tend may
 * signal; members that belong to another user are not waited for but returned, still running.
 */
export async function endTree(target: TreeTarget, signal: NodeJS.Signals, graceMs: number): Promise<Unsignalled[]> {
  let escapees = findEscapees(target);
  let tree = currentTree(target, escapees);
  if (tree.ours === 0) return unsignalled(tree);
  signalGroupOf(target, signal);
  for (const pid of escapees) signalPid(pid, signal);

  // Most trees go within a few milliseconds of the signal: looking only every POLL_MS would make
  // every stop take at least that long.
  const deadline = Date.now() + graceMs;
  for (let pause = FIRST_POLL_MS; Date.now() < deadline && (tree = currentTree(target, escapees)).ours > 0; pause = Math.min(pause * 2, POLL_MS)) {
    await Bun.sleep(pause);
  }

  for (let sweep = 0; sweep < 5 && tree.ours > 0; sweep++) {
    signalGroupOf(target, "SIGKILL");
    for (const pid of escapees) signalPid(pid, "SIGKILL");
    await Bun.sleep(POLL_MS);
    escapees = findEscapees(target);
    tree = liveTree(target, escapees);
  }
  return unsignalled(tree);
}

/** What a stop says of the processes it could not signal: which, whose, and that they still run. */
export function describeUnsignalled(left: Unsignalled[]): string | null {
  if (left.length === 0) return null;
  const who = left.map((p) => `${p.pid}${p.uid === null ? "" : ` (uid ${p.uid})`}`).join(", ");
  const one = left.length === 1;
  return `pid${one ? "" : "s"} ${who} could not be signalled: ${one ? "it belongs" : "they belong"} to another user (EPERM) and ${one ? "is" : "are"} still running`;
}
