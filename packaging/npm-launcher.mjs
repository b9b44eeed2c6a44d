#!/usr/bin/env node
// `npx tend`: runs the tend executable that npm installed for this machine, as one of the
// optional dependencies of @tend-sh/tend (one package per platform, each marked with npm's
// os, cpu and libc fields, so npm installs the one that fits and skips the others). The
// executable gets the same arguments and terminal; its exit code, or the signal that ended
// it, becomes this process's own.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { constants } from "node:os";
import { hostLibc, hostTarget, TARGETS } from "./targets.mjs";

/**
 * @param {string} message
 * @returns {never}
 */
function fail(message) {
  process.stderr.write(`tend: ${message}\n`);
  process.exit(1);
}

const target = hostTarget();
if (!target) {
  const here = `${process.platform}-${process.arch}${hostLibc() === "musl" ? "-musl" : ""}`;
  fail(`there is no tend build for this machine (${here}); builds exist for ${TARGETS.map((t) => t.platform).join(", ")}`);
}
const pkg = `@tend-sh/${target.platform}`;
let executable = "";
try {
  executable = createRequire(import.meta.url).resolve(`${pkg}/bin/tend${target.exe}`);
} catch {
  fail(
    `${pkg}, the package that holds tend for this machine, is not installed. npm installs it with @tend-sh/tend unless optional dependencies were left out (--omit=optional, --no-optional); run "npm install" again without that`,
  );
}

const child = spawn(executable, process.argv.slice(2), { stdio: "inherit" });
// A signal sent to this process alone (a CI runner cancelling a step, `kill PID`) is passed on.
// One from the terminal (Ctrl-C) reaches tend directly as well; tend takes a second copy within
// a second as the same request.
/** @type {NodeJS.Signals[]} */
const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"];
const forward = (/** @type {NodeJS.Signals} */ signal) => child.kill(signal);
for (const signal of FORWARDED) process.on(signal, forward);

child.on("error", (error) => fail(`cannot run ${executable}: ${error.message}`));
child.on("exit", (code, signal) => {
  for (const s of FORWARDED) process.off(s, forward);
  if (signal === null) process.exit(code ?? 1);
  // Ends this process by the same signal, so whoever started `npx tend` sees what tend saw.
  process.kill(process.pid, signal);
  // A signal this process ignores: the shell's way of saying it instead.
  setTimeout(() => process.exit(128 + (constants.signals[signal] ?? 0)), 100);
});
