import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { useTendHome } from "../helpers/home";
import { useMarkedProcesses } from "../helpers/marked-processes";
import { tend } from "../helpers/tend-cli";

const t = useTendHome({ killAll: { grace: "500ms" }, stop: true });
const marked = useMarkedProcesses();

test("a process outside the tree holding the output open cannot hold a kill for ever", async () => {
  // It left the group and dropped every variable tend could find it by, but kept stdout.
  const script = `setsid env -u TEND_PROCESS_ID -u TEND_HOME TEND_TEST_MARK=${marked.mark} sleep 300 & echo started; exec sleep 300`;
  expect((await tend(["bg", "--name", "holder", "--", "sh", "-c", script], { env: t.env })).code).toBe(0);
  marked.groups.push(...(await marked.atLeast(1)));
  const started = Date.now();
  const kill = await tend(["kill", "holder", "--grace", "500ms"], { env: t.env, timeoutMs: 20_000 });
  expect(kill.stderr).toBe("");
  expect(kill.code).toBe(0);
  expect(Date.now() - started).toBeLessThan(8000);
  expect(readFileSync(path.join(t.home, "logs", "holder.log"), "utf8")).toContain("stopped reading: the output is held open by a process outside the tree");
}, 30_000);
