import { expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { useTendHome, waitFor } from "../helpers/home";
import { tend } from "../helpers/tend-cli";

const t = useTendHome({ stop: true });

/** A base port of its own for each run, so parallel runs never print each other's numbers. */
const base = 20_000 + Math.floor(Math.random() * 400) * 100;

function project(files: Record<string, string>): string {
  const dir = path.join(t.home, "app");
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

async function names(): Promise<string[]> {
  const ps = JSON.parse((await tend(["ps", "--json"], { env: t.env })).stdout);
  return ps.processes.map((p: { name: string }) => p.name).sort();
}

async function logOf(name: string, text: string): Promise<string> {
  let out = "";
  await waitFor(`${name} printed ${text}`, async () => (out = (await tend(["logs", name], { env: t.env })).stdout).includes(text));
  return out;
}

const PROCFILE = [
  'web: echo "web PORT=$PORT GREETING=$GREETING PROJECT=$TEND_PROJECT"; sleep 60',
  'worker: echo "worker PORT=$PORT"; sleep 60',
  "_helper: sleep 60",
  "",
].join("\n");

test("a Procfile's processes get the .env and each its own PORT, foreman's way", async () => {
  const dir = project({ Procfile: PROCFILE, ".env": "# for every process\nGREETING='hello there'\n" });
  const start = await tend(["start", "-d", "--dir", dir, "-f", path.join(dir, "Procfile"), "--port", String(base)], { env: t.env });
  expect(start.stderr).toBe("");
  expect(start.code).toBe(0);
  expect(await names()).toEqual(["_helper", "web", "worker"]);
  expect(await logOf("web", "web PORT")).toContain(`web PORT=${base} GREETING=hello there PROJECT=app`);
  expect(await logOf("worker", "worker PORT")).toContain(`worker PORT=${base + 100}`);
}, 30_000);

test("start web runs only web; -m web=2 runs web.1 and web.2 on consecutive ports", async () => {
  const dir = project({ Procfile: PROCFILE });
  expect((await tend(["start", "-d", "--dir", dir, "--port", String(base), "web"], { env: t.env })).code).toBe(0);
  expect(await names()).toEqual(["web"]);
  expect((await tend(["stop"], { env: t.env })).code).toBe(0);

  expect((await tend(["start", "-d", "--dir", dir, "--port", String(base), "-m", "web=2,worker=0,_helper=0"], { env: t.env })).code).toBe(0);
  expect(await names()).toEqual(["web.1", "web.2"]);
  expect(await logOf("web.1", "web PORT")).toContain(`web PORT=${base} `);
  expect(await logOf("web.2", "web PORT")).toContain(`web PORT=${base + 1} `);
}, 30_000);

test("--env-file adds to .env, and ${VAR} in a config's env reads both", async () => {
  const dir = project({
    "tend.toml": [
      'project = "shop"',
      "[processes.api]",
      'command = "echo URL=$URL PORT=$PORT; sleep 60"',
      'env = { URL = "postgres://${DB_HOST}:${PORT}/app" }',
      "port = 4321",
      'ready = "port"',
      "",
    ].join("\n"),
    ".env": "DB_HOST=from-dotenv\n",
    "extra.env": "DB_HOST=from-env-file\n",
  });
  const check = await tend(["check", "--dir", dir, "--env-file", path.join(dir, "extra.env"), "--json"], { env: t.env });
  expect(check.code).toBe(0);
  const plan = JSON.parse(check.stdout);
  expect(plan.project).toBe("shop");
  expect(plan.processes[0]).toMatchObject({ name: "api", port: 4321, ready: "port 127.0.0.1:4321", restart: "always" });
  expect((await tend(["start", "-d", "--dir", dir, "--env-file", path.join(dir, "extra.env")], { env: t.env })).code).toBe(0);
  expect(await logOf("api", "URL=")).toContain("URL=postgres://from-env-file:4321/app PORT=4321");
}, 30_000);

test("tend check shows what would run, and exits 2 on a bad config or a bad .env line", async () => {
  const dir = project({ Procfile: PROCFILE });
  const check = await tend(["check", "--dir", dir, "--port", String(base), "-m", "web=2"], { env: t.env });
  expect(check.stderr).toBe("");
  expect(check.code).toBe(0);
  const lines = check.stdout.trim().split("\n");
  expect(lines[0]).toBe(`${path.join(dir, "Procfile")}: 4 processes of project app`);
  expect(lines[1]).toMatch(/^NAME +COMMAND +CWD +PORT +RESTART +READY +DEPENDS ON$/);
  expect(lines[2]).toMatch(new RegExp(`^web\\.1 +echo .* ${base} +always +- +-$`));
  expect(lines[3]).toMatch(new RegExp(`^web\\.2 +echo .* ${base + 1} +always`));
  expect(lines[4]).toMatch(new RegExp(`^worker +echo .* ${base + 100} +always`));

  writeFileSync(path.join(dir, ".env"), "GOOD=1\nthis is not a variable\n");
  const badEnv = await tend(["check", "--dir", dir], { env: t.env });
  expect(badEnv.code).toBe(2);
  expect(badEnv.stderr).toContain(`${path.join(dir, ".env")}:2: expected KEY=VALUE, got "this is not a variable"`);

  writeFileSync(path.join(dir, "tend.toml"), '[processes.web]\ncomand = "x"\n');
  const bad = await tend(["check", "--dir", dir], { env: t.env });
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('tend.toml:2: process "web": field "comand": unknown (did you mean "command"?)');
}, 30_000);
