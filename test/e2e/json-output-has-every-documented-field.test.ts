import { expect, test } from "bun:test";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { CommandDef } from "citty";
import { freePort } from "../helpers/free-port";
import { useTendHome, waitFor } from "../helpers/home";
import { ROOT, tend } from "../helpers/tend-cli";

/**
 * docs/json.md promises shapes; each example there is checked against what the binary really
 * prints in the same situation: a field the doc shows and the output lacks fails the test.
 */
const t = useTendHome({ killAll: { grace: "0s" }, stop: true, timeoutMs: 30_000 });

interface Section {
  heading: string;
  examples: unknown[];
}

/** The doc's sections, each with its JSON examples; the text before the first `##` is "errors". */
function documented(): Section[] {
  const doc = readFileSync(path.join(ROOT, "docs", "json.md"), "utf8");
  return doc.split(/^## /m).map((part, i) => ({
    heading: i === 0 ? "errors" : part.slice(0, part.indexOf("\n")),
    examples: [...part.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => firstDocument(m[1]!)),
  }));
}

/** One JSON document, or the first line of NDJSON (`logs --json`). */
function firstDocument(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return JSON.parse(text.slice(0, text.indexOf("\n")));
  }
}

/** Objects whose keys are data (process names), not fields. */
const MAPS = new Set(["dependsOn"]);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The documented fields that `real` lacks, as paths. */
function missing(doc: unknown, real: unknown, at = ""): string[] {
  if (Array.isArray(doc)) return doc.length > 0 && Array.isArray(real) && real.length > 0 ? missing(doc[0], real[0], `${at}[0]`) : [];
  if (!isObject(doc) || !isObject(real)) return [];
  return Object.entries(doc).flatMap(([key, value]) =>
    !(key in real) ? [`${at}.${key}`] : MAPS.has(key) ? [] : missing(value, real[key], `${at}.${key}`),
  );
}

const run = async (...args: string[]): Promise<unknown> => firstDocument((await tend(args, { env: t.env, cwd: t.home })).stdout);

test("every command with --json has a section in docs/json.md", async () => {
  const dir = path.join(ROOT, "src", "cli", "commands");
  const withJson: string[] = [];
  for (const file of readdirSync(dir).filter((f) => !f.startsWith("_"))) {
    const cmd = (await import(path.join(dir, file))).default as CommandDef<any>;
    const args = (typeof cmd.args === "function" ? await cmd.args() : cmd.args) ?? {};
    const meta = (typeof cmd.meta === "function" ? await cmd.meta() : cmd.meta) as { name: string };
    if ("json" in args) withJson.push(meta.name);
  }
  const headings = documented().map((s) => s.heading);
  expect(withJson.filter((name) => !headings.some((h) => h.startsWith(`\`tend ${name} `)))).toEqual([]);
});

test("each example in docs/json.md has every field the real output has in the same case", async () => {
  const closed = await freePort();
  const project = path.join(t.home, "project");
  mkdirSync(project);
  writeFileSync(path.join(project, "Procfile"), "web: sleep 60\n");
  await tend(["bg", "--name", "term", "--tty", "--", "sh", "-c", "echo on a terminal; sleep 60"], { env: t.env });
  await tend(["bg", "--name", "migrate", "--", "sh", "-c", "echo migrating; exit 1"], { env: t.env });
  await waitFor("the terminal's first line", async () => (await tend(["capture", "term"], { env: t.env })).stdout.includes("on a terminal"));

  // Each section's cases, in the order of its examples; run in this order (kill and stop last).
  const cases: Record<string, Array<() => Promise<unknown>>> = {
    errors: [() => run("kill", "--json", "nosuch")],
    "`tend status --json` (also `tend ps --json`)": [() => run("status", "--json")],
    "`tend bg --json`": [
      () => run("bg", "--json", "--name", "api", "--", "sleep", "60"),
      () => run("bg", "--json", "--name", "web", "--ready-log", "up", "--", "sh", "-c", "echo up; sleep 60"),
      () => run("bg", "--json", "--name", "never", "--ready-port", String(closed), "--timeout", "200ms", "--", "sleep", "60"),
    ],
    "`tend wait NAME… --json`": [() => run("wait", "web", "--json")],
    "`tend wait NAME --exit --json`": [() => run("wait", "migrate", "--exit", "--json")],
    "`tend run --json -- CMD`": [() => run("run", "--json", "--", "sh", "-c", "exit 1")],
    "`tend logs --json`": [() => run("logs", "web", "--json")],
    "`tend check --json`": [() => run("check", "--json", "--dir", project)],
    "`tend capture NAME --json`": [() => run("capture", "term", "--json")],
    "`tend kill --json`": [() => run("kill", "--json", "--grace", "0s", "never", "migrate")],
    "`tend stop --json`": [() => run("stop", "--json")],
    "`tend version --json`": [() => run("version", "--json")],
  };
  const sections = documented().filter((s) => s.examples.length > 0);
  expect(sections.map((s) => s.heading).sort()).toEqual(Object.keys(cases).sort());
  const gaps: string[] = [];
  for (const [heading, scenarios] of Object.entries(cases)) {
    const { examples } = sections.find((s) => s.heading === heading)!;
    expect(`${heading}: ${scenarios.length} cases`).toBe(`${heading}: ${examples.length} cases`);
    for (const [i, scenario] of scenarios.entries()) {
      for (const gap of missing(examples[i], await scenario())) gaps.push(`${heading}, example ${i + 1}: ${gap}`);
    }
  }
  expect(gaps).toEqual([]);
}, 30_000);
