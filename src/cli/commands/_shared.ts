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

/** Every value of a repeatable string option (citty keeps only the last one). */
export function repeatedOption(rawArgs: string[], names: string[]): string[] {
  const end = rawArgs.indexOf("--");
  const args = end === -1 ? rawArgs : rawArgs.slice(0, end);
  const values: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    for (const n of names) {
      const flag = n.length === 1 ? `-${n}` : `--${n}`;
      if (a === flag && i + 1 < args.length) values.push(args[++i]!);
      else if (a.startsWith(`${flag}=`)) values.push(a.slice(flag.length + 1));
    }
  }
  return values;
}
