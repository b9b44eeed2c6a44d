import { readFileSync } from "node:fs";
import { parseEnvFile } from "../core/dotenv";
import { UsageError } from "../core/errors";

/** The variables of a dotenv file; a missing file is an error unless `optional` (a project's .env). */
export function readEnvFile(file: string, { optional = false } = {}): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && optional) return {};
    throw new UsageError(`${file}: ${code === "ENOENT" ? "no such file" : (error as Error).message}`);
  }
  return parseEnvFile(text, file);
}
