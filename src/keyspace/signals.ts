// Hooks through which the keyspace tells other subsystems what happened to keys, without the
// keyspace importing them: WATCH invalidation, blocked-client wake-ups, expiry propagation.
// Each subsystem replaces the no-op it owns when it starts.

import type { Db } from './db.js';

const noop = (): void => {};

export const signals = {
  /** A key's value changed or the key was deleted (Redis's signalModifiedKey). */
  modified: noop as (db: Db, key: string) => void,
  /** A whole database was flushed or swapped. */
  flushed: noop as (db: Db) => void,
  /** A key was deleted because it expired: notification and DEL propagation. */
  expired: noop as (db: Db, key: string) => void,
  /** A list/zset/stream got elements a blocked client may want (Redis's signalKeyAsReady). */
  ready: noop as (db: Db, key: string) => void,
  /** True on a replica: expired keys are hidden, not deleted. */
  isReplica: (): boolean => false,
};
