// Hooks through which the keyspace tells other subsystems what happened to keys, without the
// keyspace importing them: WATCH invalidation, blocked-client wake-ups, expiry propagation.
// Each subsystem replaces the no-op it owns when it starts.

import type { Db } from './db.js';

const noop = (): void => {};
const flushedHooks: ((db: Db, replacedWith?: Db) => void)[] = [];

/** Subscribe to signals.flushed (WATCH and the blocked XREADGROUP clients both need it). */
export function onFlushed(fn: (db: Db, replacedWith?: Db) => void): void {
  flushedHooks.push(fn);
}

/**
 * Clients blocked in XREADGROUP (counted by blocking.ts). While there are any, deleting or
 * replacing a stream readies its key, so that they get their error (Redis's signalKeyAsReady in
 * dbGenericDelete and dbOverwrite); otherwise nobody pays for the old value's lookup.
 */
export const groupReaders = { count: 0 };

export const signals = {
  /** A key's value changed or the key was deleted (Redis's signalModifiedKey). */
  modified: noop as (db: Db, key: string) => void,
  /**
   * A whole database is about to be emptied, or (SWAPDB) to take `replacedWith`'s contents: raised
   * before the change, while the old keys are still there.
   */
  flushed: (db: Db, replacedWith?: Db): void => {
    for (let i = 0; i < flushedHooks.length; i++) flushedHooks[i](db, replacedWith);
  },
  /** A key was deleted because it expired (after its notification and `modified`): DEL propagation. */
  expired: noop as (db: Db, key: string) => void,
  /** A list/zset/stream got elements a blocked client may want (Redis's signalKeyAsReady). */
  ready: noop as (db: Db, key: string) => void,
  /**
   * A key's value is about to be changed in place (Db.lookupWrite): a point-in-time snapshot in
   * progress saves the old value first. Changes to the tables themselves reach the snapshot
   * through the tables' guards (keydict.ts).
   */
  beforeWrite: noop as (db: Db, key: string) => void,
  /** True on a replica: expired keys are hidden, not deleted. */
  isReplica: (): boolean => false,
  /** We became a replica, or a primary again (REPLICAOF). */
  roleChanged: noop as () => void,
};
