import { afterEach } from "bun:test";
import { waitFor } from "./home";

/**
 * A tmux server of its own (`-L` with a unique socket name, no config), for tests that need a
 * real terminal: it answers queries as one does, and `capture-pane` reads what it shows.
 * Registers an afterEach that ends the server, pass or fail; pass `end` to useTendHome's
 * beforeReap too, so the attach clients are gone before it looks for leftovers.
 */
export function useTmux() {
  let server: string | null = null;
  let count = 0;
  const run = (...args: string[]) => {
    if (!server) throw new Error("no tmux server yet: start a session first");
    const r = Bun.spawnSync(["tmux", "-L", server, "-f", "/dev/null", ...args], { stdout: "pipe", stderr: "pipe" });
    if (r.exitCode !== 0) throw new Error(`tmux ${args.join(" ")}: ${r.stderr.toString().trim()}`);
    return r.stdout.toString();
  };
  const end = () => {
    if (server) Bun.spawnSync(["tmux", "-L", server, "kill-server"], { stdout: "ignore", stderr: "ignore" });
    server = null;
  };
  afterEach(end);
  return {
    /** Ends the server and all it runs (for useTendHome's beforeReap, so its check finds nothing left). */
    end,
    /** A new detached session of this size running `argv` (with `env` set); returns its name. */
    start(argv: string[], env: Record<string, string>, size = { cols: 100, rows: 30 }): string {
      server ??= `tend-test-${process.pid}-${Date.now().toString(36)}`;
      const name = `s${++count}`;
      const vars = Object.entries(env).map(([k, v]) => `${k}=${v}`);
      run("new-session", "-d", "-s", name, "-x", String(size.cols), "-y", String(size.rows), "env", ...vars, ...argv);
      // Without this, a session's window could follow the size of some other client.
      run("set-option", "-t", name, "window-size", "manual");
      // What a program printed as it exited stays readable.
      run("set-option", "-w", "-t", name, "remain-on-exit", "on");
      return name;
    },
    /** Types into the session: tmux key names (`Enter`, `C-\\`) or, with literal, text. */
    keys(name: string, keys: string[], opts: { literal?: boolean; repeat?: number } = {}) {
      run("send-keys", "-t", name, ...(opts.literal ? ["-l"] : []), ...(opts.repeat ? ["-N", String(opts.repeat)] : []), ...keys);
    },
    /** The screen as tmux shows it: one line per row, trailing spaces trimmed; with `escapes`, its colours and attributes as SGR. */
    screen(name: string, opts: { escapes?: boolean } = {}): string[] {
      return run("capture-pane", "-p", ...(opts.escapes ? ["-e"] : []), "-t", name).replace(/\n$/, "").split("\n");
    },
    /** Waits until the screen shows `text` (or passes `test`), and returns it. */
    async until(name: string, what: string | ((screen: string[]) => boolean), timeoutMs = 5000): Promise<string[]> {
      const ok = typeof what === "string" ? (s: string[]) => s.some((l) => l.includes(what)) : what;
      let screen: string[] = [];
      await waitFor(`tmux screen with ${typeof what === "string" ? JSON.stringify(what) : "what the test wants"}`, () => ok((screen = this.screen(name))), timeoutMs).catch(
        (error: Error) => {
          throw new Error(`${error.message}; it shows:\n${screen.join("\n")}`);
        },
      );
      return screen;
    },
    /** Resizes the session's window, as a user dragging the terminal's corner would. */
    resize(name: string, size: { cols: number; rows: number }) {
      run("resize-window", "-t", name, "-x", String(size.cols), "-y", String(size.rows));
    },
    /** The pid of the program the session's pane runs. */
    panePid(name: string): number {
      return Number(run("list-panes", "-t", name, "-F", "#{pane_pid}").trim());
    },
    alive(name: string): boolean {
      return Bun.spawnSync(["tmux", "-L", server!, "has-session", "-t", name], { stdout: "ignore", stderr: "ignore" }).exitCode === 0;
    },
    kill(name: string) {
      run("kill-session", "-t", name);
    },
  };
}

/** Rows with trailing blank rows left out, as both tmux and tend capture may or may not print them. */
export function trimmed(screen: string[]): string[] {
  const rows = [...screen];
  while (rows.length > 0 && rows[rows.length - 1] === "") rows.pop();
  return rows;
}
