import { expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { isLiveProcess } from "../../src/platform/live-processes";
import { useTendHome, writtenPids } from "../helpers/home";
import { FIXTURES, tend } from "../helpers/tend-cli";

const t = useTendHome();

test("tend stop ends a child that ignores SIGTERM and its grandchild, after the grace", async () => {
  const pidsFile = path.join(t.home, "pids");
  writeFileSync(
    path.join(t.home, "tend.toml"),
    `[processes.stubborn]\ncommand = ["${path.join(FIXTURES, "ignore-term-with-grandchild.sh")}"]\nstop_grace = "500ms"\nenv = { PIDS_FILE = "${pidsFile}" }\n`,
  );
  const start = await tend(["start", "-d", "--dir", t.home], { env: t.env });
  expect(start.stderr).toBe("");
  expect(start.code).toBe(0);
  const [child, grandchild] = (await writtenPids(pidsFile, 2)) as [number, number];
  expect(isLiveProcess(child)).toBe(true);
  expect(isLiveProcess(grandchild)).toBe(true);

  const stop = await tend(["stop"], { env: t.env });
  expect(stop.code).toBe(0);
  expect(stop.stdout + stop.stderr).toContain("stopped");
  expect(isLiveProcess(child)).toBe(false);
  expect(isLiveProcess(grandchild)).toBe(false);
  const log = readFileSync(path.join(t.home, "supervisor.log"), "utf8");
  expect(log).toContain("stubborn: stopped (signal=SIGKILL)");

  const status = await tend(["status"], { env: t.env });
  expect(status.stdout).toContain("not running");
});
