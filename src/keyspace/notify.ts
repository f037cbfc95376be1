// Keyspace notifications (notify-keyspace-events): `__keyspace@<db>__:<key>` -> event and
// `__keyevent@<db>__:<event>` -> key, for the event classes the config enables.

import { server } from '../server/state.js';

// Event classes, as Redis's NOTIFY_* flags.
export const NOTIFY_KEYSPACE = 1 << 0; // K
export const NOTIFY_KEYEVENT = 1 << 1; // E
export const NOTIFY_GENERIC = 1 << 2; // g
export const NOTIFY_STRING = 1 << 3; // $
export const NOTIFY_LIST = 1 << 4; // l
export const NOTIFY_SET = 1 << 5; // s
export const NOTIFY_HASH = 1 << 6; // h
export const NOTIFY_ZSET = 1 << 7; // z
export const NOTIFY_EXPIRED = 1 << 8; // x
export const NOTIFY_EVICTED = 1 << 9; // e
export const NOTIFY_STREAM = 1 << 10; // t
export const NOTIFY_KEY_MISS = 1 << 11; // m
export const NOTIFY_LOADED = 1 << 12; // module only
export const NOTIFY_MODULE = 1 << 13; // d
export const NOTIFY_NEW = 1 << 14; // n

const CHAR_FLAGS: Record<string, number> = {
  K: NOTIFY_KEYSPACE, E: NOTIFY_KEYEVENT, g: NOTIFY_GENERIC, $: NOTIFY_STRING, l: NOTIFY_LIST,
  s: NOTIFY_SET, h: NOTIFY_HASH, z: NOTIFY_ZSET, x: NOTIFY_EXPIRED, e: NOTIFY_EVICTED,
  t: NOTIFY_STREAM, m: NOTIFY_KEY_MISS, d: NOTIFY_MODULE, n: NOTIFY_NEW,
  A: NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET | NOTIFY_HASH | NOTIFY_ZSET |
    NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE,
};

let enabledFlags = 0;

/** Publishes a message to a channel; pub/sub installs the real one. Returns receivers. */
export const notifyPublisher = {
  publish: (_channel: string, _message: string): number => 0,
};

export function initNotifications(): void {
  server.config.watch('notify-keyspace-events', () => {
    let f = 0;
    for (const ch of server.config.given('notify-keyspace-events')) f |= CHAR_FLAGS[ch] ?? 0;
    enabledFlags = f;
  });
}

/** Fire a keyspace event of class `type` (one NOTIFY_* class flag). Cheap when disabled. */
export function notifyKeyspaceEvent(type: number, event: string, key: string, dbid: number): void {
  if ((enabledFlags & type) === 0) return;
  if (enabledFlags & NOTIFY_KEYSPACE) notifyPublisher.publish(`__keyspace@${dbid}__:${key}`, event);
  if (enabledFlags & NOTIFY_KEYEVENT) notifyPublisher.publish(`__keyevent@${dbid}__:${event}`, key);
}
