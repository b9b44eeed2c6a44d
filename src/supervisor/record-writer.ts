import type { ProcessRecord } from "../core/process-status";
import { writeFileAtomic } from "../platform/atomic-file";
import { processFile, type HomeLayout } from "../platform/paths";
import { removeProcessRecord } from "../platform/process-records";
import { osErrorText } from "../platform/os-error";

/** How often a record that could not be written is tried again. */
const RETRY_MS = 1000;

/**
 * Keeps `processes/<name>.json` current. A record that cannot be written (a full disk, a
 * read-only home) is kept and tried again every second, the latest one winning, until it is
 * written or the process is removed: the files stay the truth for `ps`, `logs` and `kill --all`
 * once the supervisor is gone.
 *
 * Changes that come together (a crash, its backoff and the next start in one turn) are written
 * once, at the end of the burst, and without fsync: the rename still keeps every reader from a
 * torn file, and what a power loss could take — the last change or two — is harmless, since it
 * also ends every process: a record naming a run that is gone is seen as stale by its identity
 * (pid and start time, with the boot's id), and a file left empty is set aside by readers. In a
 * crash loop the fsync was half the supervisor's time.
 */
export class RecordWriter {
  private readonly unwritten = new Map<string, ProcessRecord>();
  private readonly latest = new Map<string, ProcessRecord>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly paths: HomeLayout,
    /** Told when a name's records start failing (with why) and when one is written again (null). */
    private readonly report: (name: string, problem: string | null) => void,
  ) {}

  /** Writes the record once the current burst of changes is over; a later one for the name replaces it. */
  write(record: ProcessRecord): void {
    if (this.latest.size === 0) queueMicrotask(() => this.flush());
    this.latest.set(record.spec.name, record);
  }

  private flush(): void {
    const records = [...this.latest.values()];
    this.latest.clear();
    for (const record of records) this.writeNow(record);
  }

  private writeNow(record: ProcessRecord): void {
    const name = record.spec.name;
    const failing = this.unwritten.has(name);
    this.unwritten.delete(name);
    const problem = this.tryWrite(record);
    if (problem === null) {
      if (failing) this.report(name, null);
      return;
    }
    this.unwritten.set(name, record);
    if (!failing) this.report(name, problem);
    this.schedule();
  }

  /** The process is gone: its record goes, and one waiting to be written is not written later. */
  remove(name: string): void {
    this.latest.delete(name);
    this.unwritten.delete(name);
    try {
      removeProcessRecord(this.paths, name);
    } catch (error) {
      // A read-only home keeps it; the next supervisor adopts it as ended.
      this.report(name, `could not remove ${processFile(this.paths, name)}: ${osErrorText(error)}`);
    }
  }

  private tryWrite(record: ProcessRecord): string | null {
    try {
      writeFileAtomic(processFile(this.paths, record.spec.name), `${JSON.stringify(record, null, 2)}\n`, 0o600, false);
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      for (const [name, record] of [...this.unwritten]) {
        if (this.tryWrite(record) !== null) continue;
        this.unwritten.delete(name);
        this.report(name, null);
      }
      if (this.unwritten.size > 0) this.schedule();
    }, RETRY_MS);
    // Retrying alone keeps no supervisor alive that has nothing else to do.
    this.timer.unref();
  }
}
