import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import envPaths from "env-paths";
import { ensureHome, layout, logFile, processFile, tendHome } from "../../src/platform/paths";
import { useTempDir } from "../helpers/temp-dir";

const dir = useTempDir();

describe("tendHome", () => {
  test("TEND_HOME wins and is made absolute", () => {
    expect(tendHome({ TEND_HOME: "/srv/tend" })).toBe("/srv/tend");
    expect(tendHome({ TEND_HOME: "rel/home" })).toBe(path.resolve("rel/home"));
  });

  test("without TEND_HOME it is the user data dir named tend, no suffix", () => {
    const home = tendHome({});
    expect(home).toBe(envPaths("tend", { suffix: "" }).data);
    expect(tendHome({ TEND_HOME: "" })).toBe(home);
    if (process.platform === "linux") expect(path.basename(home)).toBe("tend");
  });
});

describe("ensureHome", () => {
  test("creates nested folders private to the user", () => {
    const target = path.join(dir(), "a", "b");
    ensureHome(target);
    expect(statSync(target).mode & 0o777).toBe(0o700);
    ensureHome(target);
    expect(statSync(target).isDirectory()).toBe(true);
  });

  test("tightens an existing folder with looser bits", () => {
    const target = path.join(dir(), "loose");
    mkdirSync(target);
    chmodSync(target, 0o755);
    ensureHome(target);
    expect(statSync(target).mode & 0o777).toBe(0o700);
  });
});

describe("layout", () => {
  test("names every file inside the home", () => {
    const l = layout("/h");
    expect(l).toEqual({
      home: "/h",
      supervisorFile: "/h/supervisor.json",
      socket: "/h/tend.sock",
      processesDir: "/h/processes",
      logsDir: "/h/logs",
      supervisorLog: "/h/supervisor.log",
      lockFile: "/h/supervisor.lock",
    });
    expect(processFile(l, "api")).toBe("/h/processes/api.json");
    expect(logFile(l, "api")).toBe("/h/logs/api.log");
  });

  test("a socket path too long for sun_path moves to a short, stable one in tmp", () => {
    const longHome = `/x/${"d".repeat(100)}`;
    const socket = layout(longHome, {}).socket;
    const uid = process.getuid?.() ?? "user";
    expect(path.dirname(socket)).toBe(os.tmpdir());
    expect(path.basename(socket)).toMatch(new RegExp(`^tend-${uid}-[0-9a-f]{8}\\.sock$`));
    expect(Buffer.byteLength(socket)).toBeLessThanOrEqual(100);
    expect(layout(longHome, {}).socket).toBe(socket);
    expect(layout(`${longHome}2`, {}).socket).not.toBe(socket);
  });

  test("with XDG_RUNTIME_DIR set, the short socket goes in that private folder instead", () => {
    const longHome = `/x/${"d".repeat(100)}`;
    const socket = layout(longHome, { XDG_RUNTIME_DIR: "/run/user/1000" }).socket;
    expect(path.dirname(socket)).toBe("/run/user/1000");
    expect(path.basename(socket)).toBe(path.basename(layout(longHome, {}).socket).replace(/^tend-[^-]+-/, "tend-"));
    expect(layout(longHome, { XDG_RUNTIME_DIR: "relative/dir" }).socket).toBe(layout(longHome, {}).socket);
    expect(layout(longHome, { XDG_RUNTIME_DIR: `/${"r".repeat(100)}` }).socket).toBe(layout(longHome, {}).socket);
  });

  test("a path of exactly 100 bytes stays in the home", () => {
    const home = `/${"h".repeat(100 - "/tend.sock".length - 1)}`;
    expect(Buffer.byteLength(path.join(home, "tend.sock"))).toBe(100);
    expect(layout(home).socket).toBe(path.join(home, "tend.sock"));
  });
});
