import { expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { isLiveProcess } from "../../src/platform/live-processes";
import { useTendHome, waitFor } from "../helpers/home";
import { useTmux } from "../helpers/tmux";
import { BINARY, FIXTURES, requireBinary, tend } from "../helpers/tend-cli";

const tmux = useTmux();
const t = useTendHome({ beforeReap: tmux.end, timeoutMs: 20_000 });

async function running(names: string[]): Promise<void> {
  await waitFor(`${names.join(", ")} running`, async () => {
    const ps = JSON.parse((await tend(["ps", "--json"], { env: t.env })).stdout);
    return names.every((n) => ps.processes.some((p: { name: string; state: string }) => p.name === n && p.state === "running"));
  });
}

test("closing the terminal of a foreground start stops every process gracefully, and tend with them", async () => {
  requireBinary();
  const note = path.join(t.home, "note");
  writeFileSync(path.join(t.home, "Procfile"), `web: ${FIXTURES}/note-term.sh\nidle: sleep 300\n`);
  const session = tmux.start([BINARY, "start", "--dir", t.home], { ...t.env, NOTE_FILE: note });
  await tmux.until(session, "supervising 2 processes");
  await running(["web", "idle"]);
  // "running" is said at the spawn; the trap is set once the script says it waits.
  await tmux.until(session, "waiting for SIGTERM");
  const supervisor = tmux.panePid(session);

  tmux.kill(session);

  await waitFor("the foreground supervisor gone", () => !isLiveProcess(supervisor));
  // SIGTERM reached web, as it does on Ctrl-C: not a SIGKILL, nor nothing at all.
  expect(existsSync(note) && readFileSync(note, "utf8")).toBe("term\n");
  const ps = JSON.parse((await tend(["ps", "--json"], { env: t.env })).stdout);
  expect(ps.supervisor.state).toBe("stopped");
}, 20_000);

test("a detached supervisor ignores SIGHUP", async () => {
  writeFileSync(path.join(t.home, "Procfile"), "idle: sleep 300\n");
  expect((await tend(["start", "-d", "--dir", t.home], { env: t.env })).code).toBe(0);
  const { pid } = JSON.parse(readFileSync(path.join(t.home, "supervisor.json"), "utf8"));
  process.kill(pid, "SIGHUP");
  await Bun.sleep(300);
  expect(isLiveProcess(pid)).toBe(true);
  await running(["idle"]);
  expect((await tend(["stop"], { env: t.env })).code).toBe(0);
}, 20_000);

test("a second Ctrl-C kills at once, however soon after the first it comes", async () => {
  // Ignores SIGTERM: without the second Ctrl-C it would get its whole 30 s grace.
  writeFileSync(path.join(t.home, "Procfile"), `stubborn: sh -c 'trap "" TERM; while true; do sleep 0.05; done'\n`);
  const session = tmux.start([BINARY, "start", "--dir", t.home], t.env);
  await tmux.until(session, "supervising 1 process");
  await running(["stubborn"]);
  const supervisor = tmux.panePid(session);

  tmux.keys(session, ["C-c"]);
  await tmux.until(session, "SIGINT received, stopping");
  await Bun.sleep(300);
  tmux.keys(session, ["C-c"]);

  await waitFor("tend start gone well before the 30 s grace", () => !isLiveProcess(supervisor), 10_000);
  expect((await tmux.until(session, "SIGINT again: killing what is left")).length).toBeGreaterThan(0);
}, 30_000);
