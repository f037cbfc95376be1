// INFO's lazyfreed_objects. Redis hands a value made of many allocations to a background thread when
// it is deleted by a lazy path (UNLINK, FLUSHALL/FLUSHDB ASYNC, the lazyfree-lazy-* and
// replica-lazy-flush directives) and counts it once freed. V8's collector reclaims every value
// whichever way it leaves, so Shoal counts what Redis would have handed over, at the moment of the
// deletion; nothing is ever pending.

import { server } from '../server/state.js';
import type { Value } from './db.js';
import { quicklistNodes } from './memory.js';
import type { HashValue } from './types/hash.js';
import type { ListValue } from './types/list.js';
import type { SetValue } from './types/set.js';
import type { StreamValue } from './types/stream.js';
import type { ZSet } from './types/zset.js';

/** Redis's LAZYFREE_THRESHOLD: a value costing no more to free than this is freed on the spot. */
const LAZYFREE_THRESHOLD = 64;

/** The count, and the lazyfree directives cached for the deletion paths. */
export const lazyfree = {
  freed: 0,
  userDel: false,
  serverDel: false,
  expire: false,
  eviction: false,
  userFlush: false,
  replicaFlush: false,
};

/** Follow the lazyfree directives (at start-up, once the configuration is loaded). */
export function initLazyfree(): void {
  const config = server.config;
  config.watch('lazyfree-lazy-user-del', (v) => { lazyfree.userDel = v === 'yes'; });
  config.watch('lazyfree-lazy-server-del', (v) => { lazyfree.serverDel = v === 'yes'; });
  config.watch('lazyfree-lazy-expire', (v) => { lazyfree.expire = v === 'yes'; });
  config.watch('lazyfree-lazy-eviction', (v) => { lazyfree.eviction = v === 'yes'; });
  config.watch('lazyfree-lazy-user-flush', (v) => { lazyfree.userFlush = v === 'yes'; });
  config.watch('replica-lazy-flush', (v) => { lazyfree.replicaFlush = v === 'yes'; });
}

/**
 * Redis's lazyfreeGetFreeEffort, on the encoding Redis would use: quicklist nodes of a list, the
 * element count of a hashtable set or hash and of a skiplist zset, for a stream its radix tree
 * nodes plus, per consumer group, one and the first group's pending entries; 1 for anything else.
 */
export function freeEffort(v: Value): number {
  if (typeof v === 'string') return 1;
  switch (v.type) {
    case 'list': {
      const l = v as ListValue;
      // Every node holds an element: a short list cannot pass the threshold.
      return l.length <= LAZYFREE_THRESHOLD ? l.length : quicklistNodes(l, LAZYFREE_THRESHOLD + 1).length;
    }
    case 'set':
      return v.encoding() === 'hashtable' ? (v as SetValue).size : 1;
    case 'hash':
      return v.encoding() === 'hashtable' ? (v as HashValue).size : 1;
    case 'zset':
      return v.encoding() === 'skiplist' ? (v as ZSet).size : 1;
    case 'stream':
      return streamEffort(v as StreamValue);
    default:
      return 1;
  }
}

function streamEffort(s: StreamValue): number {
  // A radix tree has at least a node per key: past the threshold without counting them.
  let effort = s.nodes.length > LAZYFREE_THRESHOLD ? s.nodes.length : s.radixNodes();
  if (s.groups !== null && s.groups.size > 0) {
    // The first group in Redis's (byte) order stands for all of them.
    let first: string | null = null;
    let pending = 0;
    for (const [name, g] of s.groups) {
      if (first === null || name < first) {
        first = name;
        pending = g.pel.size;
      }
    }
    effort += s.groups.size * (1 + pending);
  }
  return effort;
}

/** A value left the keyspace by a path that frees lazily when `lazy`: counted if Redis would free it in the background. */
export function freedValue(v: Value, lazy: boolean): void {
  if (lazy && typeof v !== 'string' && freeEffort(v) > LAZYFREE_THRESHOLD) lazyfree.freed++;
}

/** Databases emptied lazily: Redis counts every key of them. */
export function flushedKeys(keys: number, lazy: boolean): void {
  if (lazy) lazyfree.freed += keys;
}
