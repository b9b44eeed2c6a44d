import { describe, expect, test } from "bun:test";
import { useTendHome } from "../helpers/home";
import { tend } from "../helpers/tend-cli";

const t = useTendHome({ perFile: true });

describe("usage errors: one line, a hint, exit 2, nothing started", () => {
  const cases: Array<[string[], string]> = [
    [["bogus"], 'tend: unknown command "bogus"'],
    [["start", "--bogus"], 'tend: unknown option --bogus for "tend start"'],
    [["start", "--dir"], "tend: option --dir needs a value"],
    [["stop", "extra"], 'tend: unexpected argument "extra" for "tend stop"'],
    [["status", "-x"], 'tend: unknown option -x for "tend status"'],
    [["start", "--"], "tend: missing command after --"],
    [["--nope"], "tend: unknown option --nope"],
    [["bg", "--restart", "sometimes", "--", "sleep", "1"], 'tend: --restart sometimes: expected one of no, on-failure, always (see "tend bg --help")'],
    [["bg", "--restart=alway", "--", "sleep", "1"], 'tend: --restart alway: expected one of no, on-failure, always (did you mean "always"?)'],
    [["strat"], 'tend: unknown command "strat" (did you mean "start"?)'],
    [["logs", "--folow", "web"], 'tend: unknown option --folow for "tend logs" (did you mean "--follow"?)'],
    [["kill", "--grace", "5", "web"], 'tend: --grace: invalid duration "5": expected a number with a unit'],
  ];
  for (const [args, expected] of cases) {
    test(`tend ${args.join(" ")}`, async () => {
      const r = await tend(args, { env: t.env, cwd: t.home });
      expect(r.code).toBe(2);
      expect(r.stderr).toStartWith(expected);
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(r.stdout).toBe("");
    });
  }

  test("a bad config names the file, line, process and field", async () => {
    await Bun.write(`${t.home}/tend.toml`, '[processes.web]\ncommand = "true"\nrestart = "sometimes"\n');
    const r = await tend(["start", "--dir", t.home], { env: t.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`tend: ${t.home}/tend.toml:3: process "web": field "restart": expected one of "always", "on-failure", "no", got "sometimes"\n`);
  });

  test("--help tells the truth and exits 0; --version prints the version", async () => {
    const help = await tend(["start", "--help"], { env: t.env });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--detach");
    // Names of options and commands start at the left edge, their descriptions in one column.
    for (const args of [["logs", "--help"], ["--help"]]) {
      const columns = (await tend(args, { env: t.env })).stdout
        .split("\n")
        .map((l) => /^( {2}\S.*? {4,})\S/.exec(l)?.[1]?.length)
        .filter((c) => c !== undefined);
      expect(columns.length).toBeGreaterThan(5);
      expect(new Set(columns).size).toBe(1);
    }
    expect((await tend(["logs", "--help"], { env: t.env })).stdout).toContain("\n  -f, --follow ");
    const version = await tend(["--version"], { env: t.env });
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+ \(/);
  });
});
