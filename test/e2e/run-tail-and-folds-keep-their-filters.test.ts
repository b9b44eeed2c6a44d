import { beforeEach, expect, test } from "bun:test";
import { useTendHome } from "../helpers/home";
import { allEnded, githubActions, tend } from "../helpers/tend-cli";

/**
 * A failed `tend run` shows the last --tail lines of each session (50 by default), not whole
 * logs; and on GitHub Actions a log dump keeps its folds with -n, --since and --stream, with -t
 * stamping the lines inside them.
 */
const t = useTendHome({ killAll: true, stop: true });
const gha = () => githubActions(t.env, true);
const plain = () => githubActions(t.env, false);
const numbers = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${from + i}\n`).join("");

beforeEach(async () => {
  expect((await tend(["bg", "--name", "counter", "--", "seq", "1", "500"], { env: t.env })).code).toBe(0);
  expect((await tend(["bg", "--name", "short", "--", "sh", "-c", "echo one; sleep 0.2; echo two >&2; exit 1"], { env: t.env })).code).toBe(0);
  // Two pipes are read apart: the pause keeps their lines in the order they were written.
  await allEnded(t.env);
});

test("tend run shows the last 50 lines of each session by default, --tail N of them, none with --tail 0", async () => {
  const byDefault = await tend(["run", "--", "false"], { env: plain() });
  expect(byDefault.code).toBe(1);
  expect(byDefault.stdout).toBe(`--- counter (exit 0) ---\n${numbers(451, 500)}--- short (exit 1) ---\none\ntwo\n`);
  const five = await tend(["run", "--tail", "5", "--", "false"], { env: gha() });
  expect(five.stdout).toBe(`::group::counter (exit 0)\n${numbers(496, 500)}::endgroup::\n::group::short (exit 1)\none\ntwo\n::endgroup::\n`);
  const none = await tend(["run", "--tail", "0", "--", "false"], { env: plain() });
  expect(none).toMatchObject({ code: 1, stdout: "" });
}, 20_000);

test("on GitHub Actions, -n, --since and --stream keep the folds, and -t stamps the lines inside them", async () => {
  const last = await tend(["logs", "--all", "-n", "1"], { env: gha() });
  expect(last.stdout).toBe("::group::counter (exit 0)\n500\n::endgroup::\n::group::short (exit 1)\ntwo\n::endgroup::\n");
  const recent = await tend(["logs", "--all", "--since", "1h", "--stream", "stderr"], { env: gha() });
  expect(recent.stdout).toBe("::group::counter (exit 0)\n::endgroup::\n::group::short (exit 1)\ntwo\n::endgroup::\n");
  const stamped = await tend(["logs", "--failed", "-t"], { env: gha() });
  expect(stamped.stdout).toMatch(/^::group::short \(exit 1\)\n\d{4}-\d\d-\d\dT[\d:.]+Z one\n\d{4}-\d\d-\d\dT[\d:.]+Z two\n::endgroup::\n$/);
}, 20_000);
