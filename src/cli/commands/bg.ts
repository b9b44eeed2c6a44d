import path from "node:path";
import { defineCommand } from "citty";
import { consola, warmUp } from "../consola";
import { UsageError } from "../../core/errors";
import { fullName, nameProblem, splitName } from "../../core/names";
import { projectForSession } from "../../client/scope";
import { defaultsFor } from "../../core/process-spec";
import type { RestartMode } from "../../core/restart-policy";
import { readEnvFile } from "../../client/env-input";
import { parseEnvAssignment } from "../../core/dotenv";
import { probeFromFlags, readFlag } from "../../core/probe-flags";
import { LogFiles, Size } from "../../core/value-schemas";
import { tendClient } from "../../client/tend-client";
import { readinessProgress } from "../progress";
import { failureLine, readinessJson, readyAfter, reportNotReady, settledAnswer } from "../readiness-report";
import { commandAfterDashes, durationOption, jsonArg, printJson, signalOption, probeArgs, probeFlagsOf, rejectStrayProbeOptions, repeatedOption, sandboxArgs, sandboxOf, tailOf } from "./_shared";

/** The probe gives up by itself at its timeout; the wait allows it a moment to say so. */
const PROBE_GRACE_MS = 2000;

export default defineCommand({
  meta: { name: "bg", description: "Start a command as a background session and return once it runs" },
  args: {
    name: { type: "string", valueHint: "NAME", description: "Session name (default: derived from the command)" },
    cwd: { type: "string", valueHint: "DIR", description: "Working directory (default: current directory)" },
    env: { type: "string", valueHint: "KEY=VALUE", alias: "e", description: "Set an environment variable, KEY=VALUE (repeatable)" },
    "env-file": { type: "string", valueHint: "FILE", description: "Read environment variables from a KEY=VALUE file" },
    restart: { type: "enum", options: ["no", "on-failure", "always"], description: "Restart policy (default: no)" },
    tty: { type: "boolean", description: "Run it in a pseudo-terminal (for shells, REPLs, full-screen programs)" },
    "stop-signal": { type: "string", valueHint: "SIGNAL", description: "Signal that asks it to stop, e.g. SIGINT for postgres (default: SIGTERM; SIGHUP with --tty)" },
    grace: { type: "string", valueHint: "D", description: "Time it gets to stop after the stop signal, before SIGKILL (default: 10s)" },
    replace: { type: "boolean", description: "End a session of the same name first instead of refusing" },
    "log-max-size": { type: "string", valueHint: "SIZE", description: "Rotate its log at this size, 1KiB to 1TiB (default: 10MiB)" },
    "log-max-files": { type: "string", valueHint: "N", description: "Log files kept, counting the current one, 1 to 100 (default: 3)" },
    ...probeArgs,
    ...sandboxArgs,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    const command = commandAfterDashes(rawArgs);
    if (!command || command.length === 0) throw new UsageError("missing command after --", "e.g. tend bg --name api -- npm start");
    if (args.name !== undefined) {
      const problem = nameProblem(args.name);
      if (problem) throw new UsageError(`invalid name "${args.name}": ${problem}`);
    }
    const env: Record<string, string> = { ...(process.env as Record<string, string>) };
    if (args["env-file"]) Object.assign(env, readEnvFile(args["env-file"]));
    for (const assignment of repeatedOption(rawArgs, ["e", "env"])) {
      const [key, value] = parseEnvAssignment(assignment);
      env[key] = value;
    }
    const files = args["log-max-files"];
    const maxFiles = files === undefined ? undefined : readFlag("--log-max-files", LogFiles, /^\d+$/.test(files) ? Number(files) : files);
    const maxBytes = args["log-max-size"] === undefined ? undefined : readFlag("--log-max-size", Size, args["log-max-size"]);
    const probe = probeFromFlags(probeFlagsOf(args));
    if (!probe) rejectStrayProbeOptions(args);
    const stopSignal = signalOption("--stop-signal", args["stop-signal"]);
    const graceMs = durationOption("--grace", args.grace);
    const tail = tailOf(args);
    const sandbox = sandboxOf(args);
    const defaults = defaultsFor("session");
    const client = tendClient();
    const cwd = path.resolve(args.cwd ?? ".");
    const project = await projectForSession(cwd, await client.knownRecords());
    const spec = {
      ...defaults,
      ...(args.name ? { name: fullName(project?.name, args.name) } : {}),
      ...(project ? { project } : {}),
      command,
      shell: false,
      cwd,
      env,
      tty: args.tty === true,
      // A shell on a terminal ignores SIGTERM; hanging up its terminal is how it is told to go.
      ...(args.tty ? { stopSignal: "SIGHUP" } : {}),
      ...(stopSignal ? { stopSignal } : {}),
      ...(graceMs === undefined ? {} : { graceMs }),
      restart: { ...defaults.restart, mode: (args.restart as RestartMode | undefined) ?? defaults.restart.mode },
      ...(probe ? { ready: probe } : {}),
      ...(sandbox ? { sandbox } : {}),
      log: { maxBytes: maxBytes ?? defaults.log.maxBytes, maxFiles: maxFiles ?? defaults.log.maxFiles },
    };

    if (!args.json) warmUp();
    const created = await client.create([spec], { replace: args.replace === true });
    let record = created.records[0]!;
    const name = record.spec.name;
    if (probe) {
      // The session's own probe, run by the supervisor.
      const { progress } = readinessProgress(client, record, null);
      const answer = await settledAnswer(client, name, await client.wait(name, "ready", probe.timeoutMs + PROBE_GRACE_MS));
      const waited = progress.elapsed();
      if (answer.outcome !== "ready") {
        const line = failureLine(name, answer.outcome, answer.record, waited);
        progress.stop();
        await reportNotReady(client, name, line, tail);
        if (args.json) printJson(readinessJson(name, answer.record, waited, line));
        return 1;
      }
      record = answer.record ?? record;
      progress.succeed(`${name} ready after ${readyAfter(record)} (pid ${record.status.pid})`);
      if (args.json) printJson(readinessJson(name, record, waited, null));
      return 0;
    }
    if (args.json) {
      printJson({ ...splitName(record.spec.name), pid: record.status.pid, state: record.status.state });
    } else if (record.status.state === "queued") {
      consola.info(`${record.spec.name} queued (at capacity); it starts when a slot frees`);
    } else {
      consola.success(`${record.spec.name} started (pid ${record.status.pid})`);
    }
    return 0;
  },
});
