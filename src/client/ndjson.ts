const LF = 0x0a;

/**
 * Cuts a byte stream into its non-empty lines (blank ones are keep-alives). A record that spans
 * many reads is gathered as bytes and decoded once it is whole: linear in its size.
 */
export class NdjsonSplitter {
  private pending: Uint8Array[] = [];

  push(chunk: Uint8Array): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(LF); nl !== -1; nl = chunk.indexOf(LF, start)) {
      const tail = chunk.subarray(start, nl);
      const whole = this.pending.length > 0 ? Buffer.concat([...this.pending, tail]) : tail;
      this.pending = [];
      if (whole.length > 0) lines.push(Buffer.from(whole.buffer, whole.byteOffset, whole.byteLength).toString("utf8"));
      start = nl + 1;
    }
    if (start < chunk.length) this.pending.push(chunk.slice(start));
    return lines;
  }
}
