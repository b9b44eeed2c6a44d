import { fstatSync, statSync, writeSync } from "node:fs";
import { DEFAULT_LOG, type LogSettings } from "../core/process-spec";
import { rotateLogFileInPlace } from "../platform/log-files";
import { layout } from "../platform/paths";

/**
 * A detached supervisor's own log (`supervisor.log`: its notices, and whatever the runtime
 * prints), rotated by size like a process's log. The launcher made the file the supervisor's
 * stdout and stderr, opened for appending, so it rotates in place: copied to `.1`, then emptied,
 * and the next line goes to its start. When stdout is something else (run by hand on a
 * terminal), lines just go there.
 */
export class SupervisorLog {
  private readonly path: string;
  private readonly rotates: boolean;

  constructor(
    home: string,
    private readonly settings: LogSettings = DEFAULT_LOG,
    private readonly fd = 1,
  ) {
    this.path = layout(home).supervisorLog;
    this.rotates = sameFile(fd, this.path);
  }

  write(line: string): void {
    try {
      writeSync(this.fd, line);
      if (this.rotates && fstatSync(this.fd).size > this.settings.maxBytes) rotateLogFileInPlace(this.path, this.fd, this.settings.maxFiles);
    } catch {
      // A full disk or a vanished home: the supervision goes on without its log.
    }
  }
}

function sameFile(fd: number, path: string): boolean {
  try {
    const open = fstatSync(fd);
    const named = statSync(path);
    return open.isFile() && open.dev === named.dev && open.ino === named.ino;
  } catch {
    return false;
  }
}
