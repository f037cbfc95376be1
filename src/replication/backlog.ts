// The replication backlog: a fixed-size ring buffer holding the newest bytes of the replication
// stream, addressed by absolute stream offsets, so a reconnecting replica can resume (PSYNC).
//
// Offsets follow Redis: `offset` is master_repl_offset, the total number of stream bytes ever
// produced; the byte at absolute offset N (1-based) is the N-th byte of the stream. The backlog
// holds bytes firstByteOffset .. offset (histlen of them).

export class Backlog {
  private buf: Buffer;
  /** Write position in buf. */
  private idx = 0;
  /** Bytes of history held (<= size). */
  histlen = 0;
  /** master_repl_offset: total stream bytes so far. */
  offset: number;

  constructor(size: number, startOffset = 0) {
    this.buf = Buffer.alloc(Math.max(1, size));
    this.offset = startOffset;
  }

  get size(): number {
    return this.buf.length;
  }

  /** Absolute offset of the oldest byte held (Redis's repl_backlog_first_byte_offset). */
  get firstByteOffset(): number {
    return this.offset - this.histlen + 1;
  }

  append(data: Uint8Array): void {
    this.offset += data.length;
    const size = this.buf.length;
    let src = data;
    if (src.length > size) src = src.subarray(src.length - size);
    const first = Math.min(src.length, size - this.idx);
    this.buf.set(src.subarray(0, first), this.idx);
    if (first < src.length) this.buf.set(src.subarray(first), 0);
    this.idx = (this.idx + src.length) % size;
    this.histlen = Math.min(size, this.histlen + data.length);
  }

  /** Whether the stream from absolute offset `from` (the next byte a replica wants) is still held. */
  covers(from: number): boolean {
    return this.histlen > 0 ? from >= this.firstByteOffset && from <= this.offset + 1 : from === this.offset + 1;
  }

  /** The bytes from absolute offset `from` to the end; call only when covers(from). */
  readFrom(from: number): Buffer {
    const n = this.offset + 1 - from;
    const out = Buffer.allocUnsafe(n);
    if (n === 0) return out;
    const size = this.buf.length;
    const start = (this.idx - n + size) % size;
    const first = Math.min(n, size - start);
    this.buf.copy(out, 0, start, start + first);
    if (first < n) this.buf.copy(out, first, 0, n - first);
    return out;
  }

  /** Change the capacity, keeping as much of the newest history as fits. */
  resize(size: number): void {
    size = Math.max(1, size);
    const keep = Math.min(this.histlen, size);
    const data = this.readFrom(this.offset + 1 - keep);
    this.buf = Buffer.alloc(size);
    this.buf.set(data, 0);
    this.idx = keep % size;
    this.histlen = keep;
  }
}
