/** GitHub Actions workflow commands, used only when running under it. */
export const onGitHubActions = (): boolean => process.env.GITHUB_ACTIONS === "true";

function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

export function annotateError(message: string): void {
  if (onGitHubActions()) process.stdout.write(`::error title=tend::${escapeData(message)}\n`);
}

export function group(title: string): void {
  process.stdout.write(`::group::${escapeData(title)}\n`);
}

export function endGroup(): void {
  process.stdout.write("::endgroup::\n");
}
