import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { TARGETS, archiveName, hostTarget, type Target } from "../../packaging/targets.mjs";
import { packArchive } from "../../scripts/archive";
import { VERSION } from "../../src/core/version";
import { requireBinary } from "./tend-cli";

/** Release folders as a release publishes them, served over HTTP on 127.0.0.1, for the installers' tests. */

export function sha256(data: string | Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(data).digest("hex");
}

export function targetOf(platform: string): Target {
  const target = TARGETS.find((t) => t.platform === platform);
  if (!target) throw new Error(`no release target ${platform}`);
  return target;
}

/** Writes a release folder `dir`; `sums` (default: the files' own) becomes its SHA256SUMS. */
export function writeRelease(dir: string, files: Record<string, string | Uint8Array>, sums: Record<string, string | Uint8Array> = files): void {
  mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(path.join(dir, file), content);
  const lines = Object.entries(sums).map(([file, content]) => `${sha256(content)}  ${file}\n`);
  writeFileSync(path.join(dir, "SHA256SUMS"), lines.join(""));
}

/**
 * The executable `binary` packed as the release archive of `platform`, as build-all packs it
 * but faster (gzip -1), in the folder `work`.
 */
export async function archiveOf(work: string, platform: string, binary: string): Promise<Uint8Array> {
  const archive = path.join(work, `pack-${platform}-${Math.random().toString(36).slice(2)}`);
  await packArchive(binary, targetOf(platform), archive, { mtime: new Date(0), level: 1 });
  return readFileSync(archive);
}

/** The name and bytes of dist/tend's archive for this machine, or null where tend has no build. */
export async function hostArchive(work: string): Promise<{ name: string; bytes: Uint8Array } | null> {
  const target = hostTarget();
  if (!target) return null;
  return { name: archiveName(VERSION, target), bytes: await archiveOf(work, target.platform, requireBinary()) };
}

export interface FileServer {
  /** Ends with a slash: `${url}releases/x/SHA256SUMS`. */
  url: string;
  /** Every request so far: its path and User-Agent. */
  requests: { path: string; agent: string }[];
  stop(): Promise<void>;
}

/** Serves the files under `root` on 127.0.0.1, on a port the system picks. */
export function serveFiles(root: string): FileServer {
  const requests: FileServer["requests"] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const pathname = decodeURIComponent(new URL(req.url).pathname);
      requests.push({ path: pathname, agent: req.headers.get("user-agent") ?? "" });
      const file = Bun.file(path.join(root, pathname));
      return (await file.exists()) ? new Response(file) : new Response("not found\n", { status: 404 });
    },
  });
  return { url: server.url.href, requests, stop: () => server.stop(true) };
}
