function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

export function markdownTable(headers: string[], rows: string[][]): string {
  const lines = [`| ${headers.map(cell).join(" | ")} |`, `|${headers.map(() => " --- ").join("|")}|`];
  for (const row of rows) lines.push(`| ${row.map(cell).join(" | ")} |`);
  return `${lines.join("\n")}\n`;
}
