import { expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { useTendHome, waitFor } from "../helpers/home";
import { BINARY, tend } from "../helpers/tend-cli";

/** Two projects with the same process names, in their own folders, under one supervisor. */

const t = useTendHome({ killAll: { grace: "500ms" }, stop: true });

const CONFIG = `
[processes.web]
command = "echo web of $TEND_PROJECT in $TEND_DIR; exec sleep 60"

[processes.worker]
command = "echo worker of $TEND_PROJECT as $TEND_NAME; exec sleep 60"
`;

function project(name: string, config = CONFIG): string {
  const dir = path.join(t.home, "src", name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "tend.toml"), config);
  return dir;
}

interface Listed {
  name: string;
  project: string | null;
  state: string;
}

async function ps(cwd: string, ...args: string[]): Promise<Listed[]> {
  const r = await tend(["ps", "--json", ...args], { env: t.env, cwd });
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout).processes as Listed[]).map(({ name, project, state }) => ({ name, project, state }));
}

const running = (list: Listed[]) => list.filter((p) => p.state === "running").map((p) => `${p.project}/${p.name}`).sort();

test("two projects with the same names run side by side; each command acts on its folder's; each stops alone", async () => {
  const shop = project("shop");
  const blog = project("blog");
  expect((await tend(["start", "-d"], { env: t.env, cwd: shop })).code).toBe(0);
  const second = await tend(["start", "-d"], { env: t.env, cwd: blog });
  expect(second.stderr).toBe("");
  expect(second.code).toBe(0);
  const outside = t.home;
  await waitFor("four processes running", async () => running(await ps(outside)).length === 4);
  expect(running(await ps(outside))).toEqual(["blog/web", "blog/worker", "shop/web", "shop/worker"]);
  // In a project's folder, ps shows that project; -p another; --all every one.
  expect(running(await ps(shop))).toEqual(["shop/web", "shop/worker"]);
  expect(running(await ps(shop, "-p", "blog"))).toEqual(["blog/web", "blog/worker"]);
  expect(running(await ps(shop, "--all"))).toHaveLength(4);

  // Each process got its own project and folder.
  const said = async (cwd: string, ...args: string[]) => (await tend(["logs", ...args], { env: t.env, cwd })).stdout.includes(" of ");
  await waitFor("the first lines", async () => (await said(blog, "web")) && (await said(shop, "web")) && (await said(outside, "worker", "-p", "blog")));
  expect((await tend(["logs", "web"], { env: t.env, cwd: shop })).stdout).toBe(`web of shop in ${shop}\n`);
  expect((await tend(["logs", "web"], { env: t.env, cwd: blog })).stdout).toBe(`web of blog in ${blog}\n`);
  expect((await tend(["logs", "worker", "-p", "blog"], { env: t.env, cwd: outside })).stdout).toBe("worker of blog as worker\n");
  // Outside any project a name two projects share must be said in full.
  const ambiguous = await tend(["kill", "web"], { env: t.env, cwd: outside });
  expect(ambiguous.code).toBe(2);
  expect(ambiguous.stderr).toContain('"web" is a process of 2 projects: blog/web, shop/web');

  // Stopping one project leaves the other running, and the supervisor with it.
  const stopShop = await tend(["stop"], { env: t.env, cwd: shop });
  expect(stopShop.code).toBe(0);
  expect(stopShop.stdout + stopShop.stderr).toContain("stopped project shop (2 processes)");
  expect(running(await ps(outside))).toEqual(["blog/web", "blog/worker"]);
  const status = JSON.parse((await tend(["ps", "--json"], { env: t.env, cwd: outside })).stdout);
  expect(status.supervisor.state).toBe("running");

  // A project with nothing running is still the folder's project: stop there touches no other.
  const again = await tend(["stop"], { env: t.env, cwd: shop });
  expect(again.stdout + again.stderr).toContain("project shop has nothing running");
  expect(running(await ps(outside))).toEqual(["blog/web", "blog/worker"]);
  expect((await tend(["ps"], { env: t.env, cwd: shop })).stdout).toContain("no processes in project shop");
  // A project nobody has is an error; -p with --all is a usage error, for kill too.
  const unknown = await tend(["stop", "-p", "nosuch"], { env: t.env, cwd: outside });
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain('no project named "nosuch" (known: blog)');
  const both = await tend(["kill", "--all", "-p", "blog"], { env: t.env, cwd: outside });
  expect(both.code).toBe(2);
  expect(running(await ps(outside))).toEqual(["blog/web", "blog/worker"]);
  // Starting a running project again says so.
  const twice = await tend(["start", "-d"], { env: t.env, cwd: blog });
  expect(twice.code).toBe(1);
  expect(twice.stderr).toContain("project blog is already running under the supervisor");

  // The last project gone, the supervisor goes too.
  const stopBlog = await tend(["stop"], { env: t.env, cwd: blog });
  expect(stopBlog.stdout + stopBlog.stderr).toContain("nothing else was left, so the supervisor stopped too");
  expect(JSON.parse((await tend(["ps", "--json"], { env: t.env, cwd: outside })).stdout).supervisor.state).toBe("stopped");
}, 60_000);

test("a foreground start shows its own project only, even when another project's start joins its supervisor", async () => {
  const shop = project("shop", '[processes.web]\ncommand = "echo shop says hi; exec sleep 60"\n');
  const blog = project("blog", '[processes.web]\ncommand = "echo blog says hi; exec sleep 60"\n');
  const foreground = (cwd: string) => {
    const proc = Bun.spawn({ cmd: [BINARY, "start"], cwd, env: t.env, stdout: "pipe", stderr: "pipe" });
    let out = "";
    const reading = (async () => {
      for await (const chunk of proc.stdout) out += new TextDecoder().decode(chunk);
    })();
    return { proc, output: () => out, reading };
  };
  const first = foreground(shop);
  await waitFor("shop's web", () => first.output().includes("shop says hi"));
  const second = foreground(blog);
  await waitFor("blog's web", () => second.output().includes("blog says hi"));
  // Time for blog's line to reach the first start too, were it sent there.
  await Bun.sleep(300);
  for (const { proc, reading } of [second, first]) {
    proc.kill("SIGINT");
    await proc.exited;
    await reading;
  }
  const [a, b] = [first.output(), second.output()];
  expect(a).toContain("web  | shop says hi");
  expect(a).not.toContain("blog says hi");
  expect(b).toContain("web  | blog says hi");
}, 60_000);

test("a session started in a project's folder belongs to it; one started elsewhere to none", async () => {
  const shop = project("shop");
  expect((await tend(["bg", "--name", "repl", "--", "sleep", "60"], { env: t.env, cwd: shop })).code).toBe(0);
  expect((await tend(["bg", "--name", "repl", "--", "sleep", "60"], { env: t.env, cwd: t.home })).code).toBe(0);
  const all = await ps(t.home);
  expect(all.map((p) => `${p.project}/${p.name}`).sort()).toEqual(["null/repl", "shop/repl"]);
  // In the folder, the name is the project's; -p names it from anywhere.
  expect((await tend(["kill", "repl"], { env: t.env, cwd: shop })).code).toBe(0);
  expect((await ps(t.home)).map((p) => `${p.project}/${p.name}`)).toEqual(["null/repl"]);
}, 30_000);
