// Pub/Sub registry and delivery: channel -> subscribers, pattern -> subscribers, shard channel ->
// subscribers, and each client's own sets (Client.channels/patterns/shardChannels). Messages are
// written into the receivers' reply buffers and flushed once per event-loop turn; a receiver whose
// pending output passes its client-output-buffer-limit is disconnected. The limits of every class
// (normal, replica, pubsub) live here; Client.flush applies them to ordinary replies too.

import { notifyPublisher } from '../keyspace/notify.js';
import { globMatch } from '../util/glob.js';
import { CLIENT_PUBSUB, clientCleanupHooks, type Client } from './client.js';
import { closeIfOverOutputLimit } from './output-limits.js';

const channels = new Map<string, Set<Client>>();
const patterns = new Map<string, Set<Client>>();
const shardChannels = new Map<string, Set<Client>>();

/** Plain and shard channels differ only in their tables, reply words and counters (Redis's pubsubtype). */
export interface ChannelKind {
  table: Map<string, Set<Client>>;
  subscribeWord: string;
  unsubscribeWord: string;
  messageWord: string;
  mine(c: Client): Set<string> | null;
  setMine(c: Client, s: Set<string>): void;
  /** The count shown in (un)subscribe replies. */
  count(c: Client): number;
}

export const PLAIN: ChannelKind = {
  table: channels,
  subscribeWord: 'subscribe',
  unsubscribeWord: 'unsubscribe',
  messageWord: 'message',
  mine: (c) => c.channels,
  setMine: (c, s) => {
    c.channels = s;
  },
  count: (c) => (c.channels?.size ?? 0) + (c.patterns?.size ?? 0),
};

export const SHARD: ChannelKind = {
  table: shardChannels,
  subscribeWord: 'ssubscribe',
  unsubscribeWord: 'sunsubscribe',
  messageWord: 'smessage',
  mine: (c) => c.shardChannels,
  setMine: (c, s) => {
    c.shardChannels = s;
  },
  count: (c) => c.shardChannels?.size ?? 0,
};

function totalSubscriptions(c: Client): number {
  return (c.channels?.size ?? 0) + (c.patterns?.size ?? 0) + (c.shardChannels?.size ?? 0);
}

/** Leave subscribed mode once nothing is left (after an unsubscribe command). */
export function updatePubSubFlag(c: Client): void {
  if (totalSubscriptions(c) === 0) c.flags &= ~CLIENT_PUBSUB;
}

/** Pub/sub output reaches the client even under CLIENT REPLY OFF/SKIP, as Redis's CLIENT_PUSHING does. */
function replyEvent(c: Client, word: string, name: string | null, count: number): void {
  const r = c.reply;
  const enabled = r.enabled;
  r.enabled = true;
  r.push(3);
  r.bulk(word);
  r.bulkOrNull(name);
  r.int(count);
  r.enabled = enabled;
}

export function subscribe(c: Client, kind: ChannelKind, channel: string): void {
  let mine = kind.mine(c);
  if (mine === null) {
    mine = new Set();
    kind.setMine(c, mine);
  }
  if (!mine.has(channel)) {
    mine.add(channel);
    let subs = kind.table.get(channel);
    if (subs === undefined) {
      subs = new Set();
      kind.table.set(channel, subs);
    }
    subs.add(c);
  }
  c.flags |= CLIENT_PUBSUB;
  replyEvent(c, kind.subscribeWord, channel, kind.count(c));
}

/** Unsubscribe one channel; replies (even when not subscribed) only if `notify`. */
export function unsubscribe(c: Client, kind: ChannelKind, channel: string, notify: boolean): void {
  const mine = kind.mine(c);
  if (mine !== null && mine.delete(channel)) {
    const subs = kind.table.get(channel)!;
    subs.delete(c);
    if (subs.size === 0) kind.table.delete(channel);
  }
  if (notify) replyEvent(c, kind.unsubscribeWord, channel, kind.count(c));
}

/** Unsubscribe from every channel of a kind; with `notify` and none subscribed, one reply with a null name. */
export function unsubscribeAll(c: Client, kind: ChannelKind, notify: boolean): void {
  const mine = kind.mine(c);
  if (mine !== null && mine.size !== 0) {
    for (const ch of mine) unsubscribe(c, kind, ch, notify);
  } else if (notify) {
    replyEvent(c, kind.unsubscribeWord, null, kind.count(c));
  }
}

export function psubscribe(c: Client, pattern: string): void {
  if (c.patterns === null) c.patterns = new Set();
  if (!c.patterns.has(pattern)) {
    c.patterns.add(pattern);
    let subs = patterns.get(pattern);
    if (subs === undefined) {
      subs = new Set();
      patterns.set(pattern, subs);
    }
    subs.add(c);
  }
  c.flags |= CLIENT_PUBSUB;
  replyEvent(c, 'psubscribe', pattern, PLAIN.count(c));
}

export function punsubscribe(c: Client, pattern: string, notify: boolean): void {
  if (c.patterns !== null && c.patterns.delete(pattern)) {
    const subs = patterns.get(pattern)!;
    subs.delete(c);
    if (subs.size === 0) patterns.delete(pattern);
  }
  if (notify) replyEvent(c, 'punsubscribe', pattern, PLAIN.count(c));
}

export function punsubscribeAll(c: Client, notify: boolean): void {
  if (c.patterns !== null && c.patterns.size !== 0) {
    for (const p of c.patterns) punsubscribe(c, p, notify);
  } else if (notify) {
    replyEvent(c, 'punsubscribe', null, PLAIN.count(c));
  }
}

/** Drop every subscription without replies (disconnect, RESET). */
export function resetPubSub(c: Client): void {
  unsubscribeAll(c, PLAIN, false);
  unsubscribeAll(c, SHARD, false);
  punsubscribeAll(c, false);
  c.flags &= ~CLIENT_PUBSUB;
}

function deliver(c: Client, word: string, pattern: string | null, channel: string, message: string): void {
  const r = c.reply;
  const enabled = r.enabled;
  r.enabled = true;
  r.push(pattern === null ? 3 : 4);
  r.bulk(word);
  if (pattern !== null) r.bulk(pattern);
  r.bulk(channel);
  r.bulk(message);
  r.enabled = enabled;
  // Closing unsubscribes it; Map and Set iteration in publish() tolerates the removal.
  if (closeIfOverOutputLimit(c)) return;
  c.scheduleFlush();
}

/** Send a message to a channel's subscribers and to every matching pattern; returns the receivers. */
export function publish(channel: string, message: string): number {
  let receivers = 0;
  const subs = channels.get(channel);
  if (subs !== undefined) {
    for (const c of subs) {
      deliver(c, 'message', null, channel, message);
      receivers++;
    }
  }
  if (patterns.size !== 0) {
    for (const [pattern, psubs] of patterns) {
      if (!globMatch(pattern, channel, false)) continue;
      for (const c of psubs) {
        deliver(c, 'pmessage', pattern, channel, message);
        receivers++;
      }
    }
  }
  return receivers;
}

/** SPUBLISH: shard channels have no patterns. */
export function spublish(channel: string, message: string): number {
  const subs = shardChannels.get(channel);
  if (subs === undefined) return 0;
  let receivers = 0;
  for (const c of subs) {
    deliver(c, 'smessage', null, channel, message);
    receivers++;
  }
  return receivers;
}

/** Active channels of a kind matching `pattern` (all when null). */
export function activeChannels(kind: ChannelKind, pattern: string | null): string[] {
  const out: string[] = [];
  for (const ch of kind.table.keys()) if (pattern === null || globMatch(pattern, ch, false)) out.push(ch);
  return out;
}

export function subscriberCount(kind: ChannelKind, channel: string): number {
  return kind.table.get(channel)?.size ?? 0;
}

/** Distinct patterns subscribed by anyone (PUBSUB NUMPAT, INFO pubsub_patterns). */
export function patternCount(): number {
  return patterns.size;
}

/** Channels with subscribers of a kind (INFO pubsub_channels, pubsubshard_channels). */
export function channelCount(kind: ChannelKind): number {
  return kind.table.size;
}

export function initPubSub(): void {
  notifyPublisher.publish = publish;
  clientCleanupHooks.push(resetPubSub);
}
