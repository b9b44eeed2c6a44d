import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { isLiveProcess } from "../../src/platform/live-processes";
import { useTendHome, waitFor } from "../helpers/home";
import { tend } from "../helpers/tend-cli";

// The session outlives the SIGKILLed supervisor; `kill --all` finds it by its recorded identity.
const t = useTendHome({ killAll: { grace: "0s" }, stop: true, timeoutMs: 30_000 });

test("a supervisor killed with SIGKILL leaves the screen of a running --tty session", async () => {
  const bg = await tend(["bg", "--tty", "--name", "shell", "--", "sh", "-c", "printf 'the screen so far\\n'; exec sleep 300"], { env: t.env });
  expect(bg.code).toBe(0);
  // Kept every few seconds while the program writes, not only when it ends.
  await waitFor("the screen to be kept", () => existsSync(path.join(t.home, "logs", "shell.screen.json")), 15_000);
  const { pid } = JSON.parse(readFileSync(path.join(t.home, "supervisor.json"), "utf8"));
  process.kill(pid, "SIGKILL");
  await waitFor("the supervisor gone", () => !isLiveProcess(pid));
  const capture = await tend(["capture", "shell"], { env: t.env });
  expect(capture.stdout).toStartWith("the screen so far\n");
}, 30_000);
