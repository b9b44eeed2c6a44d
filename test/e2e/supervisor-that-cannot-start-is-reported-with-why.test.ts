import { expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { useTendHome } from "../helpers/home";
import { tend } from "../helpers/tend-cli";

const t = useTendHome();

test("a supervisor that ends during start-up is reported at once, with the reason from its log", async () => {
  // Only the supervisor takes this lock, so only it finds the folder in its way: the launcher's
  // checks pass, and the supervisor it starts ends before it ever listens.
  mkdirSync(path.join(t.home, "supervisor.lock"), { mode: 0o700 });
  const r = await tend(["bg", "--name", "never", "--", "true"], { env: t.env });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("the supervisor exited during start-up");
  expect(r.stderr).not.toContain("did not answer");
  expect(r.stderr).toContain("could not start: refusing");
  expect(r.stderr).toContain("supervisor.lock: it is not a regular file");
  expect(r.stderr).toContain(`see ${path.join(t.home, "supervisor.log")}`);
});

test("the next command after a failed start starts a supervisor that works", async () => {
  const lock = path.join(t.home, "supervisor.lock");
  mkdirSync(lock, { mode: 0o700 });
  expect((await tend(["bg", "--", "true"], { env: t.env })).code).toBe(1);
  await Bun.$`rmdir ${lock}`;
  const r = await tend(["bg", "--name", "works", "--", "true"], { env: t.env });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const wait = await tend(["wait", "works", "--exit"], { env: t.env });
  expect(wait.code).toBe(0);
  expect((await tend(["stop"], { env: t.env })).code).toBe(0);
});
