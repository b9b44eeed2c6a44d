import { consola } from "consola";
import { formatDuration } from "../core/duration";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/**
 * A wait the user can see: on a terminal a spinner with the elapsed time; elsewhere (CI logs)
 * one line when it starts and one when it ends — no spinner noise in logs.
 */
export class Progress {
  private readonly started = Date.now();
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly tty = process.stderr.isTTY === true && !process.env.CI;

  constructor(what: string) {
    if (this.tty) {
      let frame = 0;
      const draw = () => process.stderr.write(`\r${FRAMES[frame++ % FRAMES.length]} ${what} (${formatDuration(this.elapsed())})\x1b[K`);
      draw();
      this.timer = setInterval(draw, 100);
    } else {
      consola.start(what);
    }
  }

  elapsed(): number {
    return Date.now() - this.started;
  }

  /** Ends the wait with a success line. */
  succeed(message: string): void {
    this.stop();
    consola.success(message);
  }

  /** Ends the wait silently: the caller reports the failure its own way. */
  stop(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = null;
      process.stderr.write("\r\x1b[K");
    }
  }
}
