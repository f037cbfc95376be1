// Point-in-time snapshots without fork(). At the epoch (track) each non-empty database's tables
// are frozen: the database gets an OverlayMap over them that takes every write from then on, so
// the walk encodes the frozen tables' entries in small slices without tracking which keys it has
// passed, and keys created, overwritten or deleted meanwhile never reach it. Values mutated in
// place (collections, MutableString) are shared with the live keyspace, so the first write to such
// a key (signals.beforeWrite, raised before anything changes) encodes its epoch value, which the
// walk then emits in its place; an early encoding the walk has already passed is dropped. Once a
// database's walk is over its overlay is merged back in slices (see overlay.ts).
// FLUSHDB/FLUSHALL and SWAPDB give databases new or other tables: the frozen ones keep the epoch's
// contents, and writes find their snapshot database by the identity of the overlay they go to.

import type { Db, Value } from '../keyspace/db.js';
import { signals } from '../keyspace/signals.js';
import { toPlain } from './convert.js';
import { OverlayMap } from './overlay.js';
import type { KeyDict } from '../keyspace/keydict.js';
import type { PlainValue } from './rdb/values.js';

/** What a snapshot is encoded with: the RDB file encoder, or the AOF base in command form. */
export interface SnapshotEncoder {
  readonly pending: number;
  header(aux: [string, string][]): void;
  selectDb(id: number, keys: number, expires: number): void;
  entry(key: string, value: PlainValue, expireMs: number): void;
  /** entry() for a plain string value, without building a PlainValue. */
  stringEntry(key: string, value: string, expireMs: number): void;
  /** Bytes another instance encoded (an entry saved early). */
  raw(bytes: Buffer): void;
  eof(): void;
  take(): Buffer;
}

interface DbSnap {
  db: Db;
  id: number;
  /** The epoch's tables, never written while the snapshot is tracked. */
  dict: KeyDict<Value>;
  expires: KeyDict<number>;
  keys: number;
  volatile: number;
  /** What the database was given in their place (track), merged back once walked. */
  overlay: OverlayMap<Value> | null;
  expOverlay: OverlayMap<number> | null;
  /** 0 waiting, 1 being walked, 2 finished. */
  state: number;
  /** Epoch encodings of in-place-mutable values written before (or after) the walk got there. */
  early: Map<string, Buffer> | null;
  /** The walk's slot position in `dict`. */
  pos: number;
}

/** Where a snapshot's bytes go, in order. */
export type ChunkSink = (chunk: Buffer) => void;

let active: Snapshot | null = null;

function beforeWrite(db: Db, key: string): void {
  if (active !== null) active.beforeWrite(db, key);
}

/** Overlays of finished or abandoned snapshots, still being merged back into their bases. */
interface Merge {
  dbs: readonly Db[];
  dict: OverlayMap<Value>;
  expires: OverlayMap<number>;
}
/** Entries step() gathers before encoding them. */
const BATCH = 32;

const merges: Merge[] = [];
let mergeScheduled = false;
const MERGE_SLICE_MS = 1;

function mergeStep(): void {
  mergeScheduled = false;
  runMerges(performance.now() + MERGE_SLICE_MS);
}

/** Merge until `deadline`; reschedules itself while some remain. */
function runMerges(deadline: number): void {
  while (merges.length > 0) {
    const m = merges[0];
    if (!m.dict.merge(deadline) || !m.expires.merge(deadline)) break;
    // Whichever database holds the overlays now (SWAPDB moves them) gets the bases back; after a
    // FLUSHDB none does, and the overlays are simply dropped.
    for (const db of m.dbs) {
      if (db.dict === m.dict) db.dict = m.dict.base;
      if (db.expires === m.expires) db.expires = m.expires.base;
    }
    merges.shift();
  }
  scheduleMerges();
}

/** Merging runs between event-loop turns, never inside a command that may hold a database's table. */
function scheduleMerges(): void {
  if (merges.length > 0 && !mergeScheduled) {
    mergeScheduled = true;
    setImmediate(mergeStep);
  }
}

export class Snapshot {
  private readonly enc: SnapshotEncoder;
  private scratch: SnapshotEncoder | null = null;
  private readonly dbs: DbSnap[] = [];
  private readonly byDict = new Map<KeyDict<Value>, DbSnap>();
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
  constructor(private readonly all: readonly Db[], aux: [string, string][], private readonly encoder: () => SnapshotEncoder, private readonly sink: ChunkSink) {
    // The previous snapshot's overlays must be gone: the tables captured here are plain ones. (The
    // commands that start a snapshot hold no database table across it.)
    runMerges(Infinity);
    this.enc = encoder();
    this.enc.header(aux);
    for (const db of all) {
      if (db.dict.size === 0) continue;
      const s: DbSnap = {
        db, id: db.id, dict: db.dict, expires: db.expires, keys: db.dict.size, volatile: db.expires.size,
        overlay: null, expOverlay: null, state: 0, early: null, pos: 0,
      };
      this.dbs.push(s);
      this.keysTotal += s.keys;
    }
  }

  /**
   * Freeze the captured tables and make this the snapshot that writes consult (one at a time), for a
   * walk spread over many event-loop turns. A snapshot walked in one step() needs none of it.
   */
  track(): void {
    for (const s of this.dbs) {
      s.overlay = new OverlayMap(s.dict);
      s.expOverlay = new OverlayMap(s.expires);
      s.db.dict = s.overlay;
      s.db.expires = s.expOverlay;
      this.byDict.set(s.overlay, s);
    }
    this.tracked = true;
    active = this;
    signals.beforeWrite = beforeWrite;
  }

  /** Stop consulting it (finished or abandoned): the overlays are merged back. */
  release(): void {
    if (active === this) active = null;
    this.byDict.clear();
    if (!this.tracked) return;
    this.tracked = false;
    for (const s of this.dbs) this.endDb(s);
  }

  /** This database's walk is over (or abandoned): writes no longer concern it. */
  private endDb(s: DbSnap): void {
    s.state = 2;
    s.early = null;
    if (s.overlay === null) return;
    this.byDict.delete(s.overlay);
    s.overlay.startMerge();
    s.expOverlay!.startMerge();
    merges.push({ dbs: this.all, dict: s.overlay, expires: s.expOverlay! });
    s.overlay = null;
    s.expOverlay = null;
    scheduleMerges();
  }

  beforeWrite(db: Db, key: string): void {
    const s = this.byDict.get(db.dict);
    if (s === undefined) return;
    const v = s.dict.get(key);
    // A plain string is immutable: the write replaces it in the overlay, the base keeps the old one.
    if (v === undefined || typeof v === 'string') return;
    const early = (s.early ??= new Map());
    if (early.has(key)) return;
    const enc = (this.scratch ??= this.encoder());
    try {
      enc.entry(key, toPlain(v), s.expires.get(key) ?? -1);
    } catch (err) {
      // Never fail the command that is writing: the save fails instead.
      this.error = err as Error;
      this.release();
      return;
    }
    early.set(key, enc.take());
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
      }
      const dict = s.dict;
      const end = dict.slotCount;
      const expires = s.expires;
      for (;;) {
        // Gather a batch first, reading each key's and value's length: those reads are independent
        // cache misses the CPU overlaps, where encoding entry by entry waited for each in turn.
        const lim = Math.min(BATCH, maxKeys - n);
        let m = 0;
        let touched = 0;
        while (m < lim && s.pos < end) {
          const key = dict.keyAt(s.pos);
          if (key !== undefined) {
            const v = dict.valueAt(s.pos);
            touched += key.length;
            if (typeof v === 'string') touched += v.length;
            bk[m] = key;
            bv[m] = v;
            m++;
          }
          s.pos++;
        }
        this.touched = touched;
        for (let b = 0; b < m; b++) {
          const key = bk[b];
          const v = bv[b];
          const exp = expires.size === 0 ? -1 : (expires.get(key) ?? -1);
          if (typeof v === 'string') {
            enc.stringEntry(key, v, exp);
          } else {
            const saved = s.early === null ? undefined : s.early.get(key);
            if (saved !== undefined) enc.raw(saved);
            else enc.entry(key, toPlain(v), exp);
          }
        }
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
