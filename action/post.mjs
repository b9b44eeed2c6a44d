// The action's post step, run when the job ends however it ends: if the job failed (or was
// cancelled, as a timeout does), the logs of tend's failed processes, one fold each; then, always,
// `tend kill --all` and `tend stop`, so no server outlives the job.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fail, input, state } from "./runner.mjs";

const executable = state("executable");
const home = state("home");

/**
 * Runs tend with the job's TEND_HOME, its output going straight to the job's log.
 * @param {string[]} args
 */
function tend(args) {
  const result = spawnSync(executable, args, { stdio: "inherit", env: { ...process.env, TEND_HOME: home } });
  if (result.error) return `tend ${args.join(" ")} could not run: ${result.error.message}`;
  if (result.status !== 0) return `tend ${args.join(" ")} exited with ${result.status ?? result.signal}`;
  return null;
}

if (!executable || !home) {
  console.log("tend was not installed in this job, so there is nothing to end");
} else if (!existsSync(home)) {
  console.log(`tend started nothing in this job (${home} does not exist)`);
} else {
  const status = input("job-status");
  if (status === "failure" || status === "cancelled") {
    console.log(`The job ended with status ${status}; the logs of tend's failed processes follow, if any failed.`);
    tend(["logs", "--failed"]);
  }
  const problems = [tend(["kill", "--all"]), tend(["stop"])].filter((p) => p !== null);
  if (problems.length > 0) fail(`${problems.join("; ")}: processes of ${home} may still run`);
}
