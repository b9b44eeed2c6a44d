import { sha256Hex } from "./ids";

/**
 * The variable every process tend starts carries, with a value unique to the run and inherited
 * by all its descendants: how a tree is found again once members have left its process group.
 */
export const MARKER_ENV = "TEND_PROCESS_ID";

/** Identifies one TEND_HOME in process markers without putting a path in every environment. */
export function homeId(home: string): string {
  return sha256Hex(home).slice(0, 12);
}

/** The start of every marker of `home`'s processes: finds them all, whatever record names them. */
export function markerPrefix(home: string): string {
  return `${homeId(home)}/`;
}
