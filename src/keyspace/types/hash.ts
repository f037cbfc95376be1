// The hash value: a Map of latin1 field -> latin1 value. Map keeps insertion order and updates in
// place, which is the order Redis's listpack encoding replies in.

import type { RedisObject } from '../db.js';
import { server } from '../../server/state.js';

/** hash-max-listpack-entries / -value, cached from the config. */
export const hashLimits = { maxEntries: 128, maxValue: 64 };

server.whenConfigured((config) => {
  config.watch('hash-max-listpack-entries', (v) => {
    hashLimits.maxEntries = Number(v);
  });
  config.watch('hash-max-listpack-value', (v) => {
    hashLimits.maxValue = Number(v);
  });
});

export class HashValue implements RedisObject {
  readonly type = 'hash' as const;
  readonly map = new Map<string, string>();
  /** Redis converts a listpack to a hashtable once a field or value is too long or there are too many, never back. */
  listpack = true;

  encoding(): string {
    return this.listpack ? 'listpack' : 'hashtable';
  }

  clone(): HashValue {
    const h = new HashValue();
    for (const [f, v] of this.map) h.map.set(f, v);
    h.listpack = this.listpack;
    return h;
  }

  get size(): number {
    return this.map.size;
  }

  /** Store field = value; true when the field is new. */
  set(field: string, value: string): boolean {
    if (this.listpack && (field.length > hashLimits.maxValue || value.length > hashLimits.maxValue)) this.listpack = false;
    const before = this.map.size;
    this.map.set(field, value);
    if (this.listpack && this.map.size > hashLimits.maxEntries) this.listpack = false;
    return this.map.size !== before;
  }
}
