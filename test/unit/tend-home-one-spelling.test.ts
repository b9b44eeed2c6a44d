import { expect, test } from "bun:test";
import { mkdirSync, realpathSync, symlinkSync } from "node:fs";
import path from "node:path";
import { layout, tendHome } from "../../src/platform/paths";
import { homeId } from "../../src/platform/process-marker";
import { useTempDir } from "../helpers/temp-dir";

const dir = useTempDir();

test("a home reached through a symlink has the same spelling, socket and marker prefix as the real one", () => {
  const real = path.join(realpathSync(dir()), "real-home");
  mkdirSync(real);
  const link = path.join(dir(), "link-home");
  symlinkSync(real, link);
  expect(tendHome({ TEND_HOME: link })).toBe(real);
  expect(tendHome({ TEND_HOME: `${link}/../link-home/.` })).toBe(real);
  expect(layout(tendHome({ TEND_HOME: link })).socket).toBe(layout(real).socket);
  expect(homeId(tendHome({ TEND_HOME: link }))).toBe(homeId(tendHome({ TEND_HOME: real })));
});

test("a home not created yet resolves through its nearest existing folder, as it will once it exists", () => {
  const real = path.join(realpathSync(dir()), "real-parent");
  mkdirSync(real);
  const link = path.join(dir(), "link-parent");
  symlinkSync(real, link);
  const before = tendHome({ TEND_HOME: path.join(link, "a", "home") });
  expect(before).toBe(path.join(real, "a", "home"));
  mkdirSync(path.join(real, "a", "home"), { recursive: true });
  expect(tendHome({ TEND_HOME: path.join(link, "a", "home") })).toBe(before);
});
