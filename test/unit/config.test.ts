import { describe, expect, test } from "bun:test";
import { CONFIG_FILE_NAMES } from "../../src/core/config-files";
import {
  ConfigError,
  type ConfigFormat,
  formatForFile,
  parseConfig,
} from "../../src/core/config";
import { closest } from "../../src/core/did-you-mean";
import { TendError } from "../../src/core/errors";
import { type ProcessSpec, SESSION_DEFAULTS, WORKER_DEFAULTS } from "../../src/core/process-spec";

/** The processes of a config, without its project. */
/** The specs without where each was defined (tested on its own: "… the file and line …"). */
const specsOf = (...args: Parameters<typeof parseConfig>) => parseConfig(...args).specs.map(({ source: _, ...spec }) => spec);

function configError(text: string, format: ConfigFormat, file = defaultFile(format)): ConfigError {
  try {
    specsOf(text, format, file);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError, but the config parsed");
}

function message(text: string, format: ConfigFormat): string {
  return configError(text, format).message;
}

function defaultFile(format: ConfigFormat): string {
  return format === "procfile" ? "Procfile" : `tend.${format}`;
}

const FULL_TOML = `
[processes.web]
command = "bun server.ts"          # string → sh -c
cwd = "web"
env = { PORT = "3000", WORKERS = 4, DEBUG = true }
restart = "on-failure"
backoff = { initial = "100ms", max = "2s", factor = 1.5 }
min_uptime = "5s"
max_rapid_failures = 7
park_exit_codes = [78, 64]
stop_signal = "INT"
stop_grace = "1m30s"
tty = true
log = { max_size = "1MiB", max_files = 5 }
ready = { http = "http://127.0.0.1:3000/health", status = [200, 204], interval = "50ms", timeout = "30s" }
depends_on = ["api"]

[processes.api]
command = ["bun", "api.ts", "--port", "4000"]
`;

const FULL_YAML = `
# same as FULL_TOML
processes:
  web:
    command: bun server.ts
    cwd: web
    env:
      PORT: "3000"
      WORKERS: 4
      DEBUG: true
    restart: on-failure
    backoff:
      initial: 100ms
      max: 2s
      factor: 1.5
    min_uptime: 5s
    max_rapid_failures: 7
    park_exit_codes: [78, 64]
    stop_signal: INT
    stop_grace: 1m30s
    tty: true
    log:
      max_size: 1MiB
      max_files: 5
    ready:
      http: http://127.0.0.1:3000/health
      status: [200, 204]
      interval: 50ms
      timeout: 30s
    depends_on: [api]
  api:
    command:
      - bun
      - api.ts
      - --port
      - "4000"
`;

const FULL_JSON = JSON.stringify(
  {
    $schema: "./schema/tend.schema.json",
    processes: {
      web: {
        command: "bun server.ts",
        cwd: "web",
        env: { PORT: "3000", WORKERS: 4, DEBUG: true },
        restart: "on-failure",
        backoff: { initial: "100ms", max: "2s", factor: 1.5 },
        min_uptime: "5s",
        max_rapid_failures: 7,
        park_exit_codes: [78, 64],
        stop_signal: "INT",
        stop_grace: "1m30s",
        tty: true,
        log: { max_size: "1MiB", max_files: 5 },
        ready: { http: "http://127.0.0.1:3000/health", status: [200, 204], interval: "50ms", timeout: "30s" },
        depends_on: ["api"],
      },
      api: { command: ["bun", "api.ts", "--port", "4000"] },
    },
  },
  null,
  2,
);

const FULL_SPECS: ProcessSpec[] = [
  {
    name: "web",
    command: ["sh", "-c", "bun server.ts"],
    shell: true,
    cwd: "web",
    env: { PORT: "3000", WORKERS: "4", DEBUG: "true" },
    restart: {
      mode: "on-failure",
      initialBackoffMs: 100,
      backoffFactor: 1.5,
      maxBackoffMs: 2000,
      minUptimeMs: 5000,
      maxRapidFailures: 7,
      parkExitCodes: [78, 64],
    },
    stopSignal: "SIGINT",
    graceMs: 90_000,
    tty: true,
    log: { maxBytes: 1024 * 1024, maxFiles: 5 },
    origin: "worker",
    ready: {
      check: { kind: "http", url: "http://127.0.0.1:3000/health", statuses: [200, 204] },
      intervalMs: 50,
      attemptTimeoutMs: 1000,
      timeoutMs: 30_000,
    },
    dependsOn: { api: "ready" },
  },
  {
    name: "api",
    command: ["bun", "api.ts", "--port", "4000"],
    shell: false,
    env: {},
    restart: {
      mode: "always",
      initialBackoffMs: 2000,
      backoffFactor: 2,
      maxBackoffMs: 120_000,
      minUptimeMs: 10_000,
      maxRapidFailures: 5,
      parkExitCodes: [78],
    },
    stopSignal: "SIGTERM",
    graceMs: 30_000,
    tty: false,
    log: { maxBytes: 10 * 1024 * 1024, maxFiles: 3 },
    origin: "worker",
  },
];

describe("valid files", () => {
  test("TOML, YAML and JSON with every field give the same specs", () => {
    expect(specsOf(FULL_TOML, "toml", "tend.toml")).toEqual(FULL_SPECS);
    expect(specsOf(FULL_YAML, "yaml", "tend.yaml")).toEqual(FULL_SPECS);
    expect(specsOf(FULL_JSON, "json", "tend.json")).toEqual(FULL_SPECS);
  });

  test("all four formats agree on shell commands with defaults", () => {
    const expected: ProcessSpec[] = [
      { name: "web", command: ["sh", "-c", "bun server.ts --port 3000"], shell: true, ...WORKER_DEFAULTS },
      { name: "worker.1", command: ["sh", "-c", "python3 -m jobs"], shell: true, ...WORKER_DEFAULTS },
    ];
    const sources: [ConfigFormat, string][] = [
      ["toml", '[processes.web]\ncommand = "bun server.ts --port 3000"\n\n[processes."worker.1"]\ncommand = "python3 -m jobs"\n'],
      ["yaml", 'processes:\n  web:\n    command: bun server.ts --port 3000\n  "worker.1":\n    command: python3 -m jobs\n'],
      ["json", '{"processes": {"web": {"command": "bun server.ts --port 3000"}, "worker.1": {"command": "python3 -m jobs"}}}'],
      ["procfile", "web: bun server.ts --port 3000\nworker.1: python3 -m jobs\n"],
    ];
    for (const [format, text] of sources) {
      expect(specsOf(text, format, defaultFile(format))).toEqual(expected);
    }
  });

  test("every process knows the file and the line it is defined on", () => {
    const sources: [ConfigFormat, string, string][] = [
      ["toml", "tend.toml", '# two\n[processes.web]\ncommand = "a"\n\n[processes.worker]\ncommand = "b"\n'],
      ["yaml", "tend.yaml", "# two\nprocesses:\n  web:\n    command: a\n\n  worker:\n    command: b\n"],
      ["json", "tend.json", '{"processes": {\n  "web": {"command": "a"},\n\n  "worker": {"command": "b"}}}'],
      ["procfile", "Procfile", "# two\nweb: a\n\nworker: b\n"],
    ];
    const lines: Record<ConfigFormat, [number, number]> = { toml: [2, 5], yaml: [3, 6], json: [2, 4], procfile: [2, 4] };
    for (const [format, file, text] of sources) {
      const [web, worker] = parseConfig(text, format, file).specs;
      expect([web?.source, worker?.source]).toEqual([
        { file, line: lines[format][0] },
        { file, line: lines[format][1] },
      ]);
    }
  });

  test("TOML dotted keys and sub-tables are the same tree", () => {
    const text = `
[processes]
web.command = "bun server.ts"
web.env.PORT = "3000"

[processes.web.log]
max_files = 2
`;
    const [web] = specsOf(text, "toml", "tend.toml");
    expect(web?.env).toEqual({ PORT: "3000" });
    expect(web?.log).toEqual({ maxBytes: 10 * 1024 * 1024, maxFiles: 2 });
  });

  test("YAML anchors and merge keys are honoured", () => {
    const text = `
processes:
  web: &base
    command: bun web.ts
    restart: on-failure
  api:
    <<: *base
    command: bun api.ts
`;
    const [, api] = specsOf(text, "yaml", "tend.yaml");
    expect(api?.command).toEqual(["sh", "-c", "bun api.ts"]);
    expect(api?.restart.mode).toBe("on-failure");
  });

  test("a bare 0 is a duration, bare numbers are bytes, and SIG-less signals are normalised", () => {
    const text = `
[processes.web]
command = "x"
min_uptime = 0
stop_signal = "HUP"
log = { max_size = 4096 }
`;
    const [web] = specsOf(text, "toml", "tend.toml");
    expect(web?.restart.minUptimeMs).toBe(0);
    expect(web?.stopSignal).toBe("SIGHUP");
    expect(web?.log.maxBytes).toBe(4096);
  });

  test("an empty park_exit_codes turns parking on exit code off", () => {
    const [web] = specsOf('[processes.web]\ncommand = "x"\npark_exit_codes = []\n', "toml", "tend.toml");
    expect(web?.restart.parkExitCodes).toEqual([]);
  });

  test("a byte-order mark and CRLF line endings are fine", () => {
    const [web] = specsOf('\uFEFF[processes.web]\r\ncommand = "x"\r\n', "toml", "tend.toml");
    expect(web?.command).toEqual(["sh", "-c", "x"]);
    expect(specsOf('\uFEFF{"processes": {"web": {"command": "x"}}}', "json", "tend.json")).toHaveLength(1);
  });

  test("specs never share the defaults' objects", () => {
    const [a, b] = specsOf('[processes.a]\ncommand = "x"\n[processes.b]\ncommand = "y"\n', "toml", "tend.toml");
    a!.restart.parkExitCodes.push(1);
    a!.log.maxFiles = 9;
    a!.env.X = "1";
    expect(b!.restart.parkExitCodes).toEqual([78]);
    expect(b!.log.maxFiles).toBe(3);
    expect(b!.env).toEqual({});
    expect(WORKER_DEFAULTS.restart.parkExitCodes).toEqual([78]);
  });

  test("names JavaScript reserves for objects are refused, never dropped or merged", () => {
    expect(message('{"processes": {"web": {"command": "x", "env": {"__proto__": "1"}}}}', "json")).toBe(
      'tend.json:1: process "web": field "env": the variable name "__proto__" is reserved',
    );
    expect(message('[processes.constructor]\ncommand = "x"\n', "toml")).toBe('tend.toml:1: process "constructor": the name "constructor" is reserved');
    expect(Object.getPrototypeOf(specsOf('{"processes": {"web": {"command": "x"}}}', "json", "tend.json")[0]!.env)).toBe(Object.prototype);
  });
});

describe("defaults", () => {
  test("workers restart always with 30s grace; sessions never, with 10s", () => {
    expect(WORKER_DEFAULTS.restart.mode).toBe("always");
    expect(WORKER_DEFAULTS.graceMs).toBe(30_000);
    expect(SESSION_DEFAULTS.restart.mode).toBe("no");
    expect(SESSION_DEFAULTS.graceMs).toBe(10_000);
    for (const d of [WORKER_DEFAULTS, SESSION_DEFAULTS]) {
      expect(d.restart).toMatchObject({
        initialBackoffMs: 2000,
        backoffFactor: 2,
        maxBackoffMs: 120_000,
        minUptimeMs: 10_000,
        maxRapidFailures: 5,
        parkExitCodes: [78],
      });
      expect(d.log).toEqual({ maxBytes: 10 * 1024 * 1024, maxFiles: 3 });
      expect(d.stopSignal).toBe("SIGTERM");
      expect(d.tty).toBe(false);
      expect(Object.isFrozen(d.restart.parkExitCodes)).toBe(true);
    }
  });
});

describe("file names", () => {
  test("search order", () => {
    expect(CONFIG_FILE_NAMES).toEqual(["tend.toml", "tend.yaml", "tend.yml", "tend.json", "Procfile"]);
  });

  test("format from the name", () => {
    expect(formatForFile("tend.toml")).toBe("toml");
    expect(formatForFile("/a/b/tend.yaml")).toBe("yaml");
    expect(formatForFile("dev.YML")).toBe("yaml");
    expect(formatForFile("C:\\proj\\tend.json")).toBe("json");
    expect(formatForFile("Procfile")).toBe("procfile");
    expect(formatForFile("./Procfile.dev")).toBe("procfile");
    expect(() => formatForFile("tend.ini")).toThrow(
      "tend.ini: unknown config format; expected a .toml, .yaml, .yml or .json file, or a Procfile",
    );
  });
});

describe("ConfigError", () => {
  test("carries its parts and is a TendError", () => {
    const error = configError('[processes.web]\ncommand = "x"\nrestart = "sometimes"\n', "toml");
    expect(error).toBeInstanceOf(TendError);
    expect(error.name).toBe("ConfigError");
    expect(error.file).toBe("tend.toml");
    expect(error.line).toBe(3);
    expect(error.process).toBe("web");
    expect(error.field).toBe("restart");
    expect(error.detail).toBe('expected one of "always", "on-failure", "no", got "sometimes"');
    expect(error.message).toBe(
      'tend.toml:3: process "web": field "restart": expected one of "always", "on-failure", "no", got "sometimes"',
    );
  });

  test("unknown parts are left out of the message", () => {
    const error = configError("", "yaml");
    expect(error.line).toBeUndefined();
    expect(error.process).toBeUndefined();
    expect(error.message).toBe(
      'tend.yaml: the file is empty; expected a "processes" table, e.g. processes: {web: {command: bun server.ts}}',
    );
  });
});

describe("the file's shape", () => {
  test("no processes table", () => {
    expect(message("# nothing yet\n", "toml")).toBe(
      'tend.toml: no "processes" table; expected one entry per process, e.g. [processes.web] followed by command = "bun server.ts"',
    );
    expect(message("processes:\n", "yaml")).toBe(
      'tend.yaml: no "processes" table; expected one entry per process, e.g. processes: {web: {command: bun server.ts}}',
    );
    expect(message("{}", "json")).toBe(
      'tend.json: no "processes" table; expected one entry per process, e.g. {"processes": {"web": {"command": "bun server.ts"}}}',
    );
  });

  test("an empty processes table", () => {
    expect(message("title = 1\n[processes]\n", "toml")).toStartWith('tend.toml:1: field "title": unknown');
    expect(message("\n[processes]\n", "toml")).toBe(
      'tend.toml:2: no processes defined; expected at least one entry under "processes", e.g. [processes.web] followed by command = "bun server.ts"',
    );
    expect(message("\nprocesses: {}\n", "yaml")).toBe(
      'tend.yaml:2: no processes defined; expected at least one entry under "processes", e.g. processes: {web: {command: bun server.ts}}',
    );
  });

  test("processes of the wrong type", () => {
    expect(message('processes = ["web"]\n', "toml")).toBe(
      'tend.toml:1: field "processes": expected a table with one entry per process, got an array',
    );
    expect(message("processes:\n  - name: web\n    command: x\n", "yaml")).toBe(
      'tend.yaml:1: field "processes": expected a table with one entry per process, got an array',
    );
  });

  test("a document that is not a table", () => {
    expect(message("- a\n- b\n", "yaml")).toBe(
      'tend.yaml: expected a table with a "processes" key at the top, got an array',
    );
    expect(message('"web"', "json")).toBe('tend.json: expected a table with a "processes" key at the top, got "web"');
  });

  test("unknown top-level keys, with a suggestion", () => {
    expect(message('[process.web]\ncommand = "x"\n', "toml")).toBe(
      'tend.toml:1: field "process": unknown (did you mean "processes"?); known top-level keys are $schema, project, processes',
    );
    expect(message('processes:\n  web:\n    command: x\nversion: 2\n', "yaml")).toBe(
      'tend.yaml:4: field "version": unknown; known top-level keys are $schema, project, processes',
    );
  });
});

describe("process names", () => {
  test("an invalid name, with its line", () => {
    expect(message('[processes.web]\ncommand = "x"\n\n[processes."my app"]\ncommand = "y"\n', "toml")).toBe(
      'tend.toml:4: process "my app": name may only contain letters, digits, ".", "_" and "-"',
    );
    expect(message("processes:\n  .web:\n    command: x\n", "yaml")).toBe(
      'tend.yaml:2: process ".web": name must start with a letter, a digit or "_"',
    );
  });

  test("a process that is not a table", () => {
    expect(message('[processes]\nweb = "bun server.ts"\n', "toml")).toBe(
      'tend.toml:2: process "web": expected a table of fields, got "bun server.ts"',
    );
    expect(message("processes:\n  web:\n", "yaml")).toBe(
      'tend.yaml:2: process "web": expected a table of fields, got an empty value',
    );
  });

  test("a name given twice in YAML or JSON (whose parsers would keep the last)", () => {
    expect(message("processes:\n  web:\n    command: x\n  web:\n    command: y\n", "yaml")).toBe(
      'tend.yaml:4: process "web": defined twice (first on line 2)',
    );
    expect(message('{"processes": {\n"web": {"command": "x"},\n"web": {"command": "y"}}}', "json")).toBe(
      'tend.json:3: process "web": defined twice (first on line 2)',
    );
    expect(message("processes:\n  web:\n    command: x\n    tty: true\n    command: y\n", "yaml")).toBe(
      'tend.yaml:5: process "web": field "command": given twice (first on line 3)',
    );
  });

  test("sequences of mappings are not mistaken for duplicates", () => {
    const text = "processes:\n  - name: a\n  - name: b\n";
    expect(message(text, "yaml")).toContain("expected a table with one entry per process, got an array");
  });
});

describe("fields", () => {
  test("unknown field with a typo suggestion", () => {
    expect(message('[processes.web]\ncomand = "bun server.ts"\n', "toml")).toBe(
      'tend.toml:2: process "web": field "comand": unknown (did you mean "command"?); known fields are command, cwd, env, port, restart, backoff, min_uptime, max_rapid_failures, park_exit_codes, stop_signal, stop_grace, tty, log, ready, depends_on, sandbox, permission_mode, allow_net',
    );
    expect(message("processes:\n  web:\n    command: x\n    stopSignal: TERM\n", "yaml")).toStartWith(
      'tend.yaml:4: process "web": field "stopSignal": unknown (did you mean "stop_signal"?); known fields are command,',
    );
  });

  test("unknown field without a suggestion", () => {
    expect(message('[processes.web]\ncommand = "x"\nhealthcheck = "/"\n', "toml")).toBe(
      'tend.toml:3: process "web": field "healthcheck": unknown; known fields are command, cwd, env, port, restart, backoff, min_uptime, max_rapid_failures, park_exit_codes, stop_signal, stop_grace, tty, log, ready, depends_on, sandbox, permission_mode, allow_net',
    );
  });

  test("closest", () => {
    expect(closest("restrat", ["restart", "tty"])).toBe("restart");
    expect(closest("stop-grace", ["stop_grace"])).toBe("stop_grace");
    expect(closest("xyz", ["restart", "tty"])).toBeUndefined();
  });

  test("missing or empty command", () => {
    expect(message('[processes.web]\ncwd = "web"\n', "toml")).toBe(
      'tend.toml:1: process "web": field "command": missing; expected a string (run with sh -c) or an array of strings (argv)',
    );
    expect(message('[processes.web]\ncommand = "  "\n', "toml")).toBe(
      'tend.toml:2: process "web": field "command": expected a non-empty command, got "  "',
    );
    expect(message("processes:\n  web:\n    command: []\n", "yaml")).toBe(
      'tend.yaml:3: process "web": field "command": expected a non-empty array of strings, got an empty array',
    );
    expect(message("processes:\n  web:\n    tty: true\n    command:\n", "yaml")).toBe(
      'tend.yaml:4: process "web": field "command": expected a string or an array of strings, got an empty value',
    );
  });

  test("command of the wrong type", () => {
    expect(message("[processes.web]\ncommand = 42\n", "toml")).toBe(
      'tend.toml:2: process "web": field "command": expected a string or an array of strings, got 42',
    );
    expect(message('processes:\n  web:\n    command:\n      - bun\n      - 3\n', "yaml")).toBe(
      'tend.yaml:3: process "web": field "command[1]": expected a string, got 3',
    );
    expect(message('[processes.web]\ncommand = ["", "x"]\n', "toml")).toBe(
      'tend.toml:2: process "web": field "command[0]": expected the program to run, got ""',
    );
  });

  test("cwd", () => {
    expect(message('[processes.web]\ncommand = "x"\ncwd = ""\n', "toml")).toBe(
      'tend.toml:3: process "web": field "cwd": expected a directory as a non-empty string, got ""',
    );
  });

  test("env", () => {
    expect(message('[processes.web]\ncommand = "x"\nenv = ["A=1"]\n', "toml")).toBe(
      'tend.toml:3: process "web": field "env": expected a table of NAME = value, got an array',
    );
    expect(message('[processes.web]\ncommand = "x"\nenv = { A = [1] }\n', "toml")).toBe(
      'tend.toml:3: process "web": field "env.A": expected a string, number or boolean, got an array',
    );
    expect(message("processes:\n  web:\n    command: x\n    env:\n      A: 1\n      B:\n", "yaml")).toBe(
      'tend.yaml:6: process "web": field "env.B": expected a string, number or boolean, got an empty value',
    );
    expect(message('{"processes": {"web": {"command": "x", "env": {"A=B": "1"}}}}', "json")).toBe(
      'tend.json:1: process "web": field "env": expected variable names without "=", got "A=B"',
    );
  });

  test("restart", () => {
    expect(message("processes:\n  web:\n    command: x\n\n    restart: sometimes\n", "yaml")).toBe(
      'tend.yaml:5: process "web": field "restart": expected one of "always", "on-failure", "no", got "sometimes"',
    );
    // YAML 1.2: "no" is a string, so it is a restart mode, not false.
    expect(specsOf("processes:\n  web:\n    command: x\n    restart: no\n", "yaml", "tend.yaml")[0]?.restart.mode).toBe(
      "no",
    );
    expect(message("[processes.web]\ncommand = \"x\"\nrestart = false\n", "toml")).toBe(
      'tend.toml:3: process "web": field "restart": expected one of "always", "on-failure", "no", got false',
    );
  });

  test("bad durations use the duration parser's message", () => {
    expect(message('[processes.web]\ncommand = "x"\nmin_uptime = "10 sec"\n', "toml")).toBe(
      'tend.toml:3: process "web": field "min_uptime": invalid duration "10 sec": expected a number with a unit, like 500ms, 2s, 1m30s or 1h',
    );
    expect(message("processes:\n  web:\n    command: x\n    stop_grace: -5\n", "yaml")).toBe(
      'tend.yaml:4: process "web": field "stop_grace": invalid duration "-5": expected a number with a unit, like 500ms, 2s, 1m30s or 1h',
    );
    expect(message('[processes.web]\ncommand = "x"\nstop_grace = true\n', "toml")).toBe(
      'tend.toml:3: process "web": field "stop_grace": expected a duration such as "500ms" or "10s", got true',
    );
  });

  test("bare numbers other than 0 need a unit, so 30 is never read as 30 ms", () => {
    expect(message('[processes.web]\ncommand = "x"\nstop_grace = 30\n', "toml")).toBe(
      'tend.toml:3: process "web": field "stop_grace": expected a duration with a unit, such as "30s" or "30ms", got 30',
    );
    expect(message("processes:\n  web:\n    command: x\n    backoff:\n      initial: 1.5\n", "yaml")).toBe(
      'tend.yaml:5: process "web": field "backoff.initial": expected a duration with a unit, such as "1.5s" or "1.5ms", got 1.5',
    );
    expect(message('{"processes": {"web": {"command": "x", "ready": {"port": 80, "timeout": 60}}}}', "json")).toBe(
      'tend.json:1: process "web": field "ready.timeout": expected a duration with a unit, such as "60s" or "60ms", got 60',
    );
  });

  test("backoff", () => {
    const toml = (backoff: string) => `[processes.web]\ncommand = "x"\n\nbackoff = ${backoff}\n`;
    expect(message(toml('{ initial = "1s", factor = 0.5 }'), "toml")).toBe(
      'tend.toml:4: process "web": field "backoff.factor": expected a number of at least 1, got 0.5',
    );
    expect(message(toml('{ initial = "5s", max = "2s" }'), "toml")).toBe(
      'tend.toml:4: process "web": field "backoff.max": expected at least backoff.initial (5s), got 2s',
    );
    expect(message(toml('{ initial = "5m" }'), "toml")).toBe(
      'tend.toml:4: process "web": field "backoff.initial": expected at most backoff.max (2m, the default), got 5m',
    );
    expect(message(toml('{ inital = "1s" }'), "toml")).toBe(
      'tend.toml:4: process "web": field "backoff.inital": unknown (did you mean "initial"?); known fields are initial, max, factor',
    );
    expect(message(toml('"1s"'), "toml")).toBe(
      'tend.toml:4: process "web": field "backoff": expected a table with initial, max and factor, got "1s"',
    );
    const yaml = "processes:\n  web:\n    command: x\n    backoff:\n      initial: 1s\n      max: 1 minute\n";
    expect(message(yaml, "yaml")).toBe(
      'tend.yaml:6: process "web": field "backoff.max": invalid duration "1 minute": expected a number with a unit, like 500ms, 2s, 1m30s or 1h',
    );
  });

  test("backoff in a sub-table is located on its own line", () => {
    const text = '[processes.web]\ncommand = "x"\n\n[processes.web.backoff]\ninitial = "1s"\nfactor = 0\n';
    expect(message(text, "toml")).toBe(
      'tend.toml:6: process "web": field "backoff.factor": expected a number of at least 1, got 0',
    );
  });

  test("negative and fractional counts", () => {
    expect(message('[processes.web]\ncommand = "x"\nmax_rapid_failures = -1\n', "toml")).toBe(
      'tend.toml:3: process "web": field "max_rapid_failures": expected a whole number of at least 1, got -1',
    );
    expect(message("processes:\n  web:\n    command: x\n    log:\n      max_files: 2.5\n", "yaml")).toBe(
      'tend.yaml:5: process "web": field "log.max_files": expected a whole number from 1 to 100, got 2.5',
    );
  });

  test("exit codes must be 0..255", () => {
    expect(message('[processes.web]\ncommand = "x"\npark_exit_codes = [78, 256]\n', "toml")).toBe(
      'tend.toml:3: process "web": field "park_exit_codes[1]": expected a whole number from 0 to 255, got 256',
    );
    expect(message("processes:\n  web:\n    command: x\n    park_exit_codes:\n      - -1\n", "yaml")).toBe(
      'tend.yaml:4: process "web": field "park_exit_codes[0]": expected a whole number from 0 to 255, got -1',
    );
    expect(message('[processes.web]\ncommand = "x"\npark_exit_codes = 78\n', "toml")).toBe(
      'tend.toml:3: process "web": field "park_exit_codes": expected an array of exit codes, got 78',
    );
  });

  test("stop_signal", () => {
    expect(message('[processes.web]\ncommand = "x"\nstop_signal = "SIGSTOP"\n', "toml")).toBe(
      'tend.toml:3: process "web": field "stop_signal": expected one of "SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGKILL", "SIGUSR1", "SIGUSR2", "SIGWINCH" (the "SIG" prefix is optional), got "SIGSTOP"',
    );
    expect(message('[processes.web]\ncommand = "x"\nstop_signal = 15\n', "toml")).toContain('prefix is optional), got 15');
  });

  test("tty", () => {
    expect(message('[processes.web]\ncommand = "x"\ntty = "yes"\n', "toml")).toBe(
      'tend.toml:3: process "web": field "tty": expected true or false, got "yes"',
    );
  });

  test("log", () => {
    expect(message('[processes.web]\ncommand = "x"\nlog = { max_size = "10 megs" }\n', "toml")).toBe(
      'tend.toml:3: process "web": field "log.max_size": invalid size "10 megs": expected bytes or a size like 512KiB, 10MiB, 1GiB',
    );
    expect(message('[processes.web]\ncommand = "x"\nlog = { max_size = 0 }\n', "toml")).toBe(
      'tend.toml:3: process "web": field "log.max_size": expected a size from 1KiB to 1TiB, got 0',
    );
    // Bounded both ways, so no setting makes rotating the log the supervisor's main work.
    expect(message('[processes.web]\ncommand = "x"\nlog = { max_size = "2TiB" }\n', "toml")).toBe(
      'tend.toml:3: process "web": field "log.max_size": expected a size from 1KiB to 1TiB, got "2TiB"',
    );
    expect(message('[processes.web]\ncommand = "x"\nlog = { max_files = 1000000000 }\n', "toml")).toBe(
      'tend.toml:3: process "web": field "log.max_files": expected a whole number from 1 to 100, got 1000000000',
    );
    expect(message('[processes.web]\ncommand = "x"\nlog = { maxsize = 1 }\n', "toml")).toBe(
      'tend.toml:3: process "web": field "log.maxsize": unknown (did you mean "max_size"?); known fields are max_size, max_files',
    );
  });

  test("errors in JSON also carry the line", () => {
    const text = '{\n  "processes": {\n    "web": {\n      "command": "x",\n      "tty": 1\n    }\n  }\n}\n';
    expect(message(text, "json")).toBe('tend.json:5: process "web": field "tty": expected true or false, got 1');
  });

  test("the line is found for processes named with quotes, dots and inline tables", () => {
    const text = `[processes]
api = { command = "x" }
"w.1" = { command = "y", tty = 0 }
`;
    expect(message(text, "toml")).toBe('tend.toml:3: process "w.1": field "tty": expected true or false, got 0');
  });

  test("lines inside multi-line TOML strings and arrays are not mistaken for keys", () => {
    const text = `[processes.web]
command = """
tty = true
"""
park_exit_codes = [
  1,
]
env = { A = {} }
`;
    expect(message(text, "toml")).toBe(
      'tend.toml:8: process "web": field "env.A": expected a string, number or boolean, got a table',
    );
  });

  test("YAML block scalars are skipped when looking for keys", () => {
    const text = "processes:\n  web:\n    command: |\n      tty: true\n      echo hi\n    tty: nope\n";
    expect(message(text, "yaml")).toBe('tend.yaml:6: process "web": field "tty": expected true or false, got "nope"');
  });
});

describe("ready", () => {
  const ready = (table: string) => `[processes.web]\ncommand = "x"\nready = ${table}\n`;
  const probeOf = (table: string) => specsOf(ready(table), "toml", "tend.toml")[0]!.ready;

  test("each kind of check, with the defaults filled in", () => {
    const timing = { intervalMs: 100, attemptTimeoutMs: 1000, timeoutMs: 60_000 };
    expect(probeOf('{ http = "https://example.test/health" }')).toEqual({
      check: { kind: "http", url: "https://example.test/health", statuses: null },
      ...timing,
    });
    expect(probeOf("{ port = 5432 }")).toEqual({ check: { kind: "port", host: "127.0.0.1", port: 5432 }, ...timing });
    expect(probeOf('{ port = 6379, host = "::1" }')).toEqual({ check: { kind: "port", host: "::1", port: 6379 }, ...timing });
    expect(probeOf('{ log = "listening on \\\\d+" }')).toEqual({ check: { kind: "log", pattern: "listening on \\d+" }, ...timing });
    expect(probeOf('{ cmd = "pg_isready", interval = "1s", attempt_timeout = "5s", timeout = "2m" }')).toEqual({
      check: { kind: "cmd", command: "pg_isready" },
      intervalMs: 1000,
      attemptTimeoutMs: 5000,
      timeoutMs: 120_000,
    });
  });

  test("a process without ready has no probe", () => {
    expect("ready" in specsOf('[processes.web]\ncommand = "x"\n', "toml", "tend.toml")[0]!).toBe(false);
  });

  test("exactly one check", () => {
    expect(message(ready('{ timeout = "5s" }'), "toml")).toBe(
      'tend.toml:3: process "web": field "ready": expected one of http, port, log, cmd, got none of them',
    );
    expect(message(ready('{ http = "http://x/", port = 80 }'), "toml")).toBe(
      'tend.toml:3: process "web": field "ready.port": expected only one of http, port, log, cmd, got http and port',
    );
    expect(message(ready('"http://x/"'), "toml")).toBe(
      'tend.toml:3: process "web": field "ready": expected "port" or a table with one of http, port, log, cmd, got "http://x/"',
    );
    expect(message(ready('{ tcp = 80 }'), "toml")).toStartWith(
      'tend.toml:3: process "web": field "ready.tcp": unknown; known fields are http, port, log, cmd, status, host,',
    );
  });

  test("http", () => {
    expect(message(ready('{ http = "ftp://x/" }'), "toml")).toBe(
      'tend.toml:3: process "web": field "ready.http": expected an http:// or https:// URL, not ftp:, got "ftp://x/"',
    );
    expect(message(ready('{ http = "localhost:3000" }'), "toml")).toBe(
      'tend.toml:3: process "web": field "ready.http": expected an http:// or https:// URL, not localhost:, got "localhost:3000"',
    );
    expect(message(ready('{ http = "no url" }'), "toml")).toBe(
      'tend.toml:3: process "web": field "ready.http": expected an http:// or https:// URL, got "no url"',
    );
    expect(message(ready('{ http = "http://127.0.0.1:${PORT}/" }'), "toml")).toBe(
      `tend.toml:3: process "web": field "ready.http": variables are not expanded in a readiness URL; to wait for the process's own PORT use ready = "port", got "http://127.0.0.1:\${PORT}/"`,
    );
    expect(message(ready('{ http = "http://x/", status = [200, 99] }'), "toml")).toBe(
      'tend.toml:3: process "web": field "ready.status[1]": expected a whole number from 100 to 599, got 99',
    );
    expect(message(ready('{ http = "http://x/", status = 200 }'), "toml")).toBe(
      'tend.toml:3: process "web": field "ready.status": expected an array of HTTP status codes, got 200',
    );
    expect(message(ready("{ port = 80, status = [200] }"), "toml")).toBe(
      'tend.toml:3: process "web": field "ready.status": applies to an http probe only',
    );
  });

  test("port", () => {
    expect(message(ready("{ port = 0 }"), "toml")).toBe(
      'tend.toml:3: process "web": field "ready.port": expected a whole number from 1 to 65535, got 0',
    );
    expect(message(ready('{ port = "5432" }'), "toml")).toBe(
      'tend.toml:3: process "web": field "ready.port": expected a whole number from 1 to 65535, or "$PORT", got "5432"',
    );
    expect(message(ready('{ log = "up", host = "db" }'), "toml")).toBe(
      'tend.toml:3: process "web": field "ready.host": applies to a port probe only',
    );
  });

  test("log and cmd", () => {
    expect(message(ready('{ log = "(listening" }'), "toml")).toBe(
      'tend.toml:3: process "web": field "ready.log": invalid regular expression: missing ), got "(listening"',
    );
    expect(message(ready('{ log = "" }'), "toml")).toBe(
      'tend.toml:3: process "web": field "ready.log": expected a regular expression as a non-empty string, got ""',
    );
    expect(message(ready('{ cmd = "  " }'), "toml")).toBe(
      'tend.toml:3: process "web": field "ready.cmd": expected a command (run with sh -c) as a non-empty string, got "  "',
    );
  });

  test("durations must be longer than 0", () => {
    expect(message(ready('{ port = 80, interval = "0s" }'), "toml")).toBe(
      'tend.toml:3: process "web": field "ready.interval": expected a duration longer than 0, got "0s"',
    );
    expect(message(ready("{ port = 80, timeout = 0 }"), "toml")).toBe(
      'tend.toml:3: process "web": field "ready.timeout": expected a duration longer than 0, got 0',
    );
  });

  test("a sub-table in YAML is located on the line of the bad key", () => {
    const text = "processes:\n  web:\n    command: x\n    ready:\n      port: 80\n      interval: soon\n";
    expect(message(text, "yaml")).toBe(
      'tend.yaml:6: process "web": field "ready.interval": invalid duration "soon": expected a number with a unit, like 500ms, 2s, 1m30s or 1h',
    );
  });
});

describe("depends_on", () => {
  const dependsOf = (text: string) =>
    Object.fromEntries(specsOf(text, "toml", "tend.toml").map((s) => [s.name, s.dependsOn]));

  test("a list waits for each to be ready; a table names the condition", () => {
    const text = `
[processes.db]
command = "db"
[processes.migrate]
command = "migrate"
depends_on = ["db"]
[processes.cache]
command = "cache"
depends_on = []
[processes.web]
command = "web"
depends_on = { db = "ready", migrate = "completed", cache = "started" }
`;
    expect(dependsOf(text)).toEqual({
      db: undefined,
      migrate: { db: "ready" },
      cache: undefined,
      web: { db: "ready", migrate: "completed", cache: "started" },
    });
  });

  test("YAML and JSON read the same", () => {
    const yaml = "processes:\n  db:\n    command: db\n  web:\n    command: web\n    depends_on:\n      db: started\n";
    expect(specsOf(yaml, "yaml", "tend.yaml")[1]!.dependsOn).toEqual({ db: "started" });
    const json = '{"processes": {"web": {"command": "web", "depends_on": ["db"]}, "db": {"command": "db"}}}';
    expect(specsOf(json, "json", "tend.json")[0]!.dependsOn).toEqual({ db: "ready" });
  });

  test("an unknown name, with a suggestion", () => {
    const text = '[processes.db]\ncommand = "db"\n\n[processes.web]\ncommand = "web"\ndepends_on = ["dbb"]\n';
    const error = configError(text, "toml");
    expect(error.message).toBe('tend.toml:6: process "web": field "depends_on": no process named "dbb" (did you mean "db"?)');
    expect(error.exitCode).toBe(2);
    expect(message('[processes.web]\ncommand = "web"\ndepends_on = { redis = "started" }\n', "toml")).toBe(
      'tend.toml:3: process "web": field "depends_on": no process named "redis"',
    );
  });

  test("a process depending on itself", () => {
    expect(message('[processes.web]\ncommand = "web"\ndepends_on = ["web"]\n', "toml")).toBe(
      'tend.toml:3: process "web": field "depends_on": a process cannot depend on itself',
    );
  });

  test("a cycle is named by its path", () => {
    const text = `
[processes.web]
command = "web"
depends_on = ["api"]

[processes.api]
command = "api"
depends_on = { worker = "started" }

[processes.worker]
command = "worker"
depends_on = { web = "completed" }
`;
    const error = configError(text, "toml");
    expect(error.message).toBe('tend.toml:4: process "web": field "depends_on": dependency cycle: web -> api -> worker -> web');
    expect(error.exitCode).toBe(2);
    const yaml = "processes:\n  web:\n    command: web\n    depends_on: [api]\n  api:\n    command: api\n    depends_on: [web]\n";
    expect(message(yaml, "yaml")).toBe('tend.yaml:4: process "web": field "depends_on": dependency cycle: web -> api -> web');
  });

  test("bad shapes and conditions", () => {
    const withDb = (value: string) => `[processes.db]\ncommand = "db"\n[processes.web]\ncommand = "web"\ndepends_on = ${value}\n`;
    expect(message(withDb('"db"'), "toml")).toBe(
      'tend.toml:5: process "web": field "depends_on": expected an array of process names or a table of name = one of "started", "ready", "completed", got "db"',
    );
    expect(message(withDb('{ db = "healthy" }'), "toml")).toBe(
      'tend.toml:5: process "web": field "depends_on.db": expected one of "started", "ready", "completed", got "healthy"',
    );
    expect(message(withDb('["db", 1]'), "toml")).toBe(
      'tend.toml:5: process "web": field "depends_on[1]": expected a process name as a non-empty string, got 1',
    );
    expect(message(withDb('["db", "db"]'), "toml")).toBe(
      'tend.toml:5: process "web": field "depends_on[1]": "db" is listed twice',
    );
  });
});

describe("syntax errors", () => {
  test("TOML", () => {
    expect(message('[processes.web]\ncommand = "bun\ntty = true\n', "toml")).toBe(
      "tend.toml:2: invalid TOML: unterminated string; newlines must be escaped in basic strings",
    );
    expect(message('[processes.web]\ncommand = "x"\n\n[processes.web]\ncommand = "y"\n', "toml")).toBe(
      "tend.toml:4: invalid TOML: cannot redefine table 'web'",
    );
    expect(message('[processes.web]\ncommand = "x"\ntty = = true\n', "toml")).toBe(
      "tend.toml:3: invalid TOML: expected a value but found '='",
    );
  });

  test("YAML", () => {
    expect(message("processes:\n  web:\n    command: x\n  oops\n    tty: true\n", "yaml")).toBe(
      "tend.yaml:4: invalid YAML: unexpected token",
    );
    expect(message("processes:\n\tweb: {}\n", "yaml")).toBe(
      "tend.yaml:2: invalid YAML: tab characters cannot be used as indentation",
    );
  });

  test("JSON", () => {
    expect(message('{\n  "processes": {\n    "web": {"command": "x",}\n  }\n}\n', "json")).toBe(
      "tend.json:3: invalid JSON: property name must be a string literal",
    );
    expect(message('{\n  "processes": {\n', "json")).toMatch(/^tend\.json:3: invalid JSON: /);
  });
});

describe("Procfile", () => {
  test("comments, blank lines, CRLF and colons in commands", () => {
    const text = [
      "# the web tier",
      "web: bun server.ts --listen 0.0.0.0:3000",
      "",
      "   ",
      "  worker:python3 -m jobs  ",
      "proxy: curl http://localhost:8080/ # not a comment",
      "",
    ].join("\r\n");
    expect(specsOf(text, "procfile", "Procfile")).toEqual([
      { name: "web", command: ["sh", "-c", "bun server.ts --listen 0.0.0.0:3000"], shell: true, ...WORKER_DEFAULTS },
      { name: "worker", command: ["sh", "-c", "python3 -m jobs"], shell: true, ...WORKER_DEFAULTS },
      {
        name: "proxy",
        command: ["sh", "-c", "curl http://localhost:8080/ # not a comment"],
        shell: true,
        ...WORKER_DEFAULTS,
      },
    ]);
  });

  test("a line without a name", () => {
    expect(message("web: x\n\nbun server.ts\n", "procfile")).toBe(
      'Procfile:3: expected "name: command", got "bun server.ts"',
    );
    expect(message(": x\n", "procfile")).toBe('Procfile:1: expected "name: command", got ": x"');
  });

  test("a bad name", () => {
    expect(message("# x\nmy web: bun x\n", "procfile")).toBe(
      'Procfile:2: process "my web": name may only contain letters, digits, ".", "_" and "-"',
    );
  });

  test("a name without a command", () => {
    expect(message("web:\n", "procfile")).toBe(
      'Procfile:1: process "web": field "command": missing; expected a command after "name:"',
    );
  });

  test("a name given twice", () => {
    expect(message("web: a\r\nworker: b\r\nweb: c\r\n", "procfile")).toBe(
      'Procfile:3: process "web": defined twice (first on line 1)',
    );
  });

  test("nothing but comments", () => {
    expect(message("# empty\n\n", "procfile")).toBe(
      'Procfile: no processes defined; expected lines of the form "name: command"',
    );
  });

  test("the file name in messages is the one given", () => {
    expect(configError("oops\n", "procfile", "/srv/app/Procfile.dev").message).toBe(
      '/srv/app/Procfile.dev:1: expected "name: command", got "oops"',
    );
  });
});

describe("sandbox", () => {
  test("sandbox = true confines with workspace-write by default; its options need it", () => {
    const [on] = specsOf('[processes.a]\ncommand = "x"\nsandbox = true\n', "toml", "tend.toml");
    expect(on!.sandbox).toEqual({ mode: "workspace-write", allowNet: false });
    const [ro] = specsOf('[processes.a]\ncommand = "x"\nsandbox = true\npermission_mode = "read-only"\nallow_net = true\n', "toml", "tend.toml");
    expect(ro!.sandbox).toEqual({ mode: "read-only", allowNet: true });
    const [off] = specsOf('[processes.a]\ncommand = "x"\n', "toml", "tend.toml");
    expect(off!.sandbox).toBeUndefined();
    expect(message('[processes.a]\ncommand = "x"\npermission_mode = "read-only"\n', "toml")).toBe(
      'tend.toml:3: process "a": field "permission_mode": applies only with sandbox = true',
    );
    expect(message('[processes.a]\ncommand = "x"\nsandbox = true\npermission_mode = "none"\n', "toml")).toStartWith(
      'tend.toml:4: process "a": field "permission_mode": expected one of',
    );
  });
});
