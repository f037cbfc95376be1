// An RDB parsed as it arrives from the primary's socket (repl-diskless-load swapdb and
// on-empty-db): each record is stored as soon as its last byte is in, so the transfer never sits
// whole in memory. A record cut short by a chunk boundary is retried when more bytes came; a
// large value is retried only after the bytes pending doubled, so it costs linear work.

import { Crc64 } from '../persistence/rdb/crc64.js';
import { rdbVersion, readRecord, type RdbCursor, type RdbSink } from '../persistence/rdb/file.js';
import { RdbError, RdbReader } from '../persistence/rdb/format.js';

const EMPTY = Buffer.alloc(0);

function cutShort(err: unknown): boolean {
  return err instanceof RdbError && err.message.startsWith('unexpected end of data');
}

export class RdbStreamLoader {
  private pending: Buffer[] = [];
  private pendingLen = 0;
  /** Parse again only once this many bytes are pending. */
  private retryAt = 0;
  /** Absolute offset of the first pending byte (error messages name file offsets). */
  private base = 0;
  private version = -1;
  private eofSeen = false;
  private readonly cur: RdbCursor = { db: 0, expire: -1 };
  private readonly crc = new Crc64();
  /** The checksum was read (and verified): the RDB is complete. */
  done = false;

  constructor(private readonly sink: RdbSink) {}

  /** Take the next bytes of the RDB; throws on corrupt data or bytes past its end. */
  feed(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.done) throw new Error('data after the end of the RDB');
    this.pending.push(chunk);
    this.pendingLen += chunk.length;
    if (this.pendingLen >= this.retryAt) this.parse();
  }

  /** The payload ended (its length or end mark reached): the RDB must be complete. */
  finish(): void {
    if (!this.done && this.pendingLen > 0) this.parse();
    if (!this.done) throw new Error(`the RDB ended early (${this.pendingLen} bytes not parsed)`);
  }

  private parse(): void {
    const buf = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingLen);
    const r = new RdbReader(buf, this.base);
    let used = 0;
    try {
      if (this.version < 0) {
        if (buf.length < 9) {
          this.keep(buf, 0);
          return;
        }
        this.version = rdbVersion(r);
        used = r.pos = 9;
      }
      while (!this.eofSeen) {
        this.eofSeen = readRecord(r, this.cur, this.sink);
        used = r.pos;
      }
    } catch (err) {
      if (!cutShort(err)) throw err;
    }
    this.crc.update(buf, 0, used);
    if (this.eofSeen) {
      const trailer = this.version >= 5 ? 8 : 0;
      if (buf.length - used >= trailer) {
        const stored = trailer === 0 ? 0n : buf.readBigUInt64LE(used);
        if (stored !== 0n && stored !== this.crc.value()) throw new RdbError('wrong RDB checksum', this.base + used);
        if (used + trailer !== buf.length) throw new Error('data after the end of the RDB');
        this.done = true;
        this.keep(EMPTY, 0);
        return;
      }
    }
    this.keep(buf.subarray(used), used);
  }

  private keep(rest: Buffer, used: number): void {
    this.base += used;
    this.pending = rest.length === 0 ? [] : [rest];
    this.pendingLen = rest.length;
    this.retryAt = rest.length * 2;
  }
}
