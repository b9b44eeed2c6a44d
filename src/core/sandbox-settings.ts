export type PermissionMode = "read-only" | "workspace-write" | "full";

export const PERMISSION_MODES: readonly PermissionMode[] = Object.freeze(["read-only", "workspace-write", "full"]);

/** What `--sandbox` gives when no `--permission-mode` is named. */
export const DEFAULT_PERMISSION_MODE: PermissionMode = "workspace-write";

export interface SandboxSettings {
  mode: PermissionMode;
  /** Only meaningful for the confined modes: "full" has the network anyway. */
  allowNet: boolean;
}

export function isConfined(s: SandboxSettings | null): s is SandboxSettings {
  return s !== null && s.mode !== "full";
}

/**
 * The words `ps` shows. "full" says outright that nothing is confined, so a sandbox flag on
 * the command line is never mistaken for protection.
 */
export function describeSandbox(s: SandboxSettings | null): string {
  if (s === null) return "none";
  if (s.mode === "full") return "full (not confined)";
  return s.allowNet ? `${s.mode}, net allowed` : s.mode;
}
