import { expect, test } from "bun:test";
import { readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { useTendHome, waitFor } from "../helpers/home";
import { projectLogs, requireBinary, tend } from "../helpers/tend-cli";

const t = useTendHome({ stop: true });

/** `tend logs …` running in the background, its output gathered as it comes. */
function follower(args: string[]) {
  const proc = Bun.spawn({ cmd: [requireBinary(), "logs", ...args], env: t.env, stdout: "pipe", stderr: "pipe" });
  let out = "";
  const reading = (async () => {
    for await (const chunk of proc.stdout) out += new TextDecoder().decode(chunk);
  })();
  return {
    output: () => out,
    async done() {
      const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text(), reading]);
      return { code, stdout: out, stderr };
    },
  };
}

async function bg(name: string, script: string): Promise<void> {
  const r = await tend(["bg", "--name", name, "--", "sh", "-c", script], { env: t.env });
  expect(r.code).toBe(0);
}

test("-f returns once a session with restart no has ended; with several names, once all have", async () => {
  await bg("job", "for i in 1 2 3; do echo $i; sleep 0.2; done");
  await bg("slow", "sleep 2; echo slow done");
  expect(await tend(["logs", "-f", "job"], { env: t.env })).toEqual({ code: 0, stdout: "1\n2\n3\n", stderr: "" });
  // "slow" still runs, so the supervisor does too: it is the job's end that ended the follow.
  const ps = JSON.parse((await tend(["ps", "--json"], { env: t.env })).stdout);
  expect(ps.processes.find((p: { name: string }) => p.name === "slow").state).toBe("running");
  const both = await tend(["logs", "-f", "job", "slow"], { env: t.env });
  expect(both).toEqual({ code: 0, stdout: "job  | 1\njob  | 2\njob  | 3\nslow | slow done\n", stderr: "" });
}, 10_000);

test("-f keeps following across a restart, and a kill ends it", async () => {
  // The first run lasts until the restart ends it, however slow the machine; the second ends soon.
  await bg("job", 'echo "start-$TEND_RESTARTS"; if [ "$TEND_RESTARTS" = 0 ]; then sleep 30; else sleep 1; fi; echo "end-$TEND_RESTARTS"');
  const f = follower(["-f", "job"]);
  await waitFor("first run's output", () => f.output() === "start-0\n");
  expect((await tend(["restart", "job"], { env: t.env })).code).toBe(0);
  expect(await f.done()).toEqual({ code: 0, stdout: "start-0\nstart-1\nend-1\n", stderr: "" });

  await bg("forever", "echo hello; exec sleep 300");
  const g = follower(["-f", "forever"]);
  await waitFor("its output", () => g.output() === "hello\n");
  expect((await tend(["kill", "forever"], { env: t.env })).code).toBe(0);
  expect(await g.done()).toEqual({ code: 0, stdout: "hello\n", stderr: "" });
}, 15_000);

test("-f follows across log rotation and automatic restarts, losing and repeating nothing", async () => {
  const runs = 3;
  const perRun = 150;
  // The first run holds after its first line until the follower has it: the log keeps fewer
  // lines than a run writes, so a follower that came later would start mid-way.
  const go = path.join(t.home, "go");
  writeFileSync(
    path.join(t.home, "tend.toml"),
    `[processes.rotor]
command = 'for i in $(seq 1 ${perRun}); do echo "run$TEND_RESTARTS line $i of this run"; [ $i = 1 ] && until [ -e ${go} ]; do sleep 0.02; done; sleep 0.002; done; [ "$TEND_RESTARTS" -ge ${runs - 1} ] || exit 1'
restart = "on-failure"
backoff = { initial = "100ms", max = "100ms" }
log = { max_size = "2KiB", max_files = 3 }
`,
  );
  expect((await tend(["start", "-d", "--dir", t.home], { env: t.env })).code).toBe(0);
  const f = follower(["-f", "rotor"]);
  await waitFor("the follower has the first line", () => f.output().startsWith("run0 line 1 of this run\n"));
  writeFileSync(go, "");
  const got = await f.done();
  expect(got.code).toBe(0);
  const expected: string[] = [];
  for (let r = 0; r < runs; r++) for (let i = 1; i <= perRun; i++) expected.push(`run${r} line ${i} of this run`);
  expect(got.stdout).toBe(`${expected.join("\n")}\n`);
  expect(readdirSync(projectLogs(t.home, t.home)).sort()).toEqual(["rotor.log", "rotor.log.1", "rotor.log.2"]);
}, 15_000);

test("a quiet -f survives the server's idle timeout (15 s without a line)", async () => {
  await bg("quiet", "echo before; sleep 15; echo after");
  const started = performance.now();
  expect(await tend(["logs", "-f", "quiet"], { env: t.env })).toEqual({ code: 0, stdout: "before\nafter\n", stderr: "" });
  expect(performance.now() - started).toBeGreaterThan(14_000);
}, 25_000);

test("a -f of a process that has written nothing yet is answered at once, not taken for a frozen supervisor", async () => {
  await bg("silent", "sleep 3; echo late");
  // The client gives a supervisor 1 s to begin its answer; the first line comes after 3.
  const follow = await tend(["logs", "-f", "silent"], { env: { ...t.env, TEND_TIMEOUT: "1s" } });
  expect(follow).toEqual({ code: 0, stdout: "late\n", stderr: "" });
}, 15_000);
