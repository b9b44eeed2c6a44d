import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { lineFor } from "../fixtures/flood-lines";
import { firstMismatch, linesFromLog } from "../helpers/flood-log";
import { useTendHome, waitFor } from "../helpers/home";
import { FIXTURES, requireBinary, tend } from "../helpers/tend-cli";

const COUNT = 200_000;
const t = useTendHome({ stop: true, timeoutMs: 60_000 });

interface Ps {
  processes: Array<{ name: string; state: string; startedAt: number; endedAt: number | null }>;
}

/** The flood starts a moment after the session, so followers can be there from its first line. */
async function flood(name: string): Promise<void> {
  const script = `sleep 1; exec "${process.execPath}" "${path.join(FIXTURES, "flood-lines.ts")}"`;
  const r = await tend(["bg", "--name", name, "-e", `COUNT=${COUNT}`, "--log-max-size", "100MiB", "--", "sh", "-c", script], { env: t.env });
  expect(r.code).toBe(0);
}

async function runTime(name: string): Promise<number> {
  let ran = 0;
  await waitFor(`${name} ended`, async () => {
    const p = (JSON.parse((await tend(["ps", "--json"], { env: t.env })).stdout) as Ps).processes.find((x) => x.name === name);
    if (p?.state !== "exited" || p.endedAt === null) return false;
    ran = p.endedAt - p.startedAt;
    return true;
  }, 20_000);
  return ran;
}

test("200,000 lines while one `logs -f` reads slowly and another is killed: the log is intact, the child never waits", async () => {
  await flood("alone");
  const aloneMs = await runTime("alone");

  await flood("watched");
  const logs = ["-f", "watched"];
  const slow = Bun.spawn({ cmd: [requireBinary(), "logs", ...logs], env: t.env, stdout: "pipe", stderr: "pipe" });
  const killed = Bun.spawn({ cmd: [requireBinary(), "logs", ...logs], env: t.env, stdout: "pipe", stderr: "pipe" });
  const slowRead = (async () => {
    const chunks: Uint8Array[] = [];
    for await (const chunk of slow.stdout) {
      chunks.push(chunk);
      await Bun.sleep(50);
    }
    return Buffer.concat(chunks).toString("utf8");
  })();
  void (async () => {
    // Killed as soon as the flood reaches it, with most of it still to come.
    for await (const _ of killed.stdout) killed.kill("SIGKILL");
  })();

  const watchedMs = await runTime("watched");
  const [slowCode, slowErr, slowOut] = await Promise.all([slow.exited, new Response(slow.stderr).text(), slowRead]);
  expect(killed.signalCode).toBe("SIGKILL");

  // A child held up by its followers would take as long as the slow reader (about 1 MB/s:
  // 8 s and more); the bound leaves room for two floods timed on a busy machine.
  expect(watchedMs).toBeLessThan(Math.max(aloneMs * 1.5, aloneMs + 1500));
  expect(firstMismatch(linesFromLog(readFileSync(path.join(t.home, "logs", "watched.log"), "utf8")), COUNT)).toBeNull();
  expect(slowCode).toBe(1);
  expect(slowErr).toBe("tend: log stream dropped: reader too slow\n");
  const slowLines = slowOut.split("\n").slice(0, -1);
  expect(firstMismatch(slowLines, slowLines.length)).toBeNull();
  expect(slowLines.length).toBeLessThan(COUNT);
  expect((await tend(["logs", "watched", "-n", "2"], { env: t.env })).stdout).toBe(`${lineFor(COUNT - 2)}\n${lineFor(COUNT - 1)}\n`);
  console.log(`flood of ${COUNT} lines, each run with a 1 s start delay: ${aloneMs} ms alone, ${watchedMs} ms with a slow and a killed follower (the slow one got ${slowLines.length} lines, then was dropped)`);
}, 60_000);
