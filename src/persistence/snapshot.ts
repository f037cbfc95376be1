// Point-in-time snapshots without fork(). The walk goes through each database's key table slot by
// slot, in small slices, while commands keep writing to the same table: at the epoch (track) the
// snapshot puts a guard on each table it walks (keydict.ts's TableGuard), so that an entry the walk
// has not reached yet is encoded (saved early) the moment before anything changes it, and its slot
// is marked done; a key inserted into a slot ahead of the walk is marked done too. The walk skips
// done slots. An entry's TTL is part of it, so a guard on the expiry table saves the key's entry
// before its TTL changes, and values mutated in place (collections, MutableString) are saved from
// signals.beforeWrite, raised before the mutation. Saved-early entries are in the file before the
// walk's, which RDB allows within a database.
// When a table moves to new arrays (it grows, shrinks or is cleared) its old arrays are no longer
// written: the walk goes on over them, and the table needs no guard for the rest of the snapshot.
// FLUSHDB/FLUSHALL and SWAPDB give databases new or other tables: guards follow the tables they
// were put on, whichever database holds them.

import type { Db, Value } from '../keyspace/db.js';
import { signals } from '../keyspace/signals.js';
import { toPlain } from './convert.js';
import type { KeyDict, TableGuard } from '../keyspace/keydict.js';
import type { PlainValue } from './rdb/values.js';

/** What a snapshot is encoded with: the RDB file encoder, or the AOF base in command form. */
export interface SnapshotEncoder {
  readonly pending: number;
  header(aux: [string, string][]): void;
  selectDb(id: number, keys: number, expires: number): void;
  entry(key: string, value: PlainValue, expireMs: number): void;
  /** entry() for a plain string value, without building a PlainValue. */
  stringEntry(key: string, value: string, expireMs: number): void;
  /** Bytes another instance encoded (entries saved early). */
  raw(bytes: Buffer): void;
  eof(): void;
  take(): Buffer;
}

interface DbSnap {
  id: number;
  /** The epoch's key table, written by commands meanwhile (guarded while tracked). */
  table: KeyDict<Value>;
  /** What the walk reads: `table` itself, or its arrays as they were when it moved. */
  dict: KeyDict<Value>;
  expires: KeyDict<number>;
  keys: number;
  volatile: number;
  /** 0 waiting, 1 being walked, 2 finished. */
  state: number;
  /** The walk's slot position in `dict`. */
  pos: number;
  /** A bit per slot of `dict`: at or past `pos`, the slot is saved already or not the epoch's. */
  done: Uint32Array;
  /** Entries saved early while the database waits for its turn (its SELECTDB is not out yet). */
  early: SnapshotEncoder | null;
  dictGuard: TableGuard | null;
  expiresGuard: TableGuard | null;
}

/** Where a snapshot's bytes go, in order. */
export type ChunkSink = (chunk: Buffer) => void;

let active: Snapshot | null = null;

function beforeWrite(db: Db, key: string): void {
  if (active !== null) active.beforeWrite(db, key);
}

/** Entries step() gathers before encoding them. */
const BATCH = 32;

/** One entry as the walk and the guards encode it, with its TTL from `expires`. */
function encodeEntry(enc: SnapshotEncoder, expires: KeyDict<number>, key: string, v: Value): void {
  const exp = expires.size === 0 ? -1 : (expires.get(key) ?? -1);
  if (typeof v === 'string') enc.stringEntry(key, v, exp);
  else enc.entry(key, toPlain(v), exp);
}

/** On a walked database's key table: saves a slot's epoch entry before it changes. */
class DictGuard implements TableGuard {
  constructor(private readonly snap: Snapshot, private readonly s: DbSnap) {}

  before(i: number): void {
    this.snap.saveSlot(this.s, i);
  }

  moving(): void {
    this.snap.tableMoving(this.s);
  }
}

/** On its expiry table: a TTL about to change saves its key's entry first. */
class ExpiresGuard implements TableGuard {
  constructor(private readonly snap: Snapshot, private readonly s: DbSnap) {}

  before(_i: number, key: string): void {
    this.snap.saveKey(this.s, key);
  }

  /** TTLs are read by key, wherever the table keeps them. */
  moving(): void {}
}

export class Snapshot {
  private readonly enc: SnapshotEncoder;
  private readonly dbs: DbSnap[] = [];
  /** The walked databases by their key table, for beforeWrite. */
  private readonly byTable = new Map<KeyDict<Value>, DbSnap>();
  private cur = 0;
  private finished = false;
  private tracked = false;
  keysTotal = 0;
  keysProcessed = 0;
  /** Set when a write-time save failed; the walk reports it instead of going on. */
  private error: Error | null = null;
  /** The entries step() is encoding (see there). */
  private readonly batchKeys: string[] = new Array<string>(BATCH).fill('');
  private readonly batchValues: Value[] = new Array<Value>(BATCH).fill('');
  /** Where step()'s length reads go, so that the compiler keeps them. */
  touched = 0;

  /** Take the epoch: from here on the snapshot is the keyspace as it is now. */
  constructor(all: readonly Db[], aux: [string, string][], private readonly encoder: () => SnapshotEncoder, private readonly sink: ChunkSink) {
    this.enc = encoder();
    this.enc.header(aux);
    for (const db of all) {
      if (db.dict.size === 0) continue;
      const s: DbSnap = {
        id: db.id, table: db.dict, dict: db.dict, expires: db.expires, keys: db.dict.size, volatile: db.expires.size,
        state: 0, pos: 0, done: new Uint32Array((db.dict.slotCount + 31) >>> 5), early: null, dictGuard: null, expiresGuard: null,
      };
      this.dbs.push(s);
      this.keysTotal += s.keys;
    }
  }

  /**
   * Guard the tables and make this the snapshot that in-place writes consult (one at a time), for
   * a walk spread over many event-loop turns. A snapshot walked in one step() needs none of it.
   */
  track(): void {
    if (active !== null && active !== this) active.release();
    for (const s of this.dbs) {
      s.dictGuard = s.table.guard = new DictGuard(this, s);
      s.expiresGuard = s.expires.guard = new ExpiresGuard(this, s);
      this.byTable.set(s.table, s);
    }
    this.tracked = true;
    active = this;
    signals.beforeWrite = beforeWrite;
  }

  /** Stop consulting it (finished or abandoned). */
  release(): void {
    if (active === this) active = null;
    if (!this.tracked) return;
    this.tracked = false;
    for (const s of this.dbs) this.endDb(s);
  }

  /** This database's walk is over (or abandoned): writes no longer concern it. */
  private endDb(s: DbSnap): void {
    s.state = 2;
    s.early = null;
    if (s.table.guard === s.dictGuard && s.dictGuard !== null) s.table.guard = null;
    if (s.expires.guard === s.expiresGuard && s.expiresGuard !== null) s.expires.guard = null;
    this.byTable.delete(s.table);
  }

  /** A value about to be mutated in place (signals.beforeWrite). */
  beforeWrite(db: Db, key: string): void {
    const s = this.byTable.get(db.dict);
    if (s !== undefined) this.saveKey(s, key);
  }

  /** `key` is about to change: save its epoch entry unless the walk has passed it. */
  saveKey(s: DbSnap, key: string): void {
    if (s.state === 2) return;
    const i = s.dict.slotOf(key);
    if (i >= 0) this.saveSlot(s, i);
  }

  /** Slot `i` of the walked table is about to change: save its epoch entry unless done. */
  saveSlot(s: DbSnap, i: number): void {
    if (i < s.pos || s.state === 2) return;
    const w = i >>> 5;
    const bit = 1 << (i & 31);
    if ((s.done[w] & bit) !== 0) return;
    s.done[w] |= bit;
    const key = s.dict.keyAt(i);
    if (key === undefined) return;
    const v = s.dict.valueAt(i);
    const enc = s.state === 1 ? this.enc : (s.early ??= this.encoder());
    try {
      encodeEntry(enc, s.expires, key, v);
    } catch (err) {
      // Never fail the command that is writing: the save fails instead.
      this.error = err as Error;
      this.release();
      return;
    }
    this.keysProcessed++;
  }

  /** The walked table moves to new arrays: walk the old ones, which nobody writes from now on. */
  tableMoving(s: DbSnap): void {
    s.dict = s.table.view();
    s.table.guard = null;
  }

  /**
   * Encode entries until `deadline` (performance.now() ms) or `maxKeys` keys; true once the whole
   * file has been produced. Errors (a value that cannot be serialized) propagate to the caller.
   */
  step(deadline: number, maxKeys = Infinity): boolean {
    if (this.error !== null) throw this.error;
    const enc = this.enc;
    const bk = this.batchKeys;
    const bv = this.batchValues;
    let n = 0;
    while (this.cur < this.dbs.length) {
      const s = this.dbs[this.cur];
      if (s.state === 0) {
        enc.selectDb(s.id, s.keys, s.volatile);
        s.state = 1;
        if (s.early !== null) {
          enc.raw(s.early.take());
          s.early = null;
        }
      }
      const dict = s.dict;
      const end = dict.slotCount;
      const expires = s.expires;
      const done = s.done;
      for (;;) {
        // Gather a batch first, reading each key's and value's length: those reads are independent
        // cache misses the CPU overlaps, where encoding entry by entry waited for each in turn.
        const lim = Math.min(BATCH, maxKeys - n);
        let m = 0;
        let touched = 0;
        while (m < lim && s.pos < end) {
          const i = s.pos++;
          if ((done[i >>> 5] & (1 << (i & 31))) !== 0) continue;
          const key = dict.keyAt(i);
          if (key !== undefined) {
            const v = dict.valueAt(i);
            touched += key.length;
            if (typeof v === 'string') touched += v.length;
            bk[m] = key;
            bv[m] = v;
            m++;
          }
        }
        this.touched = touched;
        for (let b = 0; b < m; b++) encodeEntry(enc, expires, bk[b], bv[b]);
        n += m;
        this.keysProcessed += m;
        if (s.pos === end) {
          bk.fill('');
          bv.fill('');
          this.endDb(s);
          this.cur++;
          break;
        }
        if (n >= maxKeys || performance.now() >= deadline) {
          this.flush();
          return false;
        }
        if (enc.pending >= 65536) this.flush();
      }
    }
    if (!this.finished) {
      enc.eof();
      this.finished = true;
    }
    this.flush();
    return true;
  }

  /** Pass on what was encoded so far. */
  private flush(): void {
    if (this.enc.pending > 0) this.sink(this.enc.take());
  }
}
