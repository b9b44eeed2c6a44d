/** GitHub Actions workflow commands, used only when running under it. */
export const onGitHubActions = (): boolean => process.env.GITHUB_ACTIONS === "true";

function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/**
 * On stderr: the runner reads workflow commands from both streams, and stdout may be a
 * document a script parses (`tend bg --json | jq`).
 */
export function annotateError(message: string): void {
  if (onGitHubActions()) process.stderr.write(`::error title=tend::${escapeData(message)}\n`);
}

/** The line that opens a fold; written to the stream of what it folds. */
export function groupLine(title: string): string {
  return `::group::${escapeData(title)}\n`;
}

export const END_GROUP_LINE = "::endgroup::\n";
