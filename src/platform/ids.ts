/**
 * The identifiers tend makes: random ones (temp files, run markers) and ones derived from a
 * path (socket names, home ids). Made with the runtime's own crypto, which costs nothing to
 * load, where node:crypto took about 2 ms of the start of every tend process.
 */

/** `bytes` random bytes, as lowercase hex. */
export function randomHex(bytes: number): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("hex");
}

/** The SHA-256 of `text`, as lowercase hex: the same as node:crypto's, so ids stay stable. */
export function sha256Hex(text: string): string {
  return new Bun.CryptoHasher("sha256").update(text).digest("hex");
}
