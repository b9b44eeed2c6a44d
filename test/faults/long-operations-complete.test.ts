import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { useTendHome } from "../helpers/home";
import { projectOf, tend } from "../helpers/tend-cli";

// Longer than the server's idle timeout (10 s), which used to cut such answers short.
const GRACE_S = 13;
const t = useTendHome({ killAll: { grace: "1s" }, stop: true, timeoutMs: 20_000 });

test("kill and restart of workers that wait out a long grace succeed and report how it went", async () => {
  const worker = (name: string) => `[processes.${name}]\ncommand = "trap '' TERM; while true; do sleep 0.1; done"\nstop_grace = "${GRACE_S}s"\n`;
  writeFileSync(path.join(t.home, "tend.toml"), worker("doomed") + worker("reborn"));
  expect((await tend(["start", "-d", "--dir", t.home], { env: t.env })).code).toBe(0);
  expect((await tend(["wait", "doomed", "reborn", "--timeout", "10s"], { env: t.env })).code).toBe(0);
  const pidOf = async (name: string) =>
    JSON.parse((await tend(["status", "--json"], { env: t.env })).stdout).processes.find((p: { name: string }) => p.name === name)?.pid;
  const before = await pidOf("reborn");

  const started = Date.now();
  const [kill, restart] = await Promise.all([
    tend(["kill", "doomed"], { env: t.env, timeoutMs: 40_000 }),
    tend(["restart", "reborn"], { env: t.env, timeoutMs: 40_000 }),
  ]);
  expect(Date.now() - started).toBeGreaterThanOrEqual(GRACE_S * 1000);
  expect({ code: kill.code, out: kill.stdout + kill.stderr }).toEqual({ code: 0, out: expect.stringContaining(`killed ${projectOf(t.home)}/doomed`) });
  const after = await pidOf("reborn");
  expect(after).not.toBe(before);
  expect({ code: restart.code, out: restart.stdout + restart.stderr }).toEqual({ code: 0, out: expect.stringContaining(`restarted ${projectOf(t.home)}/reborn (pid ${after})`) });
}, 60_000);
