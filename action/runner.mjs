// The GitHub Actions runner as a JavaScript action meets it: inputs and saved state arrive as
// environment variables, outputs, state, PATH and environment leave through the files the
// runner names in GITHUB_OUTPUT, GITHUB_STATE, GITHUB_PATH and GITHUB_ENV.
import { randomUUID } from "node:crypto";
import { appendFileSync } from "node:fs";
import { EOL } from "node:os";
import path from "node:path";

/**
 * An input of action.yml, as the runner passes it: INPUT_<NAME> (upper case, spaces as `_`).
 * @param {string} name
 */
export function input(name) {
  return (process.env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "").trim();
}

/**
 * A value the main step saved with saveState; the runner hands it to the post step as STATE_<name>.
 * @param {string} name
 */
export function state(name) {
  return process.env[`STATE_${name}`] ?? "";
}

/**
 * @param {string} variable
 * @returns {string}
 */
function commandFile(variable) {
  const file = process.env[variable];
  if (!file) throw new Error(`${variable} is not set: this runs as a step of a GitHub Actions job`);
  return file;
}

/**
 * Appends `name<<delimiter`, the value, the delimiter: the form that holds any value, new lines too.
 * @param {string} variable
 * @param {string} name
 * @param {string} value
 */
function writeValue(variable, name, value) {
  const delimiter = `tend_${randomUUID()}`;
  appendFileSync(commandFile(variable), `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`);
}

/** @param {string} name @param {string} value */
export function setOutput(name, value) {
  writeValue("GITHUB_OUTPUT", name, value);
}

/** @param {string} name @param {string} value */
export function saveState(name, value) {
  writeValue("GITHUB_STATE", name, value);
}

/**
 * Sets an environment variable for the steps after this one (and this process).
 * @param {string} name
 * @param {string} value
 */
export function exportVariable(name, value) {
  writeValue("GITHUB_ENV", name, value);
  process.env[name] = value;
}

/**
 * Puts `dir` first on PATH for the steps after this one (and this process).
 * @param {string} dir
 */
export function addPath(dir) {
  appendFileSync(commandFile("GITHUB_PATH"), `${dir}${EOL}`);
  process.env.PATH = `${dir}${path.delimiter}${process.env.PATH ?? ""}`;
}

/**
 * An error annotation on the job, and the step's failure.
 * @param {string} message
 */
export function fail(message) {
  const data = message.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  process.stdout.write(`::error title=tend::${data}${EOL}`);
  process.exitCode = 1;
}
