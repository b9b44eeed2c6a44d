import { TendError } from "../../src/core/errors";
import type { ProcessSpec } from "../../src/core/process-spec";
import type { ChildExit, ProbeEvents, Run } from "../../src/supervisor/driver";
import { ReportingDriver, type DriverContext, type DriverFactory, type ProcessIo } from "../../src/supervisor/process-driver";
import { RecentOutput } from "../../src/supervisor/recent-output";
import type { FakeClock } from "./fake-clock";

let nextPid = 10_000;

/** A run that ends when the test says, or when it is stopped. */
export class FakeRun implements Run {
  readonly pid = nextPid++;
  readonly pidStartTime = "fake";
  readonly marker: string;
  readonly finished: Promise<ChildExit>;
  readonly signals: string[] = [];
  probe: ProbeEvents | null = null;
  private resolve!: (exit: ChildExit) => void;
  /** Ignores the stop signal (a TERM-ignoring child) until SIGKILL. */
  stubborn = false;
  /** Belongs to another user: no signal reaches it, and it never exits while the test runs. */
  theirs = false;
  abandoned = false;

  constructor(readonly restarts: number) {
    this.marker = `fake/${this.pid}`;
    this.finished = new Promise((resolve) => {
      this.resolve = resolve;
    });
  }

  exit(code: number | null, signal: string | null = null, survivors: string | null = null): void {
    this.resolve({ code, signal, survivors });
  }

  end(signal: string): Promise<string | null> {
    this.signals.push(signal);
    if (this.theirs) return Promise.resolve(`pid ${this.pid} (uid 101) could not be signalled`);
    if (!this.stubborn || signal === "SIGKILL") this.exit(null, signal);
    return this.finished.then(() => null);
  }

  abandon(): void {
    this.abandoned = true;
  }

  startProbe(on: FakeRun["probe"]): void {
    this.probe = on;
  }

  cancelProbe(): void {
    this.probe = null;
  }
}

export class FakeIo extends ReportingDriver implements ProcessIo {
  readonly recent = new RecentOutput();
  hasRun = false;
  readonly runs: FakeRun[] = [];
  /** The next spawn fails with this (a TendError: the command cannot start; anything else: a bug). */
  failNext: Error | null = null;
  stubborn = false;

  constructor(
    readonly spec: ProcessSpec,
    ctx: DriverContext,
    readonly clock: FakeClock,
  ) {
    super(ctx);
  }

  get last(): FakeRun {
    const run = this.runs.at(-1);
    if (!run) throw new Error(`${this.spec.name} never ran`);
    return run;
  }

  spawn(restarts: number): Run {
    const failure = this.failNext;
    this.failNext = null;
    if (failure) throw failure;
    const run = new FakeRun(restarts);
    run.stubborn = this.stubborn;
    this.runs.push(run);
    this.hasRun = true;
    return run;
  }

  endLeftover(): Promise<string | null> {
    return Promise.resolve(null);
  }

  writeStdin(): void {}

  resize(): void {}
}

/**
 * Drivers that run nothing: each process's runs are in `io.get(name)`, moved by the test.
 * A name in `failFirst` fails its first spawn with that error.
 */
export function fakeDrivers(clock: FakeClock): { factory: DriverFactory; io: Map<string, FakeIo>; failFirst: Map<string, Error> } {
  const io = new Map<string, FakeIo>();
  const failFirst = new Map<string, Error>();
  return {
    io,
    failFirst,
    factory: (spec, ctx) => {
      const made = new FakeIo(spec, ctx, clock);
      made.failNext = failFirst.get(spec.name) ?? null;
      io.set(spec.name, made);
      return made;
    },
  };
}

export const commandNotFound = (what: string) => new TendError(`cannot start ${what}: command not found`, "spawn_failed");

/** Lets promise callbacks (a run's end reaching the supervisor) happen; no time passes. */
export const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
