import type { ArgsDef } from "citty";
import { UsageError } from "../core/errors";

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * citty accepts any flag silently; a supervisor's CLI must not (a typo in `--grace` would
 * quietly mean 30 s). Checks every option before `--` against the command's declared args,
 * that string options have a value, and that no stray positional is given.
 */
export function checkArgs(command: string, def: ArgsDef, rawArgs: string[], variadic = false): void {
  const end = rawArgs.indexOf("--");
  const before = end === -1 ? rawArgs : rawArgs.slice(0, end);
  const flags = new Map<string, "boolean" | "string">();
  let positionals = 0;
  for (const [name, arg] of Object.entries(def)) {
    if (arg.type === "positional") {
      positionals += 1;
      continue;
    }
    const kind = arg.type === "boolean" ? "boolean" : "string";
    const declared = (arg as { alias?: string | string[] }).alias;
    const alias = declared === undefined ? [] : Array.isArray(declared) ? declared : [declared];
    for (const n of [name, kebab(name), ...alias]) flags.set(n, kind);
    if (kind === "boolean") flags.set(`no-${kebab(name)}`, "boolean");
  }
  const hint = `see "tend ${command} --help"`;
  const seenPositionals: string[] = [];
  for (let i = 0; i < before.length; i++) {
    const token = before[i]!;
    if (!token.startsWith("-") || token === "-") {
      seenPositionals.push(token);
      continue;
    }
    const body = token.replace(/^--?/, "");
    const eq = body.indexOf("=");
    const flag = eq === -1 ? body : body.slice(0, eq);
    if (!token.startsWith("--") && flag.length > 1 && eq === -1) {
      // `-dv` style bundles: every letter must be a known boolean.
      for (const c of flag) {
        if (flags.get(c) !== "boolean") throw new UsageError(`unknown option -${c} for "tend ${command}"`, hint);
      }
      continue;
    }
    const kind = flags.get(flag);
    if (!kind) throw new UsageError(`unknown option ${token.slice(0, token.length - (eq === -1 ? 0 : body.length - eq))} for "tend ${command}"`, hint);
    if (kind === "string" && eq === -1) {
      const value = before[i + 1];
      if (value === undefined) throw new UsageError(`option ${token} needs a value`, hint);
      i += 1;
    }
  }
  if (seenPositionals.length > positionals && !variadic) {
    throw new UsageError(`unexpected argument "${seenPositionals[positionals]}" for "tend ${command}"`, hint);
  }
}
