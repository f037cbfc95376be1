// Whole RDB files: "REDIS0010", AUX fields, per database SELECTDB + RESIZEDB + entries (with
// EXPIRETIME_MS), EOF and the CRC64 trailer. The encoder produces the file in pieces so a
// snapshot can stream it; the loader checks everything and names the offset of any corruption.

import { Crc64 } from './crc64.js';
import { CRC_MISMATCH, OP, RDB_MAX_READ_VERSION, RDB_VERSION, RdbError, RdbReader, RdbWriter, T } from './format.js';
import { readValue, valueType, writeBody, type PlainValue } from './values.js';

/**
 * Function libraries travel in RDB files as their source code (FUNCTION2 records after the AUX
 * fields). Scripting installs these: the sources to save, and how to load one.
 */
export const rdbFunctions = {
  dump: (): string[] => [],
  load: (code: string): void => {
    throw new Error(`cannot load the function library ${JSON.stringify(code.slice(0, 40))}`);
  },
  /** Drop every library (DEBUG RELOAD empties them with the data, as Redis's emptyData). */
  flush: (): void => {},
  /** Whether a library in the file replaces ours of the same name; false makes that an error. */
  replace: true,
};

export class RdbFileEncoder {
  readonly w: RdbWriter;

  constructor(compress: boolean) {
    this.w = new RdbWriter(64 * 1024, compress);
  }

  header(aux: [string, string][]): void {
    this.w.latin1(`REDIS${String(RDB_VERSION).padStart(4, '0')}`);
    for (const [k, v] of aux) {
      this.w.byte(OP.AUX);
      this.w.string(k);
      this.w.string(v);
    }
    for (const code of rdbFunctions.dump()) {
      this.w.byte(OP.FUNCTION2);
      this.w.string(code);
    }
  }

  selectDb(id: number, keys: number, expires: number): void {
    this.w.byte(OP.SELECTDB);
    this.w.length(id);
    this.w.byte(OP.RESIZEDB);
    this.w.length(keys);
    this.w.length(expires);
  }

  entry(key: string, value: PlainValue, expireMs: number): void {
    if (expireMs >= 0) {
      this.w.byte(OP.EXPIRETIME_MS);
      this.w.millis(expireMs);
    }
    this.w.byte(valueType(value));
    this.w.string(key);
    writeBody(this.w, value);
  }

  stringEntry(key: string, value: string, expireMs: number): void {
    if (expireMs >= 0) {
      this.w.byte(OP.EXPIRETIME_MS);
      this.w.millis(expireMs);
    }
    this.w.byte(T.STRING);
    this.w.string(key);
    this.w.string(value);
  }

  raw(bytes: Buffer): void {
    this.w.bytes(bytes);
  }

  /** Bytes encoded and not taken yet. */
  get pending(): number {
    return this.w.len;
  }

  /** Bytes produced since the last call (the caller checksums and writes them). */
  take(): Buffer {
    return this.w.take();
  }

  eof(): void {
    this.w.byte(OP.EOF);
  }
}

export interface RdbSink {
  aux(key: string, value: string): void;
  /** `idleSec` and `freq` come from IDLE/FREQ opcodes (Redis writes them under LRU/LFU policies), else -1. */
  entry(db: number, key: string, value: PlainValue, expireMs: number, idleSec: number, freq: number): void;
  /** entry() for a plain string, when the sink takes them without a PlainValue (loading millions of keys). */
  stringEntry?(db: number, key: string, value: string, expireMs: number, idleSec: number, freq: number): void;
  resizeDb?(db: number, keys: number, expires: number): void;
  /** Called for a FUNCTION2 payload (library source); throw to refuse the file. */
  func?(code: string): void;
}

/**
 * Parse a complete RDB file, calling sink for everything in it. Throws RdbError on corruption.
 * `end` is where the RDB data stops (an old-style AOF continues with commands after it).
 */
export function loadRdb(buf: Buffer, sink: RdbSink, verifyChecksum = true): { version: number; end: number } {
  const l = new RdbLoader(buf, sink, verifyChecksum);
  l.step(Infinity);
  return { version: l.version, end: l.end };
}

const EMPTY = Buffer.alloc(0);

/**
 * An RDB parsed a slice at a time: a whole file (loading at start, while clients get -LOADING),
 * or a stream given by feed() as it arrives (a replica's disk-less load), each record handled once
 * its last byte is in. Every read of a record comes before its effect, so a record cut short by a
 * chunk's end leaves nothing changed and is read again from its start once more bytes came; a
 * large value is retried only after the bytes pending doubled, which keeps that linear.
 */
export class RdbLoader {
  /** From the header (a stream's once its first 9 bytes are in). */
  version = -1;
  /** sanitize-dump-payload's deep integrity check of compact encodings (see compact.ts). */
  deep = false;
  /** Where the RDB data stopped, once step() has returned true (or a stream is complete). */
  end = -1;
  private buf: Buffer;
  private r: RdbReader;
  private db = 0;
  private expire = -1;
  private idle = -1;
  private freq = -1;
  /** The checksum runs along with the parse, a slice at a time, up to `crcPos`. */
  private readonly crc = new Crc64();
  private crcPos = 0;
  /** Where the record being read starts: a stream cut short in it goes on from there. */
  private recordStart = 0;
  /** A stream's bytes not parsed yet (null for a whole file). */
  private pending: Buffer[] | null = null;
  private pendingLen = 0;
  /** Parse again only once this many bytes are pending. */
  private retryAt = 0;

  /**
   * A whole file, whose header is checked now (throws RdbError for a file that is not RDB at
   * all), or with `buf` null a stream fed later.
   */
  constructor(buf: Buffer | null, private readonly sink: RdbSink, private readonly verifyChecksum = true) {
    this.buf = buf ?? EMPTY;
    this.r = new RdbReader(this.buf);
    if (buf === null) this.pending = [];
    else this.header();
  }

  private header(): void {
    const { r, buf } = this;
    if (buf.length < 9 || buf.latin1Slice(0, 5) !== 'REDIS') r.fail('not an RDB file (wrong signature)');
    const verText = buf.latin1Slice(5, 9);
    const version = Number(verText);
    if (!/^\d{4}$/.test(verText) || version < 1 || version > RDB_MAX_READ_VERSION) r.fail(`can't handle RDB format version ${verText}`);
    this.version = version;
    r.pos = 9;
  }

  /** Bytes parsed so far. */
  get pos(): number {
    return this.r.base + this.r.pos;
  }

  /** A stream's next bytes; throws on corrupt data or bytes past the RDB's end. */
  feed(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.end >= 0) throw new Error('data after the end of the RDB');
    this.pending!.push(chunk);
    this.pendingLen += chunk.length;
    if (this.pendingLen >= this.retryAt) this.parseStream();
  }

  /** A stream's payload ended: the RDB must be complete. */
  finish(): void {
    if (this.end < 0 && this.pendingLen > 0) this.parseStream();
    if (this.end < 0) throw new Error(`the RDB ended early (${this.pendingLen} bytes not parsed)`);
  }

  /** Parse the pending bytes as far as they go; keep the record cut short, if any. */
  private parseStream(): void {
    const pending = this.pending!;
    const buf = pending.length === 1 ? pending[0] : Buffer.concat(pending, this.pendingLen);
    const r = (this.r = new RdbReader(buf, this.r.base + this.r.pos));
    this.buf = buf;
    this.crcPos = 0;
    this.recordStart = 0;
    try {
      if (this.version < 0) {
        if (buf.length < 9) {
          this.keep(0);
          return;
        }
        this.header();
      }
      if (this.step(Infinity)) {
        if (r.pos !== buf.length) throw new Error('data after the end of the RDB');
        this.keep(buf.length);
        return;
      }
    } catch (err) {
      if (!(err instanceof RdbError && err.message.startsWith('unexpected end of data'))) throw err;
      r.pos = this.recordStart;
    }
    if (this.verifyChecksum) this.checksumTo(r.pos);
    this.keep(r.pos);
  }

  /** Drop the first `used` pending bytes (parsed); wait for twice the rest before parsing again. */
  private keep(used: number): void {
    const rest = this.buf.subarray(used);
    this.r = new RdbReader(EMPTY, this.r.base + used);
    this.buf = EMPTY;
    this.pending = rest.length === 0 ? [] : [rest];
    this.pendingLen = rest.length;
    this.retryAt = rest.length * 2;
  }

  /** Parse until `deadline` (performance.now() ms); true once the whole RDB is done. */
  step(deadline: number): boolean {
    const { r, sink } = this;
    let n = 0;
    for (;;) {
      if ((++n & 255) === 0 && performance.now() >= deadline) {
        if (this.verifyChecksum) this.checksumTo(r.pos);
        return false;
      }
      this.recordStart = r.pos;
      const type = r.byte();
      switch (type) {
        case OP.EXPIRETIME_MS:
          this.expire = r.millis();
          continue;
        case OP.EXPIRETIME:
          this.expire = r.seconds();
          continue;
        case OP.FREQ:
          this.freq = r.byte();
          continue;
        case OP.IDLE:
          this.idle = r.length();
          continue;
        case OP.SELECTDB:
          this.db = r.length();
          continue;
        case OP.RESIZEDB: {
          const keys = r.length();
          const expires = r.length();
          sink.resizeDb?.(this.db, keys, expires);
          continue;
        }
        case OP.AUX: {
          const k = r.string();
          const v = r.string();
          sink.aux(k, v);
          continue;
        }
        case OP.MODULE_AUX:
          r.fail('module data cannot be loaded (Shoal has no modules)');
          break;
        case OP.FUNCTION:
          r.fail('pre-GA function format is not supported');
          break;
        case OP.FUNCTION2: {
          const code = r.string();
          if (sink.func) sink.func(code);
          else rdbFunctions.load(code);
          continue;
        }
        case OP.EOF: {
          const end = r.pos;
          if (this.version >= 5) {
            r.need(8);
            const stored = r.buf.readBigUInt64LE(end);
            if (this.verifyChecksum && stored !== 0n) {
              this.checksumTo(end);
              if (this.crc.value() !== stored) throw new RdbError(CRC_MISMATCH, r.base + end);
            }
            r.pos += 8;
          }
          this.end = r.base + r.pos;
          return true;
        }
        default: {
          const key = r.string();
          if (type === T.STRING && sink.stringEntry !== undefined) sink.stringEntry(this.db, key, r.string(), this.expire, this.idle, this.freq);
          else sink.entry(this.db, key, readValue(r, type, this.deep), this.expire, this.idle, this.freq);
          this.expire = -1;
          this.idle = -1;
          this.freq = -1;
        }
      }
    }
  }

  private checksumTo(pos: number): void {
    this.crc.update(this.buf, this.crcPos, pos);
    this.crcPos = pos;
  }
}
