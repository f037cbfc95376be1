// Whole RDB files: "REDIS0010", AUX fields, per database SELECTDB + RESIZEDB + entries (with
// EXPIRETIME_MS), EOF and the CRC64 trailer. The encoder produces the file in pieces so a
// snapshot can stream it; the loader checks everything and names the offset of any corruption.

import { Crc64 } from './crc64.js';
import { OP, RDB_MAX_READ_VERSION, RDB_VERSION, RdbError, RdbReader, RdbWriter } from './format.js';
import { readValue, valueType, writeBody, type PlainValue } from './values.js';

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

/** Where a parse stands between records: the database selected, and an expire for the next key. */
export interface RdbCursor {
  db: number;
  expire: number;
}

/**
 * Read one record at r.pos (an opcode with its operands, or a key with its value), calling sink
 * only once the record is complete; true at the EOF opcode. A record cut short throws before
 * anything changes, so an incremental reader can retry it when more bytes have arrived.
 */
export function readRecord(r: RdbReader, cur: RdbCursor, sink: RdbSink): boolean {
  const type = r.byte();
  switch (type) {
    case OP.EXPIRETIME_MS:
      cur.expire = r.millis();
      return false;
    case OP.EXPIRETIME:
      cur.expire = r.seconds();
      return false;
    case OP.FREQ:
      r.byte();
      return false;
    case OP.IDLE:
      r.length();
      return false;
    case OP.SELECTDB:
      cur.db = r.length();
      return false;
    case OP.RESIZEDB: {
      const keys = r.length();
      const expires = r.length();
      sink.resizeDb?.(cur.db, keys, expires);
      return false;
    }
    case OP.AUX: {
      const k = r.string();
      const v = r.string();
      sink.aux(k, v);
      return false;
    }
    case OP.MODULE_AUX:
      r.fail('module data cannot be loaded (Shoal has no modules)');
      break;
    case OP.FUNCTION:
      r.fail('pre-GA function format is not supported');
      break;
    case OP.FUNCTION2: {
      const code = r.string();
      if (!sink.func) r.fail('the file contains functions, which Shoal cannot load yet');
      sink.func!(code);
      return false;
    }
    case OP.EOF:
      return true;
  }
  const key = r.string();
  const value = readValue(r, type);
  sink.entry(cur.db, key, value, cur.expire);
  cur.expire = -1;
  return false;
}

/** The RDB version from a file's 9-byte header; throws when it is not an RDB Shoal reads. */
export function rdbVersion(r: RdbReader): number {
  const buf = r.buf;
  if (buf.length < 9 || buf.latin1Slice(0, 5) !== 'REDIS') r.fail('not an RDB file (wrong signature)');
  const verText = buf.latin1Slice(5, 9);
  const version = Number(verText);
  if (!/^\d{4}$/.test(verText) || version < 1 || version > RDB_MAX_READ_VERSION) r.fail(`can't handle RDB format version ${verText}`);
  return version;
}

/**
 * Parse a complete RDB file, calling sink for everything in it. Throws RdbError on corruption.
 * `end` is where the RDB data stops (an old-style AOF continues with commands after it).
 */
export function loadRdb(buf: Buffer, sink: RdbSink, verifyChecksum = true): { version: number; end: number } {
  const r = new RdbReader(buf);
  const version = rdbVersion(r);
  r.pos = 9;
  const cur: RdbCursor = { db: 0, expire: -1 };
  while (!readRecord(r, cur, sink));
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
