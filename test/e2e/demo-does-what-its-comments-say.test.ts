import { expect, test } from "bun:test";
import path from "node:path";
import { useTendHome } from "../helpers/home";
import { ROOT, requireBinary } from "../helpers/tend-cli";

/**
 * The README's first command runs examples/demo: what its comments promise a newcomer (the
 * client reaching the server, the worker's backoff ladder and parking, the job parked for
 * exit code 78, a clean Ctrl-C) is what they see.
 */
const t = useTendHome({ killAll: { grace: "0s" }, stop: true });

test("the bundled demo shows the server answering, the backoff ladder, both parkings and a clean Ctrl-C", async () => {
  const start = Bun.spawn({ cmd: [requireBinary(), "start"], cwd: path.join(ROOT, "examples", "demo"), env: t.env, stdout: "pipe", stderr: "pipe" });
  let out = "";
  const decoder = new TextDecoder();
  const reading = (async () => {
    for await (const chunk of start.stdout) out += decoder.decode(chunk, { stream: true });
  })();
  const deadline = Date.now() + 25_000;
  while (Date.now() < deadline && !/worker.*parked/.test(out)) await Bun.sleep(100);
  start.kill("SIGINT");
  expect(await start.exited).toBe(0);
  await reading;

  const lines = out.split("\n");
  const of = (name: string) => lines.filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}\t`)).join("\n");
  expect(of("client")).toContain("got 200: hello from the demo");
  expect(of("migrate")).toContain("DATABASE_URL is not set");
  expect(out).toMatch(/migrate.*parked: permanent exit code 78/);
  const ladder = [...out.matchAll(/worker\b.*restarting in (\S+)/g)].map((m) => m[1]);
  expect(ladder).toEqual(["1s", "2s", "4s"]);
  expect(out).toMatch(/worker.*parked: 4 rapid failures/);
  expect(of("web")).toContain("SIGTERM: closing");
}, 40_000);
