/** What the terminal sends for a key, as the names the UI's bindings use. */

const SEQUENCES: Record<string, string> = {
  "\x1b[A": "up",
  "\x1b[B": "down",
  "\x1b[C": "right",
  "\x1b[D": "left",
  "\x1bOA": "up",
  "\x1bOB": "down",
  "\x1bOC": "right",
  "\x1bOD": "left",
  "\x1b[H": "home",
  "\x1b[F": "end",
  "\x1bOH": "home",
  "\x1bOF": "end",
  "\x1b[1~": "home",
  "\x1b[4~": "end",
  "\x1b[3~": "delete",
  "\x1b[5~": "pageup",
  "\x1b[6~": "pagedown",
  "\x1b[Z": "shift-tab",
};

const CONTROLS: Record<number, string> = {
  0x03: "ctrl-c",
  0x04: "ctrl-d",
  0x09: "tab",
  0x0d: "enter",
  0x0a: "enter",
  0x15: "ctrl-u",
  0x17: "ctrl-w",
  0x0c: "ctrl-l",
  0x7f: "backspace",
  0x08: "backspace",
  0x1b: "escape",
};

// An escape sequence: CSI (ESC [ params final) or SS3 (ESC O final).
const ESCAPE = /^\x1b(?:\[[0-?]*[ -/]*[@-~]|O[@-~])/;

/**
 * The keys in one read from the terminal: printable characters as themselves, the rest by name
 * (`up`, `enter`, `ctrl-c`); sequences the UI has no use for are dropped. A lone ESC is Escape.
 */
export function parseKeys(input: string): string[] {
  const keys: string[] = [];
  for (let i = 0; i < input.length; ) {
    if (input[i] === "\x1b" && i + 1 < input.length) {
      const m = ESCAPE.exec(input.slice(i));
      if (m) {
        const name = SEQUENCES[m[0]];
        if (name) keys.push(name);
        i += m[0].length;
        continue;
      }
    }
    const code = input.codePointAt(i)!;
    const ch = String.fromCodePoint(code);
    const control = CONTROLS[code];
    if (control) keys.push(control);
    else if (code >= 0x20) keys.push(ch);
    i += ch.length;
  }
  return keys;
}
