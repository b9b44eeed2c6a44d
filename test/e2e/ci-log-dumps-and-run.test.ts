import { beforeEach, expect, test } from "bun:test";
import { useTendHome } from "../helpers/home";
import { allEnded, githubActions, tend } from "../helpers/tend-cli";

const t = useTendHome({ killAll: true, stop: true });
beforeEach(async () => {
  expect((await tend(["bg", "--name", "ok", "--", "sh", "-c", "echo fine"], { env: t.env })).code).toBe(0);
  expect((await tend(["bg", "--name", "bad", "--", "sh", "-c", "echo broken >&2; exit 1"], { env: t.env })).code).toBe(0);
  await allEnded(t.env);
});

const gha = () => githubActions(t.env, true);
const plain = () => githubActions(t.env, false);

test("GitHub Actions fold markers appear exactly when GITHUB_ACTIONS=true", async () => {
  const folded = await tend(["logs", "--all"], { env: gha() });
  expect(folded.stdout).toBe("::group::bad (exit 1)\nbroken\n::endgroup::\n::group::ok (exit 0)\nfine\n::endgroup::\n");
  const unfolded = await tend(["logs", "--all"], { env: plain() });
  expect(unfolded.stdout).not.toContain("::");
  expect(unfolded.stdout).toContain("bad  | broken");
}, 20_000);

test("--failed keeps only what crashed, was parked or exited non-zero", async () => {
  // Even one failed process is shown under its name: the reader did not choose it.
  expect((await tend(["logs", "--failed"], { env: plain() })).stdout).toBe("bad  | broken\n");
  expect((await tend(["logs", "--failed"], { env: gha() })).stdout).toBe("::group::bad (exit 1)\nbroken\n::endgroup::\n");
}, 20_000);

test("tend run passes a success through, and on failure dumps the sessions' logs and keeps the exit code", async () => {
  const ok = await tend(["run", "--", "sh", "-c", "echo testing"], { env: plain() });
  expect(ok).toMatchObject({ code: 0, stdout: "testing\n" });
  const fail = await tend(["run", "--", "sh", "-c", "echo testing; exit 2"], { env: gha() });
  expect(fail.code).toBe(2);
  // The command as a shell would read it back, quotes and all.
  expect(fail.stderr).toStartWith("::error title=tend::sh -c 'echo testing; exit 2' failed (exit 2)\ntend: sh -c 'echo testing; exit 2' failed (exit 2); the last 50 lines");
  expect(fail.stdout).toBe("testing\n::group::bad (exit 1)\nbroken\n::endgroup::\n::group::ok (exit 0)\nfine\n::endgroup::\n");
  // Waiting for a session first, tend says when it was ready, on stderr: stdout is the command's.
  expect((await tend(["bg", "--name", "api", "--", "sleep", "60"], { env: t.env })).code).toBe(0);
  const afterReady = await tend(["run", "--name", "api", "--", "sh", "-c", "echo testing"], { env: plain() });
  expect(afterReady).toMatchObject({ code: 0, stdout: "testing\n" });
  expect(afterReady.stderr).toMatch(/api ready after \S+; running sh -c 'echo testing'\n$/);
  const notReady = await tend(["run", "--ready-port", "1", "--timeout", "300ms", "--", "echo", "never"], { env: plain() });
  expect(notReady.code).toBe(1);
  expect(notReady.stdout).not.toContain("never");
  expect(notReady.stderr).toContain("not ready after 300ms");
}, 20_000);

test("a failed readiness wait on GitHub Actions also emits an ::error:: annotation, on stderr", async () => {
  const r = await tend(["bg", "--name", "never", "--ready-port", "1", "--timeout", "300ms", "--", "sleep", "30"], { env: gha() });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("::error title=tend::never not ready after 300ms");
  expect(r.stdout).not.toContain("::error");
  const quiet = await tend(["bg", "--name", "never2", "--ready-port", "1", "--timeout", "300ms", "--", "sleep", "30"], { env: plain() });
  expect(quiet.stderr).not.toContain("::error");
}, 20_000);
