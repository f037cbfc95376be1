// Point-in-time snapshots without fork(). At the epoch each non-empty database's Maps are captured;
// the walk then encodes their entries in small slices. A write to a key the walk has not reached
// (signals.beforeWrite, raised before anything changes) first encodes the key's current value,
// which is still its value at the epoch; keys created after the epoch are marked done and skipped.
// FLUSHDB/FLUSHALL and SWAPDB give databases new or other Maps, so the captured ones keep the
// epoch's contents and writes are matched to them by Map identity.

import type { Db, Value } from '../keyspace/db.js';
import { signals } from '../keyspace/signals.js';
import { toPlain } from './convert.js';
import type { PlainValue } from './rdb/values.js';

/** What a snapshot is encoded with: the RDB file encoder, or the AOF base in command form. */
export interface SnapshotEncoder {
  readonly pending: number;
  header(aux: [string, string][]): void;
  selectDb(id: number, keys: number, expires: number): void;
  entry(key: string, value: PlainValue, expireMs: number): void;
  eof(): void;
  take(): Buffer;
}

interface DbSnap {
  id: number;
  dict: Map<string, Value>;
  expires: Map<string, number>;
  keys: number;
  volatile: number;
  /** Keys already encoded (walked or saved early) or created after the epoch. */
  done: Set<string>;
  /** 0 waiting, 1 being walked (entries go straight to the stream), 2 finished. */
  state: number;
  /** Entries saved early while the database waits for its turn. */
  early: SnapshotEncoder | null;
  iter: Iterator<[string, Value]> | null;
}

/** Where a snapshot's bytes go, in order. */
export type ChunkSink = (chunk: Buffer) => void;

let active: Snapshot | null = null;

function beforeWrite(db: Db, key: string): void {
  if (active !== null) active.beforeWrite(db, key);
}

export class Snapshot {
  private readonly enc: SnapshotEncoder;
  private readonly dbs: DbSnap[] = [];
  private readonly byDict = new Map<Map<string, Value>, DbSnap>();
  private cur = 0;
  private finished = false;
  keysTotal = 0;
  keysProcessed = 0;
  /** Set when a write-time save failed; the walk reports it instead of going on. */
  private error: Error | null = null;

  /** Take the epoch: from here on the snapshot is the keyspace as it is now. */
  constructor(dbs: readonly Db[], aux: [string, string][], private readonly encoder: () => SnapshotEncoder, private readonly sink: ChunkSink) {
    this.enc = encoder();
    this.enc.header(aux);
    for (const db of dbs) {
      if (db.dict.size === 0) continue;
      const s: DbSnap = {
        id: db.id, dict: db.dict, expires: db.expires, keys: db.dict.size, volatile: db.expires.size,
        done: new Set(), state: 0, early: null, iter: null,
      };
      this.dbs.push(s);
      this.byDict.set(db.dict, s);
      this.keysTotal += s.keys;
    }
  }

  /** Make this the snapshot that writes consult (one at a time). */
  track(): void {
    active = this;
    signals.beforeWrite = beforeWrite;
  }

  /** Stop consulting it (finished or abandoned). */
  release(): void {
    if (active === this) active = null;
    this.byDict.clear();
  }

  beforeWrite(db: Db, key: string): void {
    const s = this.byDict.get(db.dict);
    if (s === undefined || s.state === 2 || s.done.has(key)) return;
    s.done.add(key);
    const v = s.dict.get(key);
    if (v === undefined) return;
    let enc = this.enc;
    if (s.state === 0) enc = s.early ??= this.encoder();
    try {
      enc.entry(key, toPlain(v), s.expires.get(key) ?? -1);
    } catch (err) {
      // Never fail the command that is writing: the save fails instead.
      this.error = err as Error;
      this.release();
      return;
    }
    this.keysProcessed++;
  }

  /**
   * Encode entries until `deadline` (performance.now() ms); true once the whole file has been
   * produced. Errors (a value that cannot be serialized) propagate to the caller.
   */
  step(deadline: number): boolean {
    if (this.error !== null) throw this.error;
    const enc = this.enc;
    let n = 0;
    while (this.cur < this.dbs.length) {
      const s = this.dbs[this.cur];
      if (s.state === 0) {
        enc.selectDb(s.id, s.keys, s.volatile);
        if (s.early !== null) {
          this.flush();
          this.sink(s.early.take());
          s.early = null;
        }
        s.state = 1;
        s.iter = s.dict.entries();
      }
      for (;;) {
        const r = s.iter!.next();
        if (r.done === true) {
          s.state = 2;
          s.iter = null;
          s.done = new Set();
          this.byDict.delete(s.dict);
          this.cur++;
          break;
        }
        const key = r.value[0];
        if (s.done.has(key)) continue;
        s.done.add(key);
        enc.entry(key, toPlain(r.value[1]), s.expires.get(key) ?? -1);
        this.keysProcessed++;
        if ((++n & 63) === 0) {
          if (enc.pending >= 65536) this.flush();
          if (performance.now() >= deadline) {
            this.flush();
            return false;
          }
        }
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
