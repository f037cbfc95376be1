// An RDB parsed as it arrives from the primary's socket (repl-diskless-load swapdb and
// on-empty-db): each record is stored as soon as its last byte is in, so the transfer never sits
// whole in memory. A record cut short by a chunk boundary is retried when more bytes came; a
// large value is retried only after the bytes pending doubled, so it costs linear work.
// The record grammar is loadRdb's (persistence/rdb/file.ts), read one record at a time here
// because that loader needs the whole file; the two should become one resumable reader.

import type { Db } from '../keyspace/db.js';
import { logger } from '../log.js';
import { fromPlain } from '../persistence/convert.js';
import { Crc64 } from '../persistence/rdb/crc64.js';
import { OP, RDB_MAX_READ_VERSION, RdbError, RdbReader } from '../persistence/rdb/format.js';
import { isEmptyValue, readValue } from '../persistence/rdb/values.js';
import { rdbStats } from '../persistence/save.js';

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
  private db = 0;
  private expire = -1;
  private readonly crc = new Crc64();
  /** The checksum was read (and verified): the RDB is complete. */
  done = false;
  loaded = 0;
  empty = 0;
  /** The primary's repl-stream-db AUX field. */
  streamDb = 0;

  /** Keys go into `dbs` (empty, or fresh ones to swap in); a replica keeps keys already expired. */
  constructor(private readonly dbs: readonly Db[]) {}

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
    rdbStats.lastLoadKeysLoaded = this.loaded;
    rdbStats.lastLoadKeysExpired = 0;
    logger('rdb').info(
      { loaded: this.loaded, expired: 0, emptySkipped: this.empty },
      `Done loading RDB, keys loaded: ${this.loaded}, keys expired: 0${this.empty !== 0 ? `, empty keys skipped: ${this.empty}` : ''}.`,
    );
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
        this.version = this.header(r);
        used = r.pos = 9;
      }
      while (!this.eofSeen) {
        this.eofSeen = this.record(r);
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

  private header(r: RdbReader): number {
    const buf = r.buf;
    if (buf.latin1Slice(0, 5) !== 'REDIS') r.fail('not an RDB file (wrong signature)');
    const verText = buf.latin1Slice(5, 9);
    const version = Number(verText);
    if (!/^\d{4}$/.test(verText) || version < 1 || version > RDB_MAX_READ_VERSION) r.fail(`can't handle RDB format version ${verText}`);
    return version;
  }

  /**
   * One record at r.pos; true at the EOF opcode. Every read comes before any effect, so a record
   * cut short throws with nothing changed and is read again whole later.
   */
  private record(r: RdbReader): boolean {
    const type = r.byte();
    switch (type) {
      case OP.EXPIRETIME_MS:
        this.expire = r.millis();
        return false;
      case OP.EXPIRETIME:
        this.expire = r.seconds();
        return false;
      case OP.FREQ:
        r.byte();
        return false;
      case OP.IDLE:
        r.length();
        return false;
      case OP.SELECTDB:
        this.db = r.length();
        return false;
      case OP.RESIZEDB:
        r.length();
        r.length();
        return false;
      case OP.AUX: {
        const k = r.string();
        const v = r.string();
        if (k === 'repl-stream-db') this.streamDb = Number(v) || 0;
        return false;
      }
      case OP.MODULE_AUX:
        r.fail('module data cannot be loaded (Shoal has no modules)');
        break;
      case OP.FUNCTION:
      case OP.FUNCTION2:
        r.fail('the RDB contains functions, which Shoal cannot load yet');
        break;
      case OP.EOF:
        return true;
    }
    const key = r.string();
    const plain = readValue(r, type);
    const expire = this.expire;
    this.expire = -1;
    if (this.db >= this.dbs.length) {
      throw new Error(`Data file was created with a Redis server configured to handle more than ${this.dbs.length} databases`);
    }
    if (isEmptyValue(plain)) {
      this.empty++;
      return false;
    }
    const db = this.dbs[this.db];
    if (db.dict.has(key)) throw new Error(`RDB has duplicated key '${key}' in DB ${this.db}`);
    db.dict.set(key, fromPlain(plain));
    if (expire !== -1) db.expires.set(key, expire);
    this.loaded++;
    return false;
  }

  private keep(rest: Buffer, used: number): void {
    this.base += used;
    this.pending = rest.length === 0 ? [] : [rest];
    this.pendingLen = rest.length;
    this.retryAt = rest.length * 2;
  }
}
