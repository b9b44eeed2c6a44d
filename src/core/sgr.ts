/** Text without its SGR escapes (colours, bold, reverse video): what a plain reader sees. */
export function stripSgr(text: string): string {
  return text.replace(/\x1b\[[0-9;]*m/g, "");
}
