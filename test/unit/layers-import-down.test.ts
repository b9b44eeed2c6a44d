import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const SRC = path.resolve(import.meta.dir, "../../src");

/** The one module of the command line that runs a supervisor in its own process. */
const FOREGROUND_SUPERVISOR = "cli/supervise.ts";
/** The one module of the command line that starts the UI, loading it only when asked. */
const UI_COMMAND = "cli/commands/ui.ts";

type Layer = "cli" | "ui" | "client" | "supervisor" | "core" | "platform";

/** What each layer may import from src: only the layers below it. */
const MAY_IMPORT: Record<Layer, Layer[]> = {
  cli: ["cli", "client", "core"],
  // The UI shares the command line's pieces (attach, colours, ps's wording); never the reverse.
  ui: ["ui", "cli", "client", "core"],
  client: ["client", "core", "platform"],
  supervisor: ["supervisor", "core", "platform"],
  core: ["core"],
  platform: ["platform", "core"],
};
/** Only the front ends print; the layers below report through values, errors and events. */
const FRONT_END_ONLY = ["citty", "consola"];

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => path.join(dir, f));
}

function imports(file: string): { spec: string; lazy: boolean }[] {
  const text = readFileSync(file, "utf8");
  const found: { spec: string; lazy: boolean }[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+"([^"]+)"|^\s*import\s+"([^"]+)"|\bimport\(\s*"([^"]+)"\s*\)/gm)) {
    found.push({ spec: (m[1] ?? m[2] ?? m[3])!, lazy: m[3] !== undefined });
  }
  return found;
}

function specifiers(file: string): string[] {
  return imports(file).map((i) => i.spec);
}

function layerOf(file: string): Layer | null {
  const rel = path.relative(SRC, file);
  const top = rel.split(path.sep)[0]!;
  return top in MAY_IMPORT ? (top as Layer) : null;
}

/** Every import that points up or sideways where it must not, as `from -> to`. */
function violations(): string[] {
  const out: string[] = [];
  for (const file of sources(SRC)) {
    const from = layerOf(file);
    if (!from) continue;
    const rel = path.relative(SRC, file);
    for (const { spec, lazy } of imports(file)) {
      if (FRONT_END_ONLY.includes(spec) && from !== "cli" && from !== "ui") out.push(`${rel} -> ${spec}`);
      if (!spec.startsWith(".")) continue;
      const target = path.resolve(path.dirname(file), spec);
      if (!target.startsWith(SRC + path.sep)) continue;
      const to = layerOf(target);
      if (!to || MAY_IMPORT[from].includes(to)) continue;
      if (rel === FOREGROUND_SUPERVISOR && to === "supervisor") continue;
      if (rel === UI_COMMAND && to === "ui" && lazy) continue;
      out.push(`${rel} -> ${path.relative(SRC, target)}`);
    }
  }
  return out.sort();
}

test("imports point down only: front ends reach the supervisor and the OS through the client", () => {
  expect(violations()).toEqual([]);
});

test("the UI is loaded only by `tend ui`, so no other command pays for it", () => {
  const reachUi = sources(SRC)
    .filter((f) => layerOf(f) !== "ui")
    .flatMap((file) =>
      imports(file)
        .filter((i) => i.spec.startsWith(".") && layerOf(path.resolve(path.dirname(file), i.spec)) === "ui")
        .map((i) => `${path.relative(SRC, file)} -> ${i.spec}${i.lazy ? " (lazy)" : ""}`),
    );
  expect(reachUi).toEqual([`${UI_COMMAND} -> ../../ui/app (lazy)`]);
});

test("the check sees every kind of import", () => {
  expect(specifiers(path.join(SRC, "cli.ts"))).toEqual(["./cli/reader-gone", "./cli/supervise", "./cli/main"]);
});
