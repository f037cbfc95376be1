// Whole RDB files: "REDIS0010", AUX fields, per database SELECTDB + RESIZEDB + entries (with
// EXPIRETIME_MS), EOF and the CRC64 trailer. The encoder produces the file in pieces so a
// snapshot can stream it; the loader checks everything and names the offset of any corruption.

import { Crc64 } from './crc64.js';
import { OP, RDB_MAX_READ_VERSION, RDB_VERSION, RdbError, RdbReader, RdbWriter, T } from './format.js';
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

/** An RDB file parsed a slice at a time (loading at start, while clients get -LOADING). */
export class RdbLoader {
  readonly version: number;
  /** Where the RDB data stopped, once step() has returned true. */
  end = -1;
  private readonly r: RdbReader;
  private db = 0;
  private expire = -1;
  private idle = -1;
  private freq = -1;
  /** The checksum runs along with the parse, a slice at a time, up to `crcPos`. */
  private readonly crc = new Crc64();
  private crcPos = 0;

  /** Checks the header now: throws RdbError for a file that is not RDB at all. */
  constructor(private readonly buf: Buffer, private readonly sink: RdbSink, private readonly verifyChecksum = true) {
    const r = (this.r = new RdbReader(buf));
    if (buf.length < 9 || buf.latin1Slice(0, 5) !== 'REDIS') r.fail('not an RDB file (wrong signature)');
    const verText = buf.latin1Slice(5, 9);
    const version = Number(verText);
    if (!/^\d{4}$/.test(verText) || version < 1 || version > RDB_MAX_READ_VERSION) r.fail(`can't handle RDB format version ${verText}`);
    this.version = version;
    r.pos = 9;
  }

  /** Bytes parsed so far. */
  get pos(): number {
    return this.r.pos;
  }

  /** Parse until `deadline` (performance.now() ms); true once the whole file is done. */
  step(deadline: number): boolean {
    const { r, buf, sink } = this;
    let n = 0;
    for (;;) {
      if ((++n & 255) === 0 && performance.now() >= deadline) {
        if (this.verifyChecksum) this.checksumTo(r.pos);
        return false;
      }
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
            const stored = buf.readBigUInt64LE(end);
            if (this.verifyChecksum && stored !== 0n) {
              this.checksumTo(end);
              if (this.crc.value() !== stored) throw new RdbError('wrong RDB checksum', end);
            }
            r.pos += 8;
          }
          this.end = r.pos;
          return true;
        }
        default: {
          const key = r.string();
          const value = readValue(r, type);
          sink.entry(this.db, key, value, this.expire, this.idle, this.freq);
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
