import { UsageError } from "./errors";

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `KEY=VALUE` from `-e`; anything else is a usage error naming the bad argument. */
export function parseEnvAssignment(arg: string): [string, string] {
  const eq = arg.indexOf("=");
  const key = eq === -1 ? "" : arg.slice(0, eq);
  if (eq === -1 || !KEY.test(key)) {
    throw new UsageError(`-e ${arg}: expected KEY=VALUE`, "e.g. -e PORT=3000; -e KEY= sets an empty value");
  }
  return [key, arg.slice(eq + 1)];
}

/**
 * A dotenv file (a project's .env, or one given with --env-file): `KEY=VALUE` lines, `#`
 * comments, optional `export `, values optionally in single or double quotes (double quotes
 * understand \n, \t, \" and \\). A line that is none of these is an error at file:line.
 */
export function parseEnvFile(text: string, file: string): Record<string, string> {
  const env: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const body = line.startsWith("export ") ? line.slice(7).trimStart() : line;
    const eq = body.indexOf("=");
    const key = eq === -1 ? "" : body.slice(0, eq).trim();
    if (!KEY.test(key)) throw new UsageError(`${file}:${i + 1}: expected KEY=VALUE, got ${JSON.stringify(raw)}`);
    let value = body.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) value = value.slice(1, -1);
    else if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      value = value.slice(1, -1).replace(/\\([nt"\\])/g, (_, c: string) => ({ n: "\n", t: "\t", '"': '"', "\\": "\\" })[c]!);
    }
    // defineProperty, so a key like "__proto__" stays an ordinary variable
    Object.defineProperty(env, key, { value, enumerable: true, writable: true, configurable: true });
  });
  return env;
}
