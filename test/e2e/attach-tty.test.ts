import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { useTendHome, waitFor } from "../helpers/home";
import { tendInPty, type PtyRun } from "../helpers/pty";
import { sessionsIn } from "../helpers/tend-cli";

// An interactive shell ignores SIGTERM: don't sit out its grace.
const t = useTendHome({ killAll: { grace: "0s" }, stop: true, timeoutMs: 10_000 });
const { bg, stateOf } = sessionsIn(t);

const DETACHED = "[detached from sh; it keeps running — tend attach sh to come back]";

/**
 * Runs `command` in the attached shell and returns where its answer ends in the output. The
 * command line echoed back never contains the answer ("echo $((6*7))" answers "42").
 */
async function shell(client: PtyRun, command: string, answer: string, from: number): Promise<number> {
  client.type(`${command}\r`);
  return client.waitFor(`${answer}\r\n`, from);
}

test("type into a --tty shell, read its answer, resize it, detach, and come back to it", async () => {
  await bg("--tty", "--name", "sh", "-e", "PS1=$ ", "--", "sh");
  const first = tendInPty(["attach", "sh"], t.env, { cols: 80, rows: 24 });
  let at = await first.waitFor("[attached to sh; Ctrl-\\ detaches]");
  at = await shell(first, "echo $((6*7))", "42", at);
  at = await shell(first, "stty size", "24 80", at);

  first.resize(100, 30);
  // The new size travels as a signal to the client, then a message: ask until the shell sees it.
  for (let tries = 0; ; tries++) {
    try {
      at = await shell(first, "stty size", "30 100", at);
      break;
    } catch (error) {
      if (tries === 5) throw error;
    }
  }

  first.type("\x1c");
  expect(await first.exited).toBe(0);
  expect(first.output()).toContain(DETACHED);
  expect(await stateOf("sh")).toBe("running");
  // The attach may see the output before the log has it written.
  await waitFor("the log line", () => / stdout F 42\r?\n/.test(readFileSync(path.join(t.home, "logs", "sh.log"), "utf8")));

  const again = tendInPty(["attach", "sh"], t.env);
  at = await again.waitFor("\r\n42\r\n");
  again.type("exit 5\r");
  await again.waitFor("[sh exited with code 5]", at);
  expect(await again.exited).toBe(0);
}, 15_000);

test("two clients attached at once both see the output, and both may type", async () => {
  await bg("--tty", "--name", "sh", "-e", "PS1=$ ", "--", "sh");
  const a = tendInPty(["attach", "sh"], t.env);
  const b = tendInPty(["attach", "sh"], t.env);
  const [fromA, fromB] = await Promise.all([a.waitFor("[attached to sh"), b.waitFor("[attached to sh")]);

  a.type("echo from-$((1+1))-a\r");
  await Promise.all([a.waitFor("from-2-a\r\n", fromA), b.waitFor("from-2-a\r\n", fromB)]);
  b.type("echo from-$((1+2))-b\r");
  await Promise.all([a.waitFor("from-3-b\r\n", fromA), b.waitFor("from-3-b\r\n", fromB)]);

  a.type("\x1c");
  expect(await a.exited).toBe(0);
  b.type("\x1c");
  expect(await b.exited).toBe(0);
  expect(await stateOf("sh")).toBe("running");
}, 15_000);

test("Ctrl-C reaches the process; with --detach-key ctrl-] Ctrl-\\ does too, and Ctrl-] detaches", async () => {
  await bg("--tty", "--name", "sh", "-e", "PS1=$ ", "--", "sh");
  const client = tendInPty(["attach", "sh", "--detach-key", "ctrl-]"], t.env);
  let at = await client.waitFor("[attached to sh; Ctrl-] detaches]");
  client.type("sleep 30; echo not-$((1+1))-interrupted\r");
  await Bun.sleep(300);
  client.type("\x03");
  at = await shell(client, "echo after-$((2*3))", "after-6", at);
  client.type("\x1c");
  at = await shell(client, "echo still-$((3*3))", "still-9", at);
  client.type("\x1d");
  expect(await client.exited).toBe(0);
  expect(client.output()).toContain(DETACHED);
  expect(client.output()).not.toContain("not-2-interrupted");
}, 15_000);

test("a full-screen program's screen is redrawn on attach, and its modes are undone on detach", async () => {
  const draw = String.raw`printf '\033[?1049h\033[2J\033[?25l\033[5;10HFULL-SCREEN'; exec sleep 30`;
  await bg("--tty", "--name", "sh", "--", "sh", "-c", draw);
  const client = tendInPty(["attach", "sh"], t.env);
  const at = await client.waitFor("FULL-SCREEN");
  expect(client.output()).toContain("\x1b[?1049h");
  client.type("\x1c");
  expect(await client.exited).toBe(0);
  const afterDetach = client.output().slice(at);
  expect(afterDetach).toContain("\x1b[?1049l");
  expect(afterDetach).toContain("\x1b[?25h");
  expect(afterDetach.indexOf("\x1b[?1049l")).toBeLessThan(afterDetach.indexOf("[detached from sh"));
}, 15_000);

test("a session without a terminal keeps ours in line mode: Enter sends the line, Ctrl-\\ detaches", async () => {
  await bg("--name", "cat", "--", "cat");
  const client = tendInPty(["attach", "cat"], t.env);
  await Bun.sleep(300);
  client.type("hello cat\r");
  // Once echoed by our terminal as typed, once by cat.
  await client.waitFor(/hello cat\r\n(.|\r\n)*hello cat\r\n/);
  client.type("\x1c");
  expect(await client.exited).toBe(0);
  expect(client.output()).toContain("[detached from cat; it keeps running — tend attach cat to come back]");
  expect(client.output()).not.toContain("[attached to");
  expect(await stateOf("cat")).toBe("running");
}, 15_000);
