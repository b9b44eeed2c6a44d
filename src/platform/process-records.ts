import { readdirSync, rmSync } from "node:fs";
import type { ProcessRecord } from "../core/process-status";
import { recordProblem } from "../core/record-schema";
import { readJsonFile } from "./atomic-file";
import { isLiveProcess } from "./live-processes";
import { isSameProcess } from "./proc-identity";
import { processFile, screenFile, type HomeLayout } from "./paths";

export interface StoredRecords {
  records: ProcessRecord[];
  /** Files that could not be read as records (not JSON, or fields of the wrong type), already set aside. */
  corrupt: Array<{ file: string; movedTo: string; error: string }>;
}

/** Every `processes/<name>.json`, sorted by name. Corrupt files are set aside and reported. */
export function readProcessRecords(paths: HomeLayout): StoredRecords {
  const out: StoredRecords = { records: [], corrupt: [] };
  let names: string[] = [];
  try {
    names = recordFiles(paths.processesDir);
  } catch {
    return out;
  }
  for (const file of names) {
    const read = readJsonFile<ProcessRecord>(`${paths.processesDir}/${file}`, (value) => recordProblem(value, file));
    if (read.kind === "ok") out.records.push(read.value);
    else if (read.kind === "corrupt") out.corrupt.push({ file, movedTo: read.movedTo, error: read.error });
  }
  return out;
}

/** `name.json` of processes of no project, and `project/name.json` one folder down, sorted. */
function recordFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith(".json")) files.push(entry.name);
    // Only real folders: a link planted here is never followed.
    else if (entry.isDirectory()) {
      for (const inner of readdirSync(`${dir}/${entry.name}`)) if (inner.endsWith(".json")) files.push(`${entry.name}/${inner}`);
    }
  }
  return files.sort();
}

export function removeProcessRecord(paths: HomeLayout, name: string): void {
  rmSync(processFile(paths, name), { force: true });
  rmSync(screenFile(paths, name), { force: true });
}

/** Whether the process a record names still runs: same pid and same start time. */
export function recordedProcessAlive(record: ProcessRecord): boolean {
  const { pid, pidStartTime } = record.status;
  if (pid === null || !isLiveProcess(pid)) return false;
  return pidStartTime === null || isSameProcess(pid, pidStartTime);
}
