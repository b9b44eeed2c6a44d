import { TendError } from "../core/errors";
import { toStatus, step, type Effect, type Life, type LifeEvent, type Phase } from "../core/lifecycle";
import type { ProcessSpec } from "../core/process-spec";
import type { ProcessRecord } from "../core/process-status";
import type { ProcessDriver, Run } from "./driver";

/**
 * After a stop gave up on processes it may not signal, how long the run may take to report its
 * own end (its leader may be ours and just gone) before the stop settles without it.
 */
const SETTLE_WITHOUT_EXIT_MS = 1000;

/**
 * One supervised process: feeds events to the lifecycle machine (src/core/lifecycle.ts) and
 * carries out the effects it asks for through the driver. Events are handled one at a time, in
 * the order they come, also those an effect raises (a spawn answers at once).
 */
export class ManagedProcess {
  private current: Run | null = null;
  private timer: unknown = null;
  private readonly queue: LifeEvent[] = [];
  private handling = false;
  private idleWaiters: Array<() => void> = [];
  /** Why the last spawn failed, for the caller that added the process. */
  spawnError: TendError | null = null;

  constructor(
    readonly spec: ProcessSpec,
    private readonly driver: ProcessDriver,
    private life: Life,
    readonly worktree: string | null = null,
  ) {}

  get phase(): Phase {
    return this.life.phase;
  }

  record(): ProcessRecord {
    return { spec: this.spec, status: toStatus(this.spec, this.life, this.worktree) };
  }

  send(event: LifeEvent): void {
    this.queue.push(event);
    if (this.handling) return;
    this.handling = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) this.handle(next);
    } finally {
      this.handling = false;
    }
    if (this.phase.kind !== "stopping" && this.phase.kind !== "starting") {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  /** Resolves once no stop or start is under way: a stop, restart or removal has done its work. */
  whenIdle(): Promise<void> {
    if (this.phase.kind !== "stopping" && this.phase.kind !== "starting") return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private now(): number {
    return this.driver.clock.now();
  }

  private handle(event: LifeEvent): void {
    const { life, effects } = step(this.life, event, this.spec);
    this.life = life;
    for (const effect of effects) {
      try {
        this.run(effect);
      } catch (error) {
        this.driver.fault(`${effect.kind} of ${this.spec.name}`, error);
        // A fault while handling a fault must not loop: the first one is already on record.
        if (event.type !== "fault") this.queue.push({ type: "fault", message: `internal error (${effect.kind}): ${(error as Error)?.message ?? error}; see supervisor.log`, at: this.now() });
      }
    }
  }

  private run(effect: Effect): void {
    switch (effect.kind) {
      case "spawn":
        return this.spawn(effect.restarts);
      case "end-tree":
        if (effect.leftover) {
          void this.driver.endLeftover(this.record(), effect.signal, effect.graceMs).then(
            (survivors) => this.send({ type: "leftover-gone", survivors, at: this.now() }),
            (error) => this.driver.fault(`ending the leftover tree of ${this.spec.name}`, error),
          );
        } else if (this.current) {
          const run = this.current;
          void run.end(effect.signal, effect.graceMs).then(
            (survivors) => survivors !== null && this.settleWithoutExit(run, survivors),
            (error) => this.driver.fault(`stopping ${this.spec.name}`, error),
          );
        }
        return;
      case "start-timer":
        this.clearTimer();
        this.timer = this.driver.clock.setTimeout(() => {
          this.timer = null;
          this.send({ type: "timer", at: this.now() });
        }, effect.ms);
        return;
      case "cancel-timer":
        return this.clearTimer();
      case "start-probe": {
        const run = this.current;
        run?.startProbe({
          passed: () => run === this.current && this.send({ type: "probe-passed", at: this.now() }),
          failed: (message) => run === this.current && this.send({ type: "probe-failed", message, at: this.now() }),
          attemptFailed: (error) => run === this.current && this.send({ type: "probe-attempt-failed", error }),
        });
        return;
      }
      case "cancel-probe":
        return this.current?.cancelProbe();
      case "record":
        return this.driver.changed(this.record());
      case "notify":
        return this.driver.notice(effect.message, effect.level);
      case "forget":
        this.clearTimer();
        return this.driver.forget();
    }
  }

  private spawn(restarts: number): void {
    let run: Run;
    try {
      run = this.driver.spawn(restarts);
    } catch (error) {
      if (!(error instanceof TendError)) throw error;
      this.spawnError = error;
      this.queue.push({ type: "spawn-failed", reason: error.message, at: this.now() });
      return;
    }
    this.spawnError = null;
    this.current = run;
    this.queue.push({ type: "spawned", pid: run.pid, pidStartTime: run.pidStartTime, marker: run.marker, at: this.now() });
    run.finished.then(
      (exit) => {
        if (this.current !== run) return;
        this.current = null;
        this.send({ type: "exited", code: exit.code, signal: exit.signal, survivors: exit.survivors, at: this.now() });
      },
      (error) => {
        // Never left "running" for ever: the run is over as far as anyone can tell.
        this.driver.fault(`watching the run of ${this.spec.name}`, error);
        if (this.current !== run) return;
        this.current = null;
        this.send({ type: "exited", code: null, signal: null, at: this.now() });
      },
    );
  }

  /**
   * A stop left processes it may not signal: when one of them is the run's leader, no exit will
   * come while it lives, and the stop must still end. The run is let go, the record settles and
   * says which processes still run.
   */
  private settleWithoutExit(run: Run, survivors: string): void {
    this.driver.clock.setTimeout(() => {
      if (this.current !== run) return;
      this.current = null;
      run.abandon();
      this.send({ type: "exited", code: null, signal: null, survivors, at: this.now() });
    }, SETTLE_WITHOUT_EXIT_MS);
  }

  private clearTimer(): void {
    if (this.timer === null) return;
    this.driver.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
