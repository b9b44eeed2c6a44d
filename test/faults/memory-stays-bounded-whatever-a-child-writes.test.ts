import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { useTendHome, waitFor } from "../helpers/home";
import { requireBinary, tend } from "../helpers/tend-cli";

const MiB = 1024 * 1024;
const SIZE_MIB = 200;
const t = useTendHome({ killAll: true, stop: true, timeoutMs: 30_000 });

function rss(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "latin1"));
  return Number(m![1]) * 1024;
}

test.skipIf(process.platform !== "linux")(
  `a line of ${SIZE_MIB} MB without a newline, followed by logs -f: the follower gets all of it, and the supervisor stays within 64 MiB of its idle size`,
  async () => {
    const go = path.join(t.home, "go");
    // A megabyte every 20 ms or so: as fast as a follower can take it, so it stays attached to the end.
    const script = `while [ ! -e ${go} ]; do sleep 0.02; done; for i in $(seq ${SIZE_MIB}); do head -c ${MiB} /dev/zero | tr '\\0' x; sleep 0.02; done; echo`;
    const bg = await tend(["bg", "--name", "big", "--", "sh", "-c", script], { env: t.env });
    expect(bg.code).toBe(0);
    const supervisor = JSON.parse(readFileSync(path.join(t.home, "supervisor.json"), "utf8")).pid as number;

    const follower = Bun.spawn({ cmd: [requireBinary(), "logs", "-f", "big"], env: t.env, stdout: "pipe", stderr: "pipe" });
    // Idle: the session waiting, the follower connected and caught up.
    await Bun.sleep(500);
    const idle = rss(supervisor);
    let peak = idle;
    const sampler = setInterval(() => (peak = Math.max(peak, rss(supervisor))), 20);

    Bun.write(go, "");
    const xs = Buffer.alloc(MiB, "x");
    let bytes = 0;
    let wrong = 0;
    let last = 0;
    for await (const chunk of follower.stdout) {
      for (let at = 0; at < chunk.length; at += MiB) {
        let part = chunk.subarray(at, Math.min(chunk.length, at + MiB));
        if (bytes + at + part.length === SIZE_MIB * MiB + 1) part = part.subarray(0, -1);
        if (Buffer.compare(part, xs.subarray(0, part.length)) !== 0) wrong += 1;
      }
      bytes += chunk.length;
      last = chunk.at(-1)!;
    }
    clearInterval(sampler);
    const stderr = await new Response(follower.stderr).text();
    expect(stderr).toBe("");
    expect(await follower.exited).toBe(0);
    expect(bytes).toBe(SIZE_MIB * MiB + 1);
    expect(last).toBe(10);
    expect(wrong).toBe(0);
    console.log(`supervisor RSS idle ${(idle / MiB).toFixed(1)} MiB, peak ${(peak / MiB).toFixed(1)} MiB while ${SIZE_MIB} MB went to one follower`);
    expect(peak - idle).toBeLessThanOrEqual(64 * MiB);
    await waitFor("big to end", async () => JSON.parse((await tend(["ps", "--json"], { env: t.env })).stdout).processes[0]?.state === "exited");
  },
  120_000,
);
