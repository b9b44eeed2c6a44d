import { selfCommand } from "../client/launch";
import { tendClient, type TendHome } from "../client/tend-client";
import { UsageMeter } from "../client/usage";
import type { StreamName } from "../core/cri";
import { isSettled, type ProcessRecord } from "../core/process-status";
import { splitWords } from "../core/shell-words";
import { colorEnabled, NameColors } from "../cli/colors";
import { DEFAULT_DETACH_KEY, keyLabel, parseDetachKey } from "../cli/detach-key";
import { runAttach } from "../cli/attach-session";
import { BINDINGS, FOOTER_KEYS } from "./bindings";
import { runCommand, type CommandRun } from "./command-runner";
import { detailRows } from "./details-view";
import { header } from "./header-view";
import { listEntries, listHeading, listLayout, listRow, type ListEntry } from "./list-view";
import { LogFeed } from "./log-feed";
import { logRows } from "./log-view";
import { Model } from "./model";
import { parseKeys } from "./keys";
import { Prompt } from "./prompt";
import { Screen } from "./screen";
import { FullScreen } from "./terminal";
import { dimmed, fg, fit, inverse, type Style } from "./text";

type Pane = "logs" | "details" | "output";
type Mode = "normal" | "help" | "confirm-kill" | "command" | "search";

/** At most this many frames a second, however fast lines come. */
const FRAME_MS = 33;
const TICK_MS = 1000;
// As often as top refreshes by default: a pass over /proc costs a few milliseconds.
const USAGE_MS = 3000;
/** Moving through the list quickly opens only the log it stops at. */
const SELECT_SETTLE_MS = 120;

/**
 * `tend ui`: the list of processes, a log pane and a command line, kept live by the client's
 * status events. Everything it does goes through the client (keys) or runs the tend command
 * itself (the command line).
 */
class App {
  private readonly model = new Model();
  private readonly meter = new UsageMeter();
  private readonly feed: LogFeed;
  private readonly screen: Screen;
  private readonly style: Style;
  private selected: string | null = null;
  /** Where the selected process was in the list when last seen there. */
  private selectedAt = 0;
  private listTop = 0;
  private pane: Pane = "logs";
  private focusPane = false;
  private logAll = false;
  /** The first row the details pane shows, and how many it has room for. */
  private detailsTop = 0;
  private detailsBody = 1;
  /** Index of the log pane's top line while scrolled back; null follows the end. */
  private logTop: number | null = null;
  private logTrimmedSeen = 0;
  /** Lines the log pane showed in the last frame. */
  private logBody = 10;
  private search: string | null = null;
  private mode: Mode = "normal";
  private readonly prompt = new Prompt();
  private readonly history: string[] = [];
  private message: { text: string; error: boolean } | null = null;
  private output: CommandRun | null = null;
  /** The terminal is lent to an attach or a pager: nothing is drawn, and its Ctrl-C is not ours. */
  handedOver = false;
  private frameQueued = false;
  /** Quit: not one more frame, or it would land on the user's own screen. */
  private closed = false;
  private lastFrameAt = 0;
  private selectTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly timers: ReturnType<typeof setInterval>[] = [];
  private stopWatching = () => {};
  private finish: (code: number) => void = () => {};

  constructor(
    private readonly client: TendHome,
    private readonly term: FullScreen,
  ) {
    this.feed = new LogFeed(client, () => this.schedule());
    this.screen = new Screen((text) => this.term.write(text));
    this.style = { color: colorEnabled(process.stdout) };
  }

  run(): Promise<number> {
    const done = new Promise<number>((resolve) => {
      this.finish = resolve;
    });
    this.term.enter();
    this.screen.invalidate();
    process.stdin.on("data", this.onInput);
    // A terminal that went away (a closed window, a dropped ssh) ends the input or fails it.
    process.stdin.once("end", this.gone).once("error", this.gone);
    process.stdin.resume();
    process.stdout.on("resize", this.onResize);
    this.stopWatching = this.client.watch({
      view: (v) => {
        this.model.setView(v);
        this.afterChange();
        if (v.state === "stopped") return;
        this.measure();
        // A supervisor again: the log it broke off from goes on.
        if (v.state === "running") this.feed.resume();
      },
      change: (r) => {
        this.model.change(r);
        this.afterChange(r);
      },
      removed: (r) => {
        this.model.removed(r);
        this.afterChange();
      },
      closing: () => {
        this.model.closing();
        this.schedule();
      },
    });
    this.timers.push(setInterval(() => this.schedule(), TICK_MS));
    this.timers.push(setInterval(() => this.measure(), USAGE_MS));
    this.draw();
    return done.then((code) => {
      this.teardown();
      return code;
    });
  }

  private teardown(): void {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    clearTimeout(this.selectTimer);
    this.stopWatching();
    this.feed.close();
    this.output?.cancel();
    process.stdin.off("data", this.onInput).off("end", this.gone).off("error", this.gone);
    process.stdout.off("resize", this.onResize);
    process.stdin.pause();
    this.term.leave();
  }

  // ── what changes ────────────────────────────────────────────────────────────────────────

  private afterChange(changed?: ProcessRecord): void {
    const keys = this.processKeys();
    const at = keys.indexOf(this.selected ?? "");
    if (at !== -1) this.selectedAt = at;
    else {
      // The selected one is gone (killed): its neighbour takes its place, not the first row.
      const next = keys[Math.min(this.selectedAt, keys.length - 1)] ?? null;
      if (next !== this.selected) this.select(next);
    }
    const target = this.feed.current;
    const ran = changed && !isSettled(changed.status.state);
    if (ran && !this.feed.following && target && (target.all || target.name === changed.spec.name)) this.feed.resume();
    if (!this.feed.current) this.openLog();
    this.schedule();
  }

  private measure(): void {
    const sup = this.model.supervisor;
    if (this.handedOver || !sup) return;
    this.model.usage =
      sup.kind === "stopped"
        ? this.meter.measure({ state: "stopped", processes: this.model.all(), cleaned: null, lost: [] })
        : this.meter.measure({ state: "running", info: sup.info, processes: this.model.all() });
    this.schedule();
  }

  private entries(): ListEntry[] {
    return listEntries(this.model.groups());
  }

  /** The processes of the list, in its order. */
  private processKeys(): string[] {
    return this.entries().flatMap((e) => (e.kind === "process" ? [e.key] : []));
  }

  private selectedRecord(): ProcessRecord | undefined {
    return this.selected ? this.model.get(this.selected) : undefined;
  }

  private select(key: string | null): void {
    if (key === this.selected) return;
    this.selected = key;
    this.detailsTop = 0;
    const at = key === null ? -1 : this.processKeys().indexOf(key);
    if (at !== -1) this.selectedAt = at;
    if (this.logAll || this.pane !== "logs") return this.schedule();
    clearTimeout(this.selectTimer);
    this.selectTimer = setTimeout(() => this.openLog(), SELECT_SETTLE_MS);
    this.schedule();
  }

  private openLog(): void {
    const r = this.selectedRecord();
    if (!this.logAll && !r) return;
    this.feed.open(this.logAll ? { all: true } : { all: false, name: r!.spec.name }, this.feed.streamFilter);
    this.logTop = null;
    this.logTrimmedSeen = 0;
    this.schedule();
  }

  // ── drawing ─────────────────────────────────────────────────────────────────────────────

  private schedule(): void {
    if (this.frameQueued || this.handedOver || this.closed) return;
    this.frameQueued = true;
    const wait = Math.max(0, this.lastFrameAt + FRAME_MS - Date.now());
    setTimeout(() => {
      this.frameQueued = false;
      if (!this.handedOver && !this.closed) this.draw();
    }, wait);
  }

  private draw(): void {
    if (this.closed) return;
    this.lastFrameAt = Date.now();
    this.screen.draw(this.mode === "help" ? this.helpFrame() : this.frame());
  }

  private frame(): string[] {
    const { cols, rows } = this.term.size;
    const now = Date.now();
    const s = this.style;
    const out: string[] = [header(this.model, this.client.home, now, cols, s)];
    const entries = this.entries();
    const layout = listLayout(entries, cols);
    // The list takes what it needs, up to about half the screen; the log pane the rest.
    const listRows = Math.max(3, Math.min(entries.length || 1, Math.floor((rows - 5) / 2)));
    const paneRows = Math.max(2, rows - listRows - 4);
    this.logBody = paneRows - 1;
    out.push(listHeading(layout, s));
    const at = entries.findIndex((e) => e.kind === "process" && e.key === this.selected);
    if (at >= 0 && at < this.listTop) this.listTop = at;
    if (at >= this.listTop + listRows) this.listTop = at - listRows + 1;
    this.listTop = Math.max(0, Math.min(this.listTop, entries.length - listRows));
    for (let i = 0; i < listRows; i++) {
      const e = entries[this.listTop + i];
      if (e) out.push(listRow(e, layout, e.kind === "process" && e.key === this.selected, this.model.usage, now, s));
      else out.push(fit(i === 0 && entries.length === 0 ? dimmed("  no processes — :bg -- CMD starts one, : any tend command", s) : "", cols));
    }
    out.push(...this.paneRows(cols, paneRows, now));
    out.push(this.statusLine(cols), dimmed(fit(FOOTER_KEYS, cols), s));
    return out.slice(0, rows);
  }

  private paneRows(cols: number, height: number, now: number): string[] {
    const s = this.style;
    const r = this.selectedRecord();
    const title = (text: string) => {
      const bar = `── ${text} `;
      return (this.focusPane ? (x: string) => x : (x: string) => dimmed(x, s))(fit(bar + "─".repeat(Math.max(0, cols - bar.length)), cols));
    };
    if (this.pane === "details" && r) {
      const rows = detailRows(r, r.status.pid === null ? undefined : this.model.usage.get(r.status.pid), now, cols, s);
      this.detailsBody = Math.max(1, height - 1);
      const top = (this.detailsTop = Math.min(this.detailsTop, Math.max(0, rows.length - this.detailsBody)));
      const shown = rows.slice(top, top + this.detailsBody);
      // What does not fit is said, and PgUp/PgDn reach it.
      const where = rows.length > shown.length ? `rows ${top + 1}–${top + shown.length} of ${rows.length}, PgUp PgDn; ` : "";
      return [title(`details: ${r.spec.name}  (${where}Enter: back to the log)`), ...pad(shown, height - 1, cols)];
    }
    if (this.pane === "output" && this.output) {
      const run = this.output;
      const state = run.exitCode === null ? "running, Esc cancels" : `exit ${run.exitCode}, Esc closes`;
      const lines = run.lines.slice(-(height - 1)).map((l) => fit(l.error ? fg(l.text, 31, s) : l.text, cols));
      return [title(`tend ${run.argv.join(" ")}  (${state})`), ...pad(lines, height - 1, cols)];
    }
    const lines = this.feed.lines;
    if (this.feed.trimmed !== this.logTrimmedSeen) {
      if (this.logTop !== null) this.logTop = Math.max(0, this.logTop - (this.feed.trimmed - this.logTrimmedSeen));
      this.logTrimmedSeen = this.feed.trimmed;
    }
    const body = height - 1;
    const maxTop = Math.max(0, lines.length - body);
    if (this.logTop !== null && this.logTop >= maxTop) this.logTop = null;
    const top = this.logTop ?? maxTop;
    const what = this.logAll ? "all logs" : r ? `log: ${r.spec.name}` : "log";
    const stream = this.feed.streamFilter ? `, ${this.feed.streamFilter} only` : "";
    const where = this.logTop === null ? (this.feed.following ? "following" : "ended") : `line ${top + 1} of ${lines.length}`;
    const extra = [this.search ? `/${this.search}` : "", this.feed.note ?? ""].filter(Boolean).join("  ");
    return [title(`${what}${stream} (${where})${extra ? `  ${extra}` : ""}`), ...pad(logRows(lines, top, body, cols, this.logAll ? new NameColors(this.model.all().map((p) => p.spec.name)) : null, this.search, s), body, cols)];
  }

  private statusLine(cols: number): string {
    const s = this.style;
    if (this.mode === "command" || this.mode === "search") {
      const lead = this.mode === "command" ? ":" : "/";
      return this.prompt.render(lead, cols);
    }
    if (this.mode === "confirm-kill") {
      const r = this.selectedRecord();
      return fit(fg(`kill ${r?.spec.name ?? "?"} and remove it from the list? y / n`, 33, s), cols);
    }
    const sup = this.model.supervisor;
    if (!this.message && sup && sup.kind !== "running") {
      const why = sup.kind === "unresponsive" ? "the supervisor does not answer" : sup.lost.length > 0 ? "the supervisor was lost" : "no supervisor is running";
      return fit(fg(`${why} — S starts one again; the list shows what was left on disk`, 33, s), cols);
    }
    if (!this.message) return fit("", cols);
    return fit(this.message.error ? fg(this.message.text, 31, s) : this.message.text, cols);
  }

  private helpFrame(): string[] {
    const { cols, rows } = this.term.size;
    const lines = [
      " tend ui — keys (any key closes this)",
      "",
      ...BINDINGS.map((b) => `  ${b.keys.padEnd(16)} ${b.what}`),
      "",
      "  The command line takes every tend command and flag: :restart web, :kill --all, :logs --failed.",
      "  Up and Down go through the commands given before.",
    ].map((line, i) => (i === 0 ? inverse(fit(line, cols)) : fit(line, cols)));
    return pad(lines, rows, cols).slice(0, rows);
  }

  // ── input ───────────────────────────────────────────────────────────────────────────────

  private readonly gone = () => this.finish(0);

  private readonly onResize = () => {
    this.screen.invalidate();
    this.draw();
  };

  private readonly onInput = (data: Buffer) => {
    for (const key of parseKeys(data.toString("utf8"))) this.key(key);
    this.schedule();
  };

  private key(key: string): void {
    switch (this.mode) {
      case "help":
        this.mode = "normal";
        return;
      case "confirm-kill":
        this.mode = "normal";
        if (key === "y" || key === "Y") this.act("kill");
        else this.say("not killed");
        return;
      case "command":
      case "search":
        return this.promptKey(key);
      case "normal":
        return this.normalKey(key);
    }
  }

  private normalKey(key: string): void {
    this.message = null;
    const pane = this.focusPane && this.pane === "logs";
    switch (key) {
      case "q":
      case "ctrl-c":
        return this.finish(0);
      case "?":
        this.mode = "help";
        return;
      case "down":
      case "j":
        return pane ? this.scrollLog(1) : this.move(1);
      case "up":
      case "k":
        return pane ? this.scrollLog(-1) : this.move(-1);
      case "g":
      case "home":
        return pane ? void (this.logTop = 0) : this.move(-Infinity);
      case "G":
      case "end":
        return pane ? void (this.logTop = null) : this.move(Infinity);
      case "pageup":
        return this.pane === "details" ? this.scrollDetails(-this.detailsBody) : this.scrollLog(-this.logBody);
      case "pagedown":
        return this.pane === "details" ? this.scrollDetails(this.detailsBody) : this.scrollLog(this.logBody);
      case "tab":
        this.focusPane = !this.focusPane;
        return;
      case "enter":
      case "d":
        this.pane = this.pane === "details" ? "logs" : "details";
        this.detailsTop = 0;
        if (this.pane === "logs") this.openLog();
        return;
      case "escape":
        if (this.pane !== "logs") {
          if (this.output?.exitCode === null) return this.output.cancel();
          this.pane = "logs";
          this.openLog();
        } else this.search = null;
        return;
      case "l":
        this.logAll = !this.logAll;
        this.pane = "logs";
        return this.openLog();
      case "f": {
        const order: (StreamName | null)[] = [null, "stdout", "stderr"];
        const next = order[(order.indexOf(this.feed.streamFilter) + 1) % order.length]!;
        const target = this.feed.current;
        if (target) this.feed.open(target, next);
        this.logTop = null;
        return;
      }
      case "/":
        this.mode = "search";
        this.prompt.reset(this.search ?? "");
        return;
      case "n":
      case "N":
        return this.findNext(key === "n" ? -1 : 1);
      case ":":
        this.mode = "command";
        this.prompt.reset("", this.history);
        return;
      case "s":
      case "x":
      case "r":
        return this.act(key === "s" ? "start" : key === "x" ? "stop" : "restart");
      case "K":
        if (this.selectedRecord()) this.mode = "confirm-kill";
        return;
      case "a":
        return void this.attach();
      case "p":
        return void this.pager();
      case "S":
        return void this.startSupervisor();
      case "ctrl-l":
        return this.screen.invalidate();
    }
  }

  private promptKey(key: string): void {
    const outcome = this.prompt.key(key);
    if (outcome === "cancel") {
      this.mode = "normal";
      return;
    }
    if (outcome !== "submit") return;
    const text = this.prompt.text.trim();
    if (this.mode === "search") {
      this.mode = "normal";
      this.search = text === "" ? null : text;
      if (this.search) this.findNext(-1);
      return;
    }
    this.mode = "normal";
    if (text === "") return;
    if (this.history.at(-1) !== text) this.history.push(text);
    this.command(text);
  }

  private move(by: number): void {
    const keys = this.processKeys();
    if (keys.length === 0) return;
    const at = Math.max(0, keys.indexOf(this.selected ?? ""));
    const next = by === Infinity ? keys.length - 1 : by === -Infinity ? 0 : Math.max(0, Math.min(keys.length - 1, at + by));
    this.select(keys[next]!);
  }

  private scrollDetails(by: number): void {
    this.detailsTop = Math.max(0, this.detailsTop + by);
  }

  private scrollLog(by: number): void {
    const maxTop = Math.max(0, this.feed.lines.length - this.logBody);
    const top = (this.logTop ?? maxTop) + by;
    this.logTop = top >= maxTop ? null : Math.max(0, top);
  }

  /** Scrolls to the next match above (-1) or below (+1) the top line of the pane. */
  private findNext(direction: -1 | 1): void {
    if (!this.search) return;
    const lines = this.feed.lines;
    const needle = this.search.toLowerCase();
    const from = this.logTop ?? Math.max(0, lines.length - 1);
    for (let i = from + direction; i >= 0 && i < lines.length; i += direction) {
      if (lines[i]!.text.toLowerCase().includes(needle)) {
        this.logTop = i;
        return;
      }
    }
    this.say(`no ${direction < 0 ? "earlier" : "later"} line with "${this.search}"`, true);
  }

  private say(text: string, error = false): void {
    this.message = { text, error };
    this.schedule();
  }

  // ── doing ───────────────────────────────────────────────────────────────────────────────

  /** The keys' actions, through the client like any front end's. */
  private act(action: "start" | "stop" | "restart" | "kill"): void {
    const r = this.selectedRecord();
    if (!r) return this.say("no process selected", true);
    const name = r.spec.name;
    if (action === "start" && !isSettled(r.status.state)) return this.say(`${name} is ${r.status.state}; r restarts it`);
    const work =
      action === "start" || action === "restart"
        ? this.client.restart(name).then((rec) => `${action === "start" ? "started" : "restarted"} ${name} (pid ${rec.status.pid ?? "-"})`)
        : this.client.kill([name], { keep: action === "stop" }).then(() => `${action === "stop" ? "stopped" : "killed"} ${name}`);
    this.say(`${{ start: "starting", stop: "stopping", restart: "restarting", kill: "killing" }[action]} ${name}…`);
    work.then(
      (text) => this.say(text),
      (error: Error) => this.say(`${action} ${name}: ${error.message}`, true),
    );
  }

  /** `:` commands: tend's own command table, run as `tend ARGS`, its output in the pane. */
  private command(text: string): void {
    const words = splitWords(text);
    if (!Array.isArray(words)) return this.say(`: ${words.error}`, true);
    const argv = words[0] === "tend" ? words.slice(1) : words;
    if (argv.length === 0) return;
    if (argv[0] === "ui") return this.say("you are in tend ui already", true);
    if (argv[0] === "attach" && argv.length === 2 && !argv[1]!.startsWith("-")) return void this.attach(argv[1]);
    if (argv[0] === "start" && !argv.some((a) => a === "-d" || a === "--detach")) {
      return void this.handOver(async () => {
        await this.spawnInTerminal(argv);
      }, "tend start ended");
    }
    this.output?.cancel();
    const run = runCommand(argv, () => this.schedule());
    this.output = run;
    this.pane = "output";
    this.say(`running tend ${argv.join(" ")}…`);
    void run.done.then((code) => {
      if (this.output !== run) return;
      const said = run.lines.filter((l) => l.text.trim() !== "");
      if (code === 0) {
        // A one-line answer (restarted web) is the message; a longer one (ps) stands in its pane.
        this.say(said.length === 1 ? said[0]!.text.trim() : `tend ${argv[0]}: done`);
      } else {
        const last = [...said].reverse().find((l) => l.error);
        this.say(last ? last.text.trim() : `tend ${argv[0]} exited with code ${code}`, true);
      }
    });
  }

  /** Lends the terminal to something else (an attach, a pager), then takes it back and redraws. */
  private async handOver(use: () => Promise<void>, after: string | null): Promise<void> {
    this.handedOver = true;
    process.stdin.off("data", this.onInput);
    this.term.leave();
    try {
      await use();
      if (after) this.message = { text: after, error: false };
    } catch (error) {
      this.message = { text: (error as Error).message, error: true };
    } finally {
      this.term.enter();
      process.stdin.on("data", this.onInput);
      process.stdin.resume();
      this.handedOver = false;
      this.screen.invalidate();
      this.draw();
    }
  }

  private async spawnInTerminal(cmd: string[], viaShell = false): Promise<number> {
    const child = Bun.spawn({ cmd: viaShell ? cmd : [...selfCommand(), ...cmd], stdio: ["inherit", "inherit", "inherit"] });
    return child.exited;
  }

  private async attach(name = this.selectedRecord()?.spec.name): Promise<void> {
    if (!name) return this.say("no process selected", true);
    let target;
    try {
      target = await this.client.attach(name);
    } catch (error) {
      return this.say((error as Error).message, true);
    }
    if (target.kind === "ended") return this.say(`${name} has ended: nothing to attach to (its log is below)`, true);
    const live = target;
    await this.handOver(async () => {
      process.stdout.write(`\x1b[2J\x1b[H`);
      await runAttach({ open: live.open, record: live.record, detachByte: parseDetachKey(DEFAULT_DETACH_KEY), detachLabel: keyLabel(DEFAULT_DETACH_KEY) });
    }, `detached from ${name}`);
  }

  /** The whole log — `tend logs`, so rotated files too — in the user's pager. */
  private async pager(): Promise<void> {
    const r = this.selectedRecord();
    if (!this.logAll && !r) return this.say("no process selected", true);
    const pager = process.env.PAGER || "less";
    const args = this.logAll ? ["logs", "--all"] : ["logs", r!.spec.name];
    await this.handOver(async () => {
      // The pager reads its keys from the terminal; its input is the log.
      await this.spawnInTerminal(["sh", "-c", `"$@" | ${pager}`, "sh", ...selfCommand(), ...args], true);
    }, null);
  }

  private async startSupervisor(): Promise<void> {
    const sup = this.model.supervisor;
    if (sup?.kind === "running") return this.say("the supervisor is running");
    const last = this.model.lastInfo;
    this.say("starting the supervisor…");
    try {
      const info = await this.client.launch({
        dir: last?.dir ?? process.cwd(),
        name: last?.name ?? null,
        mode: last?.mode ?? "start",
        capacity: last?.capacity,
        spawnMode: last?.spawnMode,
      });
      this.say(`supervisor started (pid ${info.pid})`);
    } catch (error) {
      this.say((error as Error).message, true);
    }
  }
}

function pad(rows: string[], height: number, cols: number): string[] {
  const out = rows.slice(0, height);
  while (out.length < height) out.push(fit("", cols));
  return out;
}

/** Runs the UI until the user quits; restores the terminal whatever ends it. */
export async function runUi(): Promise<number> {
  const term = new FullScreen();
  const app = new App(tendClient(), term);
  const crash = (error: unknown) => {
    term.leave();
    process.stderr.write(`tend ui: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  };
  const leave = (signal: NodeJS.Signals) => {
    // The terminal's Ctrl-C or Ctrl-\ while it is lent out goes to what has it (which detaches).
    if (app.handedOver && (signal === "SIGINT" || signal === "SIGQUIT")) return;
    term.leave();
    process.exit(0);
  };
  process.on("uncaughtException", crash);
  process.on("unhandledRejection", crash);
  for (const s of ["SIGTERM", "SIGHUP", "SIGINT", "SIGQUIT"] as const) process.on(s, leave);
  return app.run();
}
