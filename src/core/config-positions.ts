// Where things are in a config file's text, for the line numbers of its errors. Bun's TOML,
// YAML and JSON parsers give the tree only, so each format is scanned here just enough to tell
// which line a key path starts on. Best effort: an unusual layout costs a line number, never a
// wrong parse.

export type TreeFormat = "toml" | "yaml" | "json";

export function parseTree(text: string, format: TreeFormat): unknown {
  if (format === "toml") return Bun.TOML.parse(text);
  if (format === "yaml") return Bun.YAML.parse(text);
  return JSON.parse(text);
}

/**
 * Bun's TOML, YAML and JSON parsers report no position in the document (their
 * SyntaxError's `line`/`column` are those of the JavaScript caller), so the
 * line is recovered here, best effort.
 */
export function syntaxErrorLine(text: string, format: TreeFormat): number | undefined {
  if (format === "json") {
    try {
      return scanJson(text).errorLine;
    } catch {
      return undefined;
    }
  }
  const lines = splitLines(text);
  // Re-parsing every prefix is quadratic; beyond this a missing line number is the lesser evil.
  if (lines.length > 5000) return undefined;
  // The error is on the line after the longest prefix that still parses: any
  // later line that still fails cannot have been rescued by what follows.
  for (let k = lines.length - 1; k >= 0; k--) {
    try {
      parseTree(lines.slice(0, k).join("\n") + "\n", format);
      return k + 1;
    } catch {
      // keep shortening
    }
  }
  return undefined;
}

export interface KeyEntry {
  path: string[];
  line: number;
}

/** Stands for "an element of a sequence" in a path; such paths may repeat legitimately. */
export const SEQUENCE = "\u0000[]";

export function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

export function keyEntries(text: string, format: TreeFormat): KeyEntry[] {
  try {
    if (format === "toml") return tomlEntries(splitLines(text));
    if (format === "yaml") return yamlEntries(splitLines(text));
    return scanJson(text).entries;
  } catch {
    // e.g. a stack overflow on absurd nesting: do without line numbers
    return [];
  }
}

/** The line of `path` itself, else of the first key under it, else of its nearest enclosing key. */
export function locate(entries: KeyEntry[], path: string[]): number | undefined {
  const startsWith = (long: string[], short: string[]) => short.every((part, i) => long[i] === part);
  const exact = entries.find((e) => e.path.length === path.length && startsWith(e.path, path));
  if (exact) return exact.line;
  const inside = entries.find((e) => e.path.length > path.length && startsWith(e.path, path));
  if (inside) return inside.line;
  let best: KeyEntry | undefined;
  for (const e of entries) {
    if (e.path.length < path.length && startsWith(path, e.path) && (!best || e.path.length > best.path.length)) {
      best = e;
    }
  }
  return best?.line;
}

function tomlEntries(lines: string[]): KeyEntry[] {
  const entries: KeyEntry[] = [];
  let table: string[] = [];
  let state: ValueState = { multiline: null, depth: 0 };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (state.multiline !== null || state.depth > 0) {
      state = scanTomlValue(line, 0, state);
      continue;
    }
    const start = line.length - line.trimStart().length;
    const first = line[start];
    if (first === undefined || first === "#") continue;
    if (first === "[") {
      const key = tomlKey(line, start + (line[start + 1] === "[" ? 2 : 1));
      if (key) {
        table = key.segments;
        entries.push({ path: table, line: i + 1 });
      }
      continue;
    }
    const key = tomlKey(line, start);
    if (!key) continue;
    const eq = skipSpaces(line, key.end);
    if (line[eq] !== "=") continue;
    entries.push({ path: [...table, ...key.segments], line: i + 1 });
    state = scanTomlValue(line, eq + 1, { multiline: null, depth: 0 });
  }
  return entries;
}

interface ValueState {
  multiline: '"""' | "'''" | null;
  depth: number;
}

/** Follows strings and brackets so lines inside a multi-line value are not read as keys. */
function scanTomlValue(line: string, from: number, state: ValueState): ValueState {
  let { multiline, depth } = state;
  let i = from;
  while (i < line.length) {
    if (multiline !== null) {
      const end = line.indexOf(multiline, i);
      if (end < 0) return { multiline, depth };
      i = end + 3;
      multiline = null;
      continue;
    }
    const c = line[i]!;
    if (c === "#") break;
    if (c === '"' || c === "'") {
      if (line.startsWith(c.repeat(3), i)) {
        multiline = c === '"' ? '"""' : "'''";
        i += 3;
        continue;
      }
      i++;
      while (i < line.length && line[i] !== c) i += c === '"' && line[i] === "\\" ? 2 : 1;
      i++;
      continue;
    }
    if (c === "[" || c === "{") depth++;
    else if (c === "]" || c === "}") depth = Math.max(0, depth - 1);
    i++;
  }
  return { multiline, depth };
}

function skipSpaces(line: string, i: number): number {
  while (line[i] === " " || line[i] === "\t") i++;
  return i;
}

/** A dotted TOML key (bare, "basic" or 'literal' parts) starting at `from`. */
function tomlKey(line: string, from: number): { segments: string[]; end: number } | null {
  const segments: string[] = [];
  let i = from;
  for (;;) {
    i = skipSpaces(line, i);
    const c = line[i];
    if (c === '"') {
      let j = i + 1;
      while (j < line.length && line[j] !== '"') j += line[j] === "\\" ? 2 : 1;
      if (j >= line.length) return null;
      const raw = line.slice(i, j + 1);
      try {
        segments.push(JSON.parse(raw) as string);
      } catch {
        segments.push(raw.slice(1, -1));
      }
      i = j + 1;
    } else if (c === "'") {
      const j = line.indexOf("'", i + 1);
      if (j < 0) return null;
      segments.push(line.slice(i + 1, j));
      i = j + 1;
    } else {
      const match = /^[A-Za-z0-9_-]+/.exec(line.slice(i));
      if (!match) return null;
      segments.push(match[0]);
      i += match[0].length;
    }
    i = skipSpaces(line, i);
    if (line[i] !== ".") return { segments, end: i };
    i++;
  }
}

function yamlEntries(lines: string[]): KeyEntry[] {
  const entries: KeyEntry[] = [];
  const stack: { indent: number; key: string }[] = [];
  let blockScalarOwner: number | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    let indent = line.length - line.replace(/^ +/, "").length;
    let rest = line.slice(indent);
    if (blockScalarOwner !== null) {
      if (rest.trim() === "" || indent > blockScalarOwner) continue;
      blockScalarOwner = null;
    }
    if (rest === "" || rest.startsWith("#")) continue;
    if (indent === 0 && /^(---|\.\.\.|%)/.test(rest)) {
      stack.length = 0;
      continue;
    }
    // "- key: value": the key sits inside a sequence element, further in than the dash.
    for (let dash = /^-( +|$)/.exec(rest); dash; dash = /^-( +|$)/.exec(rest)) {
      while (stack.length > 0 && stack.at(-1)!.indent >= indent) stack.pop();
      stack.push({ indent, key: SEQUENCE });
      indent += dash[0].length;
      rest = rest.slice(dash[0].length);
    }
    const key = yamlKey(rest);
    if (!key) continue;
    while (stack.length > 0 && stack.at(-1)!.indent >= indent) stack.pop();
    stack.push({ indent, key: key.name });
    entries.push({ path: stack.map((s) => s.key), line: i + 1 });
    if (/^[|>][-+0-9]*\s*(#.*)?$/.test(key.value.trim())) blockScalarOwner = indent;
  }
  return entries;
}

function yamlKey(rest: string): { name: string; value: string } | null {
  let match: RegExpExecArray | null;
  let name: string;
  if (rest.startsWith('"')) {
    match = /^"((?:[^"\\]|\\.)*)"\s*:(?:\s|$)/.exec(rest);
    if (!match) return null;
    try {
      name = JSON.parse(`"${match[1]}"`) as string;
    } catch {
      name = match[1]!;
    }
  } else if (rest.startsWith("'")) {
    match = /^'((?:[^']|'')*)'\s*:(?:\s|$)/.exec(rest);
    if (!match) return null;
    name = match[1]!.replace(/''/g, "'");
  } else {
    match = /^([^\s#{}[\],&*!|>%@`?][^#]*?)\s*:(?:\s|$)/.exec(rest);
    if (!match) return null;
    name = match[1]!;
  }
  return { name, value: rest.slice(match[0].length) };
}

/**
 * A small JSON reader that records the line of every key and, for text
 * JSON.parse rejected, the line where it stops making sense.
 */
function scanJson(text: string): { entries: KeyEntry[]; errorLine?: number } {
  const entries: KeyEntry[] = [];
  const path: string[] = [];
  const LITERAL = /true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  let i = 0;
  let line = 1;
  class Stop {}
  const stop = (): never => {
    throw new Stop();
  };
  const space = () => {
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === "\n") line++;
      else if (c !== " " && c !== "\t" && c !== "\r") break;
    }
  };
  const string = (): string => {
    const start = i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\n") stop();
      i += text[i] === "\\" ? 2 : 1;
    }
    if (i >= text.length) stop();
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return stop();
    }
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === "{") {
      i++;
      space();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        space();
        if (text[i] !== '"') stop();
        const keyLine = line;
        const key = string();
        entries.push({ path: [...path, key], line: keyLine });
        space();
        if (text[i] !== ":") stop();
        i++;
        path.push(key);
        value();
        path.pop();
        space();
        if (text[i] === ",") i++;
        else if (text[i] === "}") return void i++;
        else stop();
      }
    }
    if (c === "[") {
      i++;
      space();
      if (text[i] === "]") {
        i++;
        return;
      }
      path.push(SEQUENCE);
      for (;;) {
        value();
        space();
        if (text[i] === ",") i++;
        else if (text[i] === "]") break;
        else stop();
      }
      path.pop();
      i++;
      return;
    }
    if (c === '"') {
      string();
      return;
    }
    LITERAL.lastIndex = i;
    const match = LITERAL.exec(text);
    if (!match) stop();
    i += match![0].length;
  };
  try {
    value();
    space();
    if (i < text.length) stop();
    return { entries };
  } catch (error) {
    if (error instanceof Stop) return { entries, errorLine: line };
    throw error;
  }
}
