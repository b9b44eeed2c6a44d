import { requireBinary, ROOT } from "./tend-cli";

/** The compiled binary running in a real pseudo-terminal, as a user at a terminal runs it. */
export interface PtyRun {
  /** Everything written to the terminal so far (stdout and stderr, as a terminal shows them). */
  output(): string;
  /** Types into the terminal. */
  type(text: string): void;
  resize(cols: number, rows: number): void;
  /** Resolves once `pattern` appears in the output after position `from`; returns where it ends. */
  waitFor(pattern: string | RegExp, from?: number, timeoutMs?: number): Promise<number>;
  /** Exit code, once the program exited and its last output arrived. */
  exited: Promise<number>;
}

/** Where the first match of `pattern` ends in `text`, or -1. */
function endOf(text: string, pattern: string | RegExp): number {
  if (typeof pattern === "string") {
    const i = text.indexOf(pattern);
    return i === -1 ? -1 : i + pattern.length;
  }
  const m = pattern.exec(text);
  return m ? m.index + m[0].length : -1;
}

export function tendInPty(args: string[], env: Record<string, string>, size = { cols: 80, rows: 24 }): PtyRun {
  let text = "";
  const decoder = new TextDecoder();
  let eof!: () => void;
  const drained = new Promise<void>((resolve) => (eof = resolve));
  const proc = Bun.spawn({
    cmd: [requireBinary(), ...args],
    env,
    cwd: ROOT,
    terminal: {
      ...size,
      data: (_t, data) => {
        text += decoder.decode(data, { stream: true });
      },
      exit: () => eof(),
    },
  });
  const terminal = proc.terminal!;
  const exited = proc.exited.then(async (code) => {
    await Promise.race([drained, Bun.sleep(500)]);
    terminal.close();
    return code;
  });
  return {
    output: () => text,
    type: (s) => terminal.write(s),
    resize: (cols, rows) => terminal.resize(cols, rows),
    async waitFor(pattern, from = 0, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const end = endOf(text.slice(from), pattern);
        if (end !== -1) return from + end;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} in terminal output:\n${JSON.stringify(text.slice(from))}`);
        await Bun.sleep(20);
      }
    },
    exited,
  };
}
