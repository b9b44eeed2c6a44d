import type { ArgsDef } from "citty";

/** Argument groups several commands share; spread into a command's `args`. */

export const jsonArg = {
  json: { type: "boolean", description: "Print machine-readable JSON (shape documented in docs/json.md)" },
} as const satisfies ArgsDef;

/** The command after `--`, untouched by option parsing. */
export function commandAfterDashes(rawArgs: string[]): string[] | null {
  const i = rawArgs.indexOf("--");
  return i === -1 ? null : rawArgs.slice(i + 1);
}
