// Pub/Sub commands. The registry and delivery live in server/pubsub.ts; RESP2 subscribed-mode
// restrictions are the dispatcher's (CLIENT_PUBSUB).

import { cluster, propagatePublish } from '../cluster/node.js';
import { ERR } from '../errors.js';
import { CLIENT_DENY_BLOCKING, CLIENT_MULTI, type Client } from '../server/client.js';
import {
  activeChannels,
  type ChannelKind,
  patternCount,
  PLAIN,
  psubscribe,
  publish,
  punsubscribe,
  punsubscribeAll,
  SHARD,
  spublish,
  subscribe,
  subscriberCount,
  unsubscribe,
  unsubscribeAll,
  updatePubSubFlag,
} from '../server/pubsub.js';
import { noContainerHandler, type CommandDef } from './spec.js';
import { replyHelp } from './help.js';
import { PROPAGATE_REPL } from '../server/propagate.js';

const PUBSUB_HELP = [
  'CHANNELS [<pattern>]',
  '    Channels that have at least one subscriber, optionally only those matching <pattern>.',
  'NUMPAT',
  '    How many pattern subscriptions exist across all clients.',
  'NUMSUB [<channel> ...]',
  '    For each channel, how many clients subscribe to it (patterns not counted).',
  'SHARDCHANNELS [<pattern>]',
  '    Like CHANNELS, for shard channels.',
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Like NUMSUB, for shard channels.',
];

/**
 * A client that expects one reply per command (a script, or EXEC for the shard kind) cannot enter
 * subscribed mode. Plain SUBSCRIBE inside MULTI stays allowed, as in Redis, for compatibility.
 */
function denied(c: Client, name: string, allowInMulti: boolean): boolean {
  if ((c.flags & CLIENT_DENY_BLOCKING) === 0 || (allowInMulti && c.flags & CLIENT_MULTI)) return false;
  c.reply.error(ERR.subscribeDenyBlocking(name));
  return true;
}

function replyChannels(c: Client, kind: ChannelKind, argv: string[]): void {
  if (argv.length > 3) {
    c.reply.error(ERR.subcommandSyntax(argv[1].slice(0, 128), 'PUBSUB'));
    return;
  }
  c.reply.bulks(activeChannels(kind, argv.length > 2 ? argv[2] : null));
}

function replyNumsub(c: Client, kind: ChannelKind, argv: string[]): void {
  // An array of pairs, not a map, even in RESP3 (as Redis 7.0 replies).
  c.reply.array((argv.length - 2) * 2);
  for (let i = 2; i < argv.length; i++) {
    c.reply.bulk(argv[i]);
    c.reply.int(subscriberCount(kind, argv[i]));
  }
}

const SUB_FLAGS = 'pubsub noscript loading stale';
const SHARD_KEYS = { keys: [1, -1, 1] as [number, number, number], keySpecFlags: ['NOT_KEY'] };


/**
 * A message goes on to the other nodes: over the cluster bus in cluster mode, else down the
 * replication stream, so that clients subscribed on replicas get it too (as Redis does).
 */
function forwardPublish(c: Client, argv: string[], sharded: boolean): void {
  if (cluster.on) propagatePublish(argv[1], argv[2], sharded);
  else c.forcePropagation = PROPAGATE_REPL;
}

export const commands: CommandDef[] = [
  {
    name: 'subscribe', arity: -2, flags: SUB_FLAGS,
    group: 'pubsub', since: '2.0.0', summary: 'Listens for messages published to the given channels.',
    complexity: 'O(N) where N is the number of channels to subscribe to.',
    handler(c, argv) {
      if (denied(c, 'SUBSCRIBE', true)) return;
      for (let i = 1; i < argv.length; i++) subscribe(c, PLAIN, argv[i]);
    },
  },
  {
    name: 'unsubscribe', arity: -1, flags: SUB_FLAGS,
    group: 'pubsub', since: '2.0.0', summary: 'Stops listening to the given channels, or to all of them.',
    complexity: 'O(N) where N is the number of clients already subscribed to a channel.',
    handler(c, argv) {
      if (argv.length === 1) unsubscribeAll(c, PLAIN, true);
      else for (let i = 1; i < argv.length; i++) unsubscribe(c, PLAIN, argv[i], true);
      updatePubSubFlag(c);
    },
  },
  {
    name: 'psubscribe', arity: -2, flags: SUB_FLAGS,
    group: 'pubsub', since: '2.0.0', summary: 'Listens for messages published to channels matching the given patterns.',
    complexity: 'O(N) where N is the number of patterns the client is already subscribed to.',
    handler(c, argv) {
      if (denied(c, 'PSUBSCRIBE', true)) return;
      for (let i = 1; i < argv.length; i++) psubscribe(c, argv[i]);
    },
  },
  {
    name: 'punsubscribe', arity: -1, flags: SUB_FLAGS,
    group: 'pubsub', since: '2.0.0', summary: 'Stops listening to the given patterns, or to all of them.',
    complexity: 'O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).',
    handler(c, argv) {
      if (argv.length === 1) punsubscribeAll(c, true);
      else for (let i = 1; i < argv.length; i++) punsubscribe(c, argv[i], true);
      updatePubSubFlag(c);
    },
  },
  {
    name: 'publish', arity: 3, flags: 'pubsub loading stale fast may_replicate',
    group: 'pubsub', since: '2.0.0', summary: 'Posts a message to a channel; replies how many clients received it.',
    complexity: 'O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).',
    handler(c, argv) {
      c.reply.int(publish(argv[1], argv[2]));
      forwardPublish(c, argv, false);
    },
  },
  {
    name: 'ssubscribe', arity: -2, flags: SUB_FLAGS, ...SHARD_KEYS,
    group: 'pubsub', since: '7.0.0', summary: 'Listens for messages published to the given shard channels.',
    complexity: 'O(N) where N is the number of shard channels to subscribe to.',
    handler(c, argv) {
      if (denied(c, 'SSUBSCRIBE', false)) return;
      for (let i = 1; i < argv.length; i++) subscribe(c, SHARD, argv[i]);
    },
  },
  {
    name: 'sunsubscribe', arity: -1, flags: SUB_FLAGS, ...SHARD_KEYS,
    group: 'pubsub', since: '7.0.0', summary: 'Stops listening to the given shard channels, or to all of them.',
    complexity: 'O(N) where N is the number of clients already subscribed to a shard channel.',
    handler(c, argv) {
      if (argv.length === 1) unsubscribeAll(c, SHARD, true);
      else for (let i = 1; i < argv.length; i++) unsubscribe(c, SHARD, argv[i], true);
      updatePubSubFlag(c);
    },
  },
  {
    name: 'spublish', arity: 3, flags: 'pubsub loading stale fast may_replicate', keys: [1, 1, 1], keySpecFlags: ['NOT_KEY'],
    group: 'pubsub', since: '7.0.0', summary: 'Posts a message to a shard channel; replies how many clients received it.',
    complexity: 'O(N) where N is the number of clients subscribed to the receiving shard channel.',
    handler(c, argv) {
      c.reply.int(spublish(argv[1], argv[2]));
      forwardPublish(c, argv, true);
    },
  },
  {
    name: 'pubsub', arity: -2, flags: '',
    group: 'pubsub', since: '2.8.0', summary: 'Inspects the state of the Pub/Sub subsystem.',
    complexity: 'Depends on subcommand.',
    handler: noContainerHandler,
    subcommands: [
      {
        name: 'channels', arity: -2, flags: 'pubsub loading stale',
        group: 'pubsub', since: '2.8.0', summary: 'Lists the channels that have subscribers, optionally matching a pattern.',
        complexity: 'O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)',
        handler: (c, argv) => replyChannels(c, PLAIN, argv),
      },
      {
        name: 'numsub', arity: -2, flags: 'pubsub loading stale',
        group: 'pubsub', since: '2.8.0', summary: 'Counts the direct subscribers of each given channel.',
        complexity: 'O(N) for the NUMSUB subcommand, where N is the number of requested channels',
        handler: (c, argv) => replyNumsub(c, PLAIN, argv),
      },
      {
        name: 'numpat', arity: 2, flags: 'pubsub loading stale',
        group: 'pubsub', since: '2.8.0', summary: 'Counts the distinct patterns that have subscribers.',
        complexity: 'O(1)',
        handler: (c) => c.reply.int(patternCount()),
      },
      {
        name: 'shardchannels', arity: -2, flags: 'pubsub loading stale',
        group: 'pubsub', since: '7.0.0', summary: 'Lists the shard channels that have subscribers, optionally matching a pattern.',
        complexity: 'O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).',
        handler: (c, argv) => replyChannels(c, SHARD, argv),
      },
      {
        name: 'shardnumsub', arity: -2, flags: 'pubsub loading stale',
        group: 'pubsub', since: '7.0.0', summary: 'Counts the subscribers of each given shard channel.',
        complexity: 'O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels',
        handler: (c, argv) => replyNumsub(c, SHARD, argv),
      },
      {
        name: 'help', arity: 2, flags: 'loading stale',
        group: 'pubsub', since: '6.2.0', summary: 'Shows what the PUBSUB subcommands do.',
        complexity: 'O(1)',
        handler: (c) => {
          replyHelp(c, 'PUBSUB', PUBSUB_HELP);
        },
      },
    ],
  },
];
