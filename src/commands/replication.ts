// Replication commands: REPLICAOF/SLAVEOF, ROLE, PSYNC/SYNC, REPLCONF, WAIT.

import { ERR } from '../errors.js';
import { parseInt64 } from '../protocol/format.js';
import { CLIENT_SLAVE, type Client } from '../server/client.js';
import { server } from '../server/state.js';
import { serveSync, replicaOf, stream, type ReplicaHello } from '../replication/primary.js';
import { isMasterClient, link, sendAck, setPrimary, unsetPrimary } from '../replication/replica.js';
import { replicaAck } from '../replication/primary.js';
import { waitForReplicas, replicaAcked } from '../replication/wait.js';
import { checkFailover, failover, NO_FAILOVER } from '../replication/failover.js';
import { logger } from '../log.js';
import type { ArgSpec, CommandDef } from './spec.js';

const REPLICAOF_ARGS: ArgSpec[] = [
  {
    name: 'args', type: 'oneof', args: [
      { name: 'host-port', type: 'block', args: [{ name: 'host', type: 'string' }, { name: 'port', type: 'integer' }] },
      { name: 'no-one', type: 'block', args: [{ name: 'no', type: 'pure-token', token: 'NO' }, { name: 'one', type: 'pure-token', token: 'ONE' }] },
    ],
  },
];

function replicaof(c: Client, argv: string[]): void {
  if (server.config.bool('cluster-enabled')) {
    c.reply.error(ERR.replicaofInCluster);
    return;
  }
  if (failover.state !== NO_FAILOVER) {
    c.reply.error(ERR.replicaofWhileFailingOver);
    return;
  }
  if (argv[1].toLowerCase() === 'no' && argv[2].toLowerCase() === 'one') {
    unsetPrimary();
    c.reply.ok();
    return;
  }
  if (c.flags & CLIENT_SLAVE) {
    c.reply.error(ERR.replicaofFromReplica);
    return;
  }
  const port = parseInt64(argv[2]);
  if (typeof port !== 'number' || port < 0 || port > 65535) {
    c.reply.error(ERR.invalidMasterPort);
    return;
  }
  if (stream.isReplica && link.host.toLowerCase() === argv[1].toLowerCase() && link.port === port) {
    c.reply.simple('OK Already connected to specified master');
    return;
  }
  setPrimary(argv[1], port);
  c.reply.ok();
}

function hello(c: Client): ReplicaHello {
  let h = c.ext.replHello as ReplicaHello | undefined;
  if (h === undefined) {
    h = { port: 0, ip: '', capaPsync2: false, capaEof: false };
    c.ext.replHello = h;
  }
  return h;
}

function replconf(c: Client, argv: string[]): void {
  if (argv.length % 2 === 0) {
    c.reply.error(ERR.syntax);
    return;
  }
  for (let j = 1; j < argv.length; j += 2) {
    const opt = argv[j].toLowerCase();
    const val = argv[j + 1];
    if (opt === 'listening-port') {
      const port = parseInt64(val);
      if (typeof port !== 'number') {
        c.reply.error(ERR.notInteger);
        return;
      }
      hello(c).port = port;
    } else if (opt === 'ip-address') {
      hello(c).ip = val;
    } else if (opt === 'capa') {
      const capa = val.toLowerCase();
      if (capa === 'psync2') hello(c).capaPsync2 = true;
      else if (capa === 'eof') hello(c).capaEof = true;
    } else if (opt === 'ack') {
      // Only from an attached replica, and never answered.
      const r = replicaOf(c);
      const off = parseInt64(val);
      if (r === undefined || typeof off !== 'number') return;
      replicaAck(r, off);
      replicaAcked();
      checkFailover();
      return;
    } else if (opt === 'getack') {
      if (isMasterClient(c)) sendAck();
      return;
    } else if (opt === 'rdb-only') {
      // Accepted (redis-cli --rdb); the stream follows the RDB anyway and such a client closes.
      const v = parseInt64(val);
      if (typeof v !== 'number') {
        c.reply.error(ERR.notInteger);
        return;
      }
      if (v < 0 || v > 1) {
        c.reply.error(ERR.rangeBetween(0, 1));
        return;
      }
    } else if (opt === 'rdb-filter-only') {
      // Only "functions" exists: the RDB then holds the function libraries and no keys.
      let functionsOnly = false;
      for (const word of val.split(' ')) {
        if (word === '') continue;
        if (word.toLowerCase() !== 'functions') {
          c.reply.error(ERR.replconfFilterOnly(word));
          return;
        }
        functionsOnly = true;
      }
      hello(c).functionsOnly = functionsOnly;
    } else {
      c.reply.error(ERR.replconfOption(argv[j]));
      return;
    }
  }
  c.reply.ok();
}

function sync(c: Client, argv: string[]): void {
  // A replica asking again (it sends nothing like this in practice) is ignored, as in Redis.
  if (c.flags & CLIENT_SLAVE) return;
  // PSYNC <id> <offset> FAILOVER: our primary hands its role over to us, if we follow its history.
  if (argv.length > 3 && argv[3].toLowerCase() === 'failover') {
    if (!stream.isReplica) {
      c.reply.error(ERR.psyncFailoverToPrimary);
      return;
    }
    if (argv[1] !== server.replId) {
      c.reply.error(ERR.psyncFailoverReplid);
      return;
    }
    unsetPrimary();
    logger('repl').info(`Failover request received for replid ${argv[1]}.`);
  }
  if (failover.state !== NO_FAILOVER) {
    c.reply.error(ERR.syncWhileFailingOver);
    return;
  }
  if (stream.isReplica && link.state !== 'connected') {
    c.reply.error(ERR.syncNoMasterLink);
    return;
  }
  if (c.reply.len > 0) {
    c.reply.error(ERR.syncPendingOutput);
    return;
  }
  if (argv.length === 1) {
    serveSync(c, null, 0);
    return;
  }
  const off = parseInt64(argv[2]);
  if (typeof off !== 'number') {
    c.reply.error(ERR.notInteger);
    return;
  }
  serveSync(c, argv[1], off);
}

function role(c: Client): void {
  if (stream.isReplica) {
    c.reply.array(5);
    c.reply.bulk('slave');
    c.reply.bulk(link.host);
    c.reply.int(link.port);
    c.reply.bulk(link.state);
    c.reply.int(link.state === 'connected' ? stream.offset : -1);
    return;
  }
  c.reply.array(3);
  c.reply.bulk('master');
  c.reply.int(stream.offset);
  c.reply.array(stream.replicas.length);
  for (const r of stream.replicas) {
    c.reply.array(3);
    c.reply.bulk(r.ip);
    c.reply.bulk(String(r.port));
    c.reply.bulk(String(r.ackOffset));
  }
}

function wait(c: Client, argv: string[]): void {
  if (stream.isReplica) {
    c.reply.error(ERR.waitOnReplica);
    return;
  }
  const num = parseInt64(argv[1]);
  if (typeof num !== 'number') {
    c.reply.error(ERR.notInteger);
    return;
  }
  const timeout = parseInt64(argv[2]);
  if (typeof timeout !== 'number') {
    c.reply.error(ERR.blockTimeoutNotInteger);
    return;
  }
  if (timeout < 0) {
    c.reply.error(ERR.timeoutNegative);
    return;
  }
  waitForReplicas(c, num, timeout);
}

export const commands: CommandDef[] = [
  {
    name: 'replicaof', arity: 3, flags: 'admin noscript stale no_async_loading',
    group: 'server', since: '5.0.0', summary: 'Follows another server as its replica, or stops following and becomes a primary.',
    complexity: 'O(1)', docs: { args: REPLICAOF_ARGS }, handler: replicaof,
  },
  {
    name: 'slaveof', arity: 3, flags: 'admin noscript stale no_async_loading',
    group: 'server', since: '1.0.0', summary: 'Follows another server as its replica, or stops following and becomes a primary.',
    complexity: 'O(1)',
    docs: { args: REPLICAOF_ARGS, docFlags: ['deprecated'], deprecatedSince: '5.0.0', replacedBy: '`REPLICAOF`' },
    handler: replicaof,
  },
  {
    name: 'role', arity: 1, flags: 'noscript loading stale fast',
    group: 'server', since: '2.8.12', summary: 'Tells whether this server is a primary or a replica, with its replication state.',
    complexity: 'O(1)', acl: 'admin dangerous', handler: role,
  },
  {
    name: 'psync', arity: -3, flags: 'admin noscript no_async_loading no_multi',
    group: 'server', since: '2.8.0', summary: 'Used by replicas to resume or start a replication stream.',
    complexity: '', docs: { args: [{ name: 'replicationid', type: 'string' }, { name: 'offset', type: 'integer' }] }, handler: sync,
  },
  {
    name: 'sync', arity: 1, flags: 'admin noscript no_async_loading no_multi',
    group: 'server', since: '1.0.0', summary: 'Used by old replicas to start a replication stream.',
    complexity: '', handler: sync,
  },
  {
    name: 'replconf', arity: -1, flags: 'admin noscript loading stale allow_busy',
    group: 'server', since: '3.0.0', summary: 'Used by replicas to set up and acknowledge their replication stream.',
    complexity: 'O(1)', docs: { docFlags: ['syscmd'] }, handler: replconf,
  },
  {
    name: 'wait', arity: 3, flags: 'noscript', acl: 'connection',
    group: 'generic', since: '3.0.0', summary: 'Blocks until the writes made so far reach a number of replicas, or a timeout.',
    complexity: 'O(1)', tips: ['request_policy:all_shards', 'response_policy:agg_min'],
    docs: { args: [{ name: 'numreplicas', type: 'integer' }, { name: 'timeout', type: 'integer' }] }, handler: wait,
  },
];
