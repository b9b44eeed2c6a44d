import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { useTendHome, waitFor } from "../helpers/home";
import { requireBinary, ROOT, sessionsIn } from "../helpers/tend-cli";

const t = useTendHome({ killAll: { grace: "0s" }, stop: true, timeoutMs: 10_000 });
const { bg } = sessionsIn(t);

/**
 * Runs `tend ARGS` with one of its outputs piped to a reader that goes away early, as in
 * `tend ps --json | head -c 10`; the other output is kept. Returns tend's own exit code.
 */
async function withReaderGone(args: string[], stream: "stdout" | "stderr") {
  const rcFile = path.join(t.home, "rc");
  const quoted = [requireBinary(), ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
  // For stderr the reader is gone before tend starts; for stdout, after the first bytes.
  const script =
    stream === "stdout"
      ? `{ ${quoted}; echo $? > "$RC"; } | head -c 10 >/dev/null`
      : `{ sleep 0.3; ${quoted} 2>&1 >/dev/null; echo $? > "$RC"; } | true`;
  const proc = Bun.spawn({ cmd: ["sh", "-c", script], env: { ...t.env, RC: rcFile }, cwd: ROOT, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stderr] = await Promise.all([new Response(proc.stderr).text(), new Response(proc.stdout).text(), proc.exited]);
  return { code: Number(readFileSync(rcFile, "utf8").trim()), stderr };
}

test("tend ps --json piped to a reader that stops early exits 0 without a word", async () => {
  // One record whose command alone is far more than a pipe holds.
  const filler = Array.from({ length: 20_000 }, (_, i) => `a${i}`);
  await bg("--name", "wide", "--", "sh", "-c", "exec sleep 30", ...filler);
  expect(await withReaderGone(["ps", "--json"], "stdout")).toEqual({ code: 0, stderr: "" });
}, 20_000);

test("tend logs piped to a reader that stops early exits 0 without a word", async () => {
  await bg("--name", "loud", "--", "sh", "-c", "seq 1 100000; exec sleep 30");
  await waitFor("all of loud's lines logged", () => readFileSync(path.join(t.home, "logs", "loud.log"), "utf8").includes(" 100000\n"));
  expect(await withReaderGone(["logs", "loud"], "stdout")).toEqual({ code: 0, stderr: "" });
}, 20_000);

test("a command whose stderr has no reader left exits 0 instead of crashing", async () => {
  // With no input, attach detaches by itself and says so on stderr, the only thing it writes there.
  await bg("--name", "quiet", "--", "sleep", "30");
  expect(await withReaderGone(["attach", "quiet"], "stderr")).toEqual({ code: 0, stderr: "" });
}, 20_000);
