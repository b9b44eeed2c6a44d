import { expect, test } from "bun:test";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { useTendHome, waitFor } from "../helpers/home";
import { requireBinary } from "../helpers/tend-cli";

const t = useTendHome({ killAll: true, stop: true });

/** Runs the compiled tend from a shell with this umask, as a user whose profile sets one. */
function withUmask(umask: string, args: string[]) {
  return Bun.spawn({ cmd: ["sh", "-c", `umask ${umask}; exec "$0" "$@"`, requireBinary(), ...args], env: t.env, stdout: "pipe", stderr: "pipe" });
}

const mode = (file: string) => (statSync(file).mode & 0o777).toString(8).padStart(4, "0");

test("a session gets the umask of the shell that started it; tend's own files stay private", async () => {
  const out = path.join(t.home, "umask-seen");
  const bg = withUmask("0002", ["bg", "--name", "u", "--", "sh", "-c", `umask > ${out}; touch ${out}.made; sleep 30`]);
  expect(await bg.exited).toBe(0);
  // The file the session touches after writing its umask: once it exists, both are there.
  await waitFor("the session's files", () => existsSync(`${out}.made`));
  expect(readFileSync(out, "utf8").trim()).toBe("0002");
  expect(mode(`${out}.made`)).toBe("0664");

  const info = JSON.parse(readFileSync(path.join(t.home, "supervisor.json"), "utf8"));
  const modes = Object.fromEntries(
    ["", "processes", "logs", "supervisor.json", "supervisor.log", "processes/u.json", "logs/u.log"].map((f) => [f || "home", mode(path.join(t.home, f))]),
  );
  expect(modes).toEqual({
    home: "0700",
    processes: "0700",
    logs: "0700",
    "supervisor.json": "0600",
    "supervisor.log": "0600",
    "processes/u.json": "0600",
    "logs/u.log": "0600",
  });
  expect(mode(info.socket)).toBe("0600");
}, 20_000);

test("the processes of a foreground start get its umask", async () => {
  const out = path.join(t.home, "umask-seen");
  writeFileSync(path.join(t.home, "Procfile"), `w: umask > ${out}; sleep 30\n`);
  const start = withUmask("0022", ["start", "--dir", t.home]);
  await waitFor("the worker's umask", () => readFileSync(out, { flag: "a+" }).length > 0);
  expect(readFileSync(out, "utf8").trim()).toBe("0022");
  start.kill("SIGINT");
  expect(await start.exited).toBe(0);
}, 20_000);
