/**
 * What tend cannot do on the platform it runs on. The Windows build exists so that `tend
 * version` and `--help` work and the rest can grow there; until then, a command that needs
 * the supervisor has to say so up front instead of failing on a missing signal or socket.
 */

export type Feature = "supervisor";

const needs: Record<Feature, string> = {
  supervisor: "the supervisor needs POSIX signals, process groups and unix sockets",
};

/** Why `feature` does not work on `platform`, as one line for the user; null when it does. */
export function unsupportedReason(feature: Feature, platform: NodeJS.Platform = process.platform): string | null {
  if (platform !== "win32") return null;
  return `not supported on Windows yet: ${needs[feature]}; run tend in WSL instead`;
}
