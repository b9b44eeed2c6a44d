import type { ArgsDef } from "citty";
import { didYouMean } from "../core/did-you-mean";
import { UsageError } from "../core/errors";

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

interface Flag {
  kind: "boolean" | "string";
  /** The long spelling, `--lines` for `-n`. */
  long: string;
  /** The values an enum option takes. */
  options?: readonly string[];
}

/**
 * citty accepts any flag silently; a supervisor's CLI must not (a typo in `--grace` would
 * quietly mean 30 s). Checks every option before `--` against the command's declared args,
 * that string options have a value, and that no stray positional is given.
 *
 * Returns the arguments with short options that carry a value spelled out (`-fn1`, `-fn 1` and
 * `-n=1` become `-f --lines=1`), as getopt reads the first two: so citty and the commands'
 * own readers of repeated options (`-e`) see one form, and a value starting with "-" stays a
 * value.
 */
export function checkArgs(command: string, def: ArgsDef, rawArgs: string[], variadic = false): string[] {
  const end = rawArgs.indexOf("--");
  const before = end === -1 ? rawArgs : rawArgs.slice(0, end);
  const flags = new Map<string, Flag>();
  let positionals = 0;
  for (const [name, arg] of Object.entries(def)) {
    if (arg.type === "positional") {
      positionals += 1;
      continue;
    }
    const flag: Flag = {
      kind: arg.type === "boolean" ? "boolean" : "string",
      long: kebab(name),
      ...(arg.type === "enum" ? { options: (arg as { options?: string[] }).options } : {}),
    };
    const declared = (arg as { alias?: string | string[] }).alias;
    const alias = declared === undefined ? [] : Array.isArray(declared) ? declared : [declared];
    for (const n of [name, kebab(name), ...alias]) flags.set(n, flag);
    if (flag.kind === "boolean") flags.set(`no-${kebab(name)}`, flag);
  }
  const hint = `see "tend ${command} --help"`;
  const checkValue = (flag: Flag, value: string) => {
    if (flag.options && !flag.options.includes(value)) {
      throw new UsageError(`--${flag.long} ${value}: expected one of ${flag.options.join(", ")}${didYouMean(value, flag.options)}`, hint);
    }
  };
  const seenPositionals: string[] = [];
  const out: string[] = [];
  for (let i = 0; i < before.length; i++) {
    const token = before[i]!;
    if (!token.startsWith("-") || token === "-") {
      seenPositionals.push(token);
      out.push(token);
      continue;
    }
    if (!token.startsWith("--") && token.length > 2) {
      // Booleans (`-ft`) until a letter that takes a value: what follows it (`-n1`, `-n=1`), or
      // when nothing does, the next argument (`-fn 1`).
      for (let c = 1; c < token.length; c++) {
        const flag = flags.get(token[c]!);
        if (!flag) throw new UsageError(`unknown option -${token[c]} for "tend ${command}"`, hint);
        if (flag.kind === "boolean") {
          out.push(`-${token[c]}`);
          continue;
        }
        let value = token.slice(c + 1).replace(/^=/, "");
        if (c + 1 === token.length) {
          if (i + 1 >= before.length) throw new UsageError(`option -${token[c]} needs a value`, hint);
          value = before[++i]!;
        }
        checkValue(flag, value);
        out.push(`--${flag.long}=${value}`);
        break;
      }
      continue;
    }
    const body = token.replace(/^--?/, "");
    const eq = body.indexOf("=");
    const flag = flags.get(eq === -1 ? body : body.slice(0, eq));
    if (!flag) {
      const typed = eq === -1 ? body : body.slice(0, eq);
      const longs = [...flags.keys()].filter((n) => n.length > 1);
      const guess = token.startsWith("--") ? didYouMean(typed, longs).replace(/"([^"]+)"/, '"--$1"') : "";
      throw new UsageError(`unknown option ${token.slice(0, token.length - (eq === -1 ? 0 : body.length - eq))} for "tend ${command}"${guess}`, hint);
    }
    out.push(token);
    if (flag.kind === "string" && eq === -1) {
      const value = before[i + 1];
      if (value === undefined) throw new UsageError(`option ${token} needs a value`, hint);
      checkValue(flag, value);
      out.push(value);
      i += 1;
    } else if (flag.kind === "string") checkValue(flag, body.slice(eq + 1));
  }
  if (seenPositionals.length > positionals && !variadic) {
    throw new UsageError(`unexpected argument "${seenPositionals[positionals]}" for "tend ${command}"`, hint);
  }
  return end === -1 ? out : [...out, ...rawArgs.slice(end)];
}
