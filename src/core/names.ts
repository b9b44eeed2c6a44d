// A leading "_" is fine, as foreman takes it; a leading "." or "-" would read as a hidden file or a flag.
export const NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,62}$/;

const MAX_NAME = 63;
const MAX_DERIVED = 40;

/**
 * A process of a project is known by its full name, `project/name` (`shop/web`); one of no
 * project by its name alone. Names of two projects never clash, and "/" cannot be part of a
 * name, so the full name says both.
 */
export function fullName(project: string | null | undefined, name: string): string {
  return project ? `${project}/${name}` : name;
}

/** The project and the name within it of a full name (`web` has no project). */
export function splitName(full: string): { project: string | null; name: string } {
  const slash = full.indexOf("/");
  return slash === -1 ? { project: null, name: full } : { project: full.slice(0, slash), name: full.slice(slash + 1) };
}

/** Why `full` is not a valid full name (`name` or `project/name`), or null when it is. */
export function fullNameProblem(full: string): string | null {
  if (full.indexOf("/") !== full.lastIndexOf("/")) return 'name has more than one "/" (only project/name has one)';
  const { project, name } = splitName(full);
  if (project !== null) {
    const problem = nameProblem(project);
    if (problem) return `project ${problem}`;
  }
  return nameProblem(name);
}

/** A project name from a folder's name: what the rule allows, the rest turned into "-". */
export function projectFromFolder(folder: string): string {
  const cleaned = folder.replace(/[^A-Za-z0-9._-]/g, "-").replace(/^[^A-Za-z0-9_]+/, "").slice(0, MAX_NAME);
  return cleaned === "" ? "project" : cleaned;
}

/** Why `name` is not a valid process name, or null when it is. */
export function nameProblem(name: string): string | null {
  if (name === "") return "name is empty";
  if (name.length > MAX_NAME) return `name is longer than ${MAX_NAME} characters`;
  if (!/^[A-Za-z0-9_]/.test(name)) return 'name must start with a letter, a digit or "_"';
  if (!NAME_PATTERN.test(name)) return 'name may only contain letters, digits, ".", "_" and "-"';
  return null;
}

// Commands that only launch the thing the user cares about; the name comes from their argument.
const LAUNCHERS = new Set([
  "sh", "bash", "zsh", "env", "sudo", "nohup", "exec",
  "node", "bun", "deno", "python", "python3", "ruby", "perl",
  "npm", "npx", "bunx", "pnpm", "yarn", "uv",
]);

const SHELLS = new Set(["sh", "bash", "zsh"]);

// After these launchers a verb like "run" or "x" precedes the real target ("npm run dev").
const VERBS = new Set(["run", "run-script", "x", "exec", "dlx"]);

const SCRIPT_EXTENSION = /\.(?:sh|bash|js|mjs|cjs|ts|mts|cts|tsx|jsx|py|rb|pl|exe|cmd|bat|ps1)$/i;

/** A short name derived from a command, unique among `taken`: "python3 -m http.server" → "http.server". */
export function nameFromCommand(argv: string[], taken: ReadonlySet<string>): string {
  const base = sanitise(pickWord(argv));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

function pickWord(argv: string[]): string {
  let words = argv;
  let picked = "";
  // A lone string is a shell command line, not a path that happens to contain a space.
  let isScript = argv.length === 1;
  // Bounded so a pathological argv cannot loop; real launcher chains are two or three deep.
  for (let depth = 0; depth < 8 && words.length > 0; depth++) {
    if (isScript && /\s/.test(words[0]!.trim())) words = words[0]!.trim().split(/\s+/);
    const word = basename(words[0]!);
    picked = word;
    const lower = word.toLowerCase();
    if (!LAUNCHERS.has(lower)) break;
    const rest = argumentsOf(words.slice(1));
    if (rest.length === 0) break;
    isScript = SHELLS.has(lower);
    const target = VERBS.has(rest[0]!) ? argumentsOf(rest.slice(1)) : [];
    words = target.length > 0 ? target : rest;
  }
  return picked;
}

/** Drops flags and `VAR=value` assignments (as `env` takes them) in front of the first real argument. */
function argumentsOf(args: string[]): string[] {
  let i = 0;
  while (i < args.length && (args[i]!.startsWith("-") || /^[A-Za-z_][A-Za-z0-9_]*=/.test(args[i]!))) i++;
  return args.slice(i);
}

function basename(path: string): string {
  const trimmed = path.replace(/[/\\]+$/, "");
  const last = trimmed.slice(Math.max(trimmed.lastIndexOf("/"), trimmed.lastIndexOf("\\")) + 1);
  return last.replace(SCRIPT_EXTENSION, "");
}

function sanitise(word: string): string {
  const cleaned = word
    .toLowerCase()
    .replace(/[^a-z0-9._-]/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .slice(0, MAX_DERIVED)
    // A trailing separator would read badly once a "-2" suffix is added.
    .replace(/[^a-z0-9]+$/, "");
  return cleaned === "" ? "proc" : cleaned;
}
