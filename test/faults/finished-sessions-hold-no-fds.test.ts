import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { useTendHome, waitFor } from "../helpers/home";
import { requireBinary, tend } from "../helpers/tend-cli";

const t = useTendHome({ killAll: true, stop: true, timeoutMs: 60_000 });

const LIMIT = 200;
const SESSIONS = 240;

test(`with ${LIMIT} fds, ${SESSIONS} short sessions all start, and the supervisor's open fds stay flat`, async () => {
  // The first bg starts the supervisor, which keeps the limit of the shell it came from; the
  // long session keeps it from leaving between the short ones.
  const first = Bun.spawn({
    cmd: ["sh", "-c", `ulimit -n ${LIMIT}; exec "$0" bg --name keep -- sleep 600`, requireBinary()],
    env: t.env,
    stdout: "ignore",
    stderr: "pipe",
  });
  expect(await first.exited).toBe(0);
  const { pid } = JSON.parse(readFileSync(path.join(t.home, "supervisor.json"), "utf8"));
  expect(readFileSync(`/proc/${pid}/limits`, "utf8")).toMatch(new RegExp(`Max open files\\s+${LIMIT}\\s`));
  const openFds = () => readdirSync(`/proc/${pid}/fd`).length;

  const counts: number[] = [];
  const failures: string[] = [];
  for (let i = 1; i <= SESSIONS; i++) {
    const bg = await tend(["bg", "--name", `s${i}`, "--", "true"], { env: t.env });
    if (bg.code !== 0) failures.push(`s${i}: ${bg.stderr.trim()}`);
    if (i === 20 || i === SESSIONS) {
      // Counted once that session has ended and been put away, not while it closes its pipes.
      expect((await tend(["wait", `s${i}`, "--exit"], { env: t.env })).code).toBe(0);
      await waitFor("the fd count to settle", async () => {
        const before = openFds();
        await Bun.sleep(100);
        return openFds() === before;
      });
      counts.push(openFds());
    }
  }
  expect(failures).toEqual([]);
  const [after20, afterAll] = counts as [number, number];
  console.log(`supervisor fds: ${after20} after 20 sessions, ${afterAll} after ${SESSIONS} (limit ${LIMIT})`);
  expect(afterAll - after20).toBeLessThanOrEqual(3);
}, 60_000);
