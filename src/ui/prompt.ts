import { fit, inverse, width } from "./text";

/**
 * A one-line editor for the `:` command line and the `/` search: typing, Backspace, ←/→,
 * Home/End, Ctrl-U, Ctrl-W, and with a history ↑/↓.
 */
export class Prompt {
  text = "";
  private cursor = 0;
  private history: string[] = [];
  private at = 0;
  private draft = "";

  reset(text: string, history: string[] = []): void {
    this.text = text;
    this.cursor = text.length;
    this.history = history;
    this.at = history.length;
    this.draft = text;
  }

  key(key: string): "submit" | "cancel" | null {
    switch (key) {
      case "enter":
        return "submit";
      case "escape":
      case "ctrl-c":
        return "cancel";
      case "backspace":
        if (this.cursor > 0) this.edit(this.text.slice(0, this.cursor - 1) + this.text.slice(this.cursor), this.cursor - 1);
        else if (this.text === "") return "cancel";
        return null;
      case "delete":
        this.edit(this.text.slice(0, this.cursor) + this.text.slice(this.cursor + 1), this.cursor);
        return null;
      case "left":
        this.cursor = Math.max(0, this.cursor - 1);
        return null;
      case "right":
        this.cursor = Math.min(this.text.length, this.cursor + 1);
        return null;
      case "home":
        this.cursor = 0;
        return null;
      case "end":
        this.cursor = this.text.length;
        return null;
      case "ctrl-u":
        this.edit(this.text.slice(this.cursor), 0);
        return null;
      case "ctrl-w": {
        const before = this.text.slice(0, this.cursor).replace(/\S*\s*$/, "");
        this.edit(before + this.text.slice(this.cursor), before.length);
        return null;
      }
      case "up":
      case "down":
        this.recall(key === "up" ? -1 : 1);
        return null;
    }
    if ([...key].length === 1) this.edit(this.text.slice(0, this.cursor) + key + this.text.slice(this.cursor), this.cursor + key.length);
    return null;
  }

  /** The line with a block cursor, its end kept in view when it is longer than the screen. */
  render(lead: string, cols: number): string {
    const before = lead + this.text.slice(0, this.cursor);
    const under = this.text[this.cursor] ?? " ";
    const after = this.text.slice(this.cursor + 1);
    const overflow = Math.max(0, width(before) + 1 - (cols - 1));
    return fit(before.slice(overflow) + inverse(under) + after, cols);
  }

  private edit(text: string, cursor: number): void {
    this.text = text;
    this.cursor = cursor;
    this.at = this.history.length;
  }

  private recall(by: -1 | 1): void {
    if (this.history.length === 0) return;
    if (this.at === this.history.length) this.draft = this.text;
    this.at = Math.max(0, Math.min(this.history.length, this.at + by));
    this.text = this.at === this.history.length ? this.draft : this.history[this.at]!;
    this.cursor = this.text.length;
  }
}
