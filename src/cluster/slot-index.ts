// Keys of db 0 by hash slot (Redis keeps one dict per slot in cluster mode), for COUNTKEYSINSLOT,
// GETKEYSINSLOT and the slot hand-overs of resharding. Built on first use with one pass over the
// keyspace, then kept up to date from the keyspace's `modified` signal; a flush drops it (the
// next use rebuilds it, after any load that follows the flush).

import type { Db } from '../keyspace/db.js';
import { signals } from '../keyspace/signals.js';
import { server } from '../server/state.js';
import { CLUSTER_SLOTS, keyHashSlot } from './slots.js';

let index: (Set<string> | undefined)[] | null = null;

function onModified(db: Db, key: string): void {
  if (index === null || db !== server.dbs[0]) return;
  const slot = keyHashSlot(key);
  if (db.dict.has(key)) {
    let set = index[slot];
    if (set === undefined) index[slot] = set = new Set();
    set.add(key);
  } else {
    index[slot]?.delete(key);
  }
}

/** Chain onto the keyspace signals (after WATCH has installed its own). */
export function initSlotIndex(): void {
  const modified = signals.modified;
  const flushed = signals.flushed;
  signals.modified = (db, key) => {
    modified(db, key);
    onModified(db, key);
  };
  signals.flushed = (db, replacedWith) => {
    flushed(db, replacedWith);
    if (db === server.dbs[0]) index = null;
  };
}

function build(): (Set<string> | undefined)[] {
  const idx: (Set<string> | undefined)[] = new Array(CLUSTER_SLOTS);
  for (const key of server.dbs[0].dict.keys()) {
    const slot = keyHashSlot(key);
    let set = idx[slot];
    if (set === undefined) idx[slot] = set = new Set();
    set.add(key);
  }
  return idx;
}

/** The keys of a slot (do not modify the set; copy before deleting while iterating). */
export function keysInSlot(slot: number): ReadonlySet<string> {
  if (index === null) index = build();
  return index[slot] ?? EMPTY;
}

const EMPTY: ReadonlySet<string> = new Set();

export function countKeysInSlot(slot: number): number {
  return keysInSlot(slot).size;
}
