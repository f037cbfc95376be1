// Whole RDB files: "REDIS0010", AUX fields, per database SELECTDB + RESIZEDB + entries (with
// EXPIRETIME_MS), EOF and the CRC64 trailer. The encoder produces the file in pieces so a
// snapshot can stream it; the loader checks everything and names the offset of any corruption.

import { Crc64 } from './crc64.js';
import { OP, RDB_MAX_READ_VERSION, RDB_VERSION, RdbError, RdbReader, RdbWriter } from './format.js';
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
  entry(db: number, key: string, value: PlainValue, expireMs: number): void;
  resizeDb?(db: number, keys: number, expires: number): void;
  /** Called for a FUNCTION2 payload (library source); throw to refuse the file. */
  func?(code: string): void;
}

/**
 * Parse a complete RDB file, calling sink for everything in it. Throws RdbError on corruption.
 * `end` is where the RDB data stops (an old-style AOF continues with commands after it).
 */
export function loadRdb(buf: Buffer, sink: RdbSink, verifyChecksum = true): { version: number; end: number } {
  const r = new RdbReader(buf);
  if (buf.length < 9 || buf.latin1Slice(0, 5) !== 'REDIS') r.fail('not an RDB file (wrong signature)');
  const verText = buf.latin1Slice(5, 9);
  const version = Number(verText);
  if (!/^\d{4}$/.test(verText) || version < 1 || version > RDB_MAX_READ_VERSION) r.fail(`can't handle RDB format version ${verText}`);
  r.pos = 9;
  let db = 0;
  let expire = -1;
  for (;;) {
    const type = r.byte();
    switch (type) {
      case OP.EXPIRETIME_MS:
        expire = r.millis();
        continue;
      case OP.EXPIRETIME:
        expire = r.seconds();
        continue;
      case OP.FREQ:
        r.byte();
        continue;
      case OP.IDLE:
        r.length();
        continue;
      case OP.SELECTDB:
        db = r.length();
        continue;
      case OP.RESIZEDB: {
        const keys = r.length();
        const expires = r.length();
        sink.resizeDb?.(db, keys, expires);
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
        if (version >= 5) {
          r.need(8);
          const stored = buf.readBigUInt64LE(end);
          if (verifyChecksum && stored !== 0n) {
            const actual = new Crc64().update(buf, 0, end).value();
            if (actual !== stored) throw new RdbError('wrong RDB checksum', end);
          }
          r.pos += 8;
        }
        return { version, end: r.pos };
      }
      default: {
        const key = r.string();
        const value = readValue(r, type);
        sink.entry(db, key, value, expire);
        expire = -1;
      }
    }
  }
}
