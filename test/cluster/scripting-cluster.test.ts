// Scripts and functions in cluster mode, Shoal against redis-server 7.0 in the same topology:
// primaries A (slots 0-8000) and B (8001-16000), R a replica of A, slots 16001-16383 unbound
// (cluster-require-full-coverage no keeps the state ok), D alone with slots 0-16000 (state fail);
// B imports one slot from A, A migrates another to B. The declared keys are routed like any
// command's (MOVED, ASK, CROSSSLOT, CLUSTERDOWN, the script's flags deciding whether it writes);
// the commands a script runs are checked against the cluster, keep to one slot unless allowed,
// and inherit the caller's READONLY and ASKING.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyHashSlot } from '../../src/cluster/slots.js';
import { RespConn, requireRedis } from '../helpers/server.js';
import { startClusterRedis } from './redis-cluster.js';
import { call1, startClusterShoal, text, tmpClusterDir, until, type ClusterShoal } from './shoal-cluster.js';

type NodeName = 'A' | 'B' | 'R' | 'D';
type Step = [NodeName, ...string[]];
type Topology = Record<NodeName, ClusterShoal>;

function keyIn(lo: number, hi: number, not: string[] = []): string {
  for (let i = 0; ; i++) {
    const k = `key:${i}`;
    const s = keyHashSlot(k);
    if (s >= lo && s <= hi && !not.some((o) => keyHashSlot(o) === s)) return k;
  }
}
const kA = keyIn(0, 8000);
const kA2 = keyIn(0, 8000, [kA]);
const kI = keyIn(0, 8000, [kA, kA2]);
const kM = keyIn(0, 8000, [kA, kA2, kI]);
const kB = keyIn(8001, 16000);
const kU = keyIn(16001, 16383);

const ARGS = ['--cluster-node-timeout', '5000'];

async function build(kind: 'shoal' | 'redis'): Promise<Topology> {
  const start = (args: string[]) => (kind === 'shoal' ? startClusterShoal([...ARGS, ...args]) : startClusterRedis([...ARGS, ...args]));
  const partial = ['--cluster-require-full-coverage', 'no'];
  const [A, B, R, D] = await Promise.all([start(partial), start(partial), start(partial), start([])]);
  const t: Topology = { A, B, R, D };
  expect(await call1(A.port, 'CLUSTER', 'ADDSLOTSRANGE', '0', '8000')).toBe('+OK\r\n');
  expect(await call1(B.port, 'CLUSTER', 'ADDSLOTSRANGE', '8001', '16000')).toBe('+OK\r\n');
  expect(await call1(D.port, 'CLUSTER', 'ADDSLOTSRANGE', '0', '16000')).toBe('+OK\r\n');
  const idA = text(await call1(A.port, 'CLUSTER', 'MYID'));
  for (const n of [B, R]) expect(await call1(n.port, 'CLUSTER', 'MEET', '127.0.0.1', String(A.port), String(A.cport))).toBe('+OK\r\n');
  await until(`${kind}: R knows A`, async () => (text(await call1(R.port, 'CLUSTER', 'NODES')).includes(`${idA} `) ? true : undefined));
  expect(await call1(R.port, 'CLUSTER', 'REPLICATE', idA)).toBe('+OK\r\n');
  await until(`${kind}: every node sees both primaries' slots`, async () => {
    for (const n of [A, B, R]) {
      const nodes = text(await call1(n.port, 'CLUSTER', 'NODES'));
      if (!nodes.includes(' 0-8000') || !nodes.includes(' 8001-16000')) return undefined;
      if ((await call1(n.port, 'CLUSTER', 'INFO')).indexOf('cluster_state:ok') < 0) return undefined;
    }
    return true;
  });
  await until(`${kind}: R linked to A`, async () => ((await call1(R.port, 'INFO', 'replication')).includes('master_link_status:up') ? true : undefined));
  expect(await call1(B.port, 'CLUSTER', 'SETSLOT', String(keyHashSlot(kI)), 'IMPORTING', idA)).toBe('+OK\r\n');
  const idB = text(await call1(B.port, 'CLUSTER', 'MYID'));
  expect(await call1(A.port, 'CLUSTER', 'SETSLOT', String(keyHashSlot(kM)), 'MIGRATING', idB)).toBe('+OK\r\n');
  return t;
}

/** Run the steps on fresh connections (one per node), replies with node addresses named. */
async function run(t: Topology, steps: Step[], resp: 2 | 3): Promise<string[]> {
  for (const n of ['A', 'B', 'D'] as const) await call1(t[n].port, 'FLUSHALL');
  const conns = new Map<NodeName, RespConn>();
  const out: string[] = [];
  try {
    for (const [node, ...argv] of steps) {
      let c = conns.get(node);
      if (c === undefined) {
        c = await RespConn.connect(t[node].port);
        if (resp === 3) await c.call('HELLO', '3');
        conns.set(node, c);
      }
      let r = await c.call(...argv);
      for (const n of ['A', 'B', 'R', 'D'] as const) r = r.split(`127.0.0.1:${t[n].port}`).join(`<${n}>`);
      out.push(`${node}: ${argv.join(' ')}  =>  ${JSON.stringify(r)}`);
    }
  } finally {
    for (const c of conns.values()) c.close();
  }
  return out;
}

const GET_ARG = "return redis.call('get', ARGV[1])";
const SET_ARG = "return redis.call('set', ARGV[1], 'x')";
const SET_TWO = "redis.call('set', ARGV[1], '1') return redis.call('set', ARGV[2], '2')";
/** Runs past busy-reply-threshold (200 ms) before it reads ARGV[1]. */
const BUSY_GET = "local t = redis.call('time') local t0 = t[1] * 1000000 + t[2] " +
  "repeat t = redis.call('time') until t[1] * 1000000 + t[2] - t0 > 200000 return redis.call('get', ARGV[1])";
const FLAGS = (f: string, body: string) => `#!lua flags=${f}\n${body}`;
const LIB = [
  '#!lua name=xlib',
  "redis.register_function('two', function(keys, args) redis.call('set', args[1], '1') return redis.call('set', args[2], '2') end)",
  "redis.register_function{function_name='two_cross', callback=function(keys, args) redis.call('set', args[1], '1') return redis.call('set', args[2], '2') end, flags={'allow-cross-slot-keys'}}",
  "redis.register_function{function_name='nocluster', callback=function() return 1 end, flags={'no-cluster'}}",
  "redis.register_function{function_name='ro', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}",
].join('\n');

const SCENARIOS: Record<string, Step[]> = {
  'declared local key': [['A', 'EVAL', "return redis.call('set', KEYS[1], 'v')", '1', kA], ['A', 'GET', kA]],
  'declared keys of two slots': [['A', 'EVAL', 'return 1', '2', kA, kA2], ['A', 'EVALSHA', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '2', kA, kA2]],
  'declared key of another node': [['A', 'EVAL', 'return 1', '1', kB], ['A', 'EVAL_RO', 'return 1', '1', kB]],
  'declared key of an unbound slot': [['A', 'EVAL', 'return 1', '1', kU]],
  'undeclared keys of another node or unbound': [
    ['A', 'EVAL', GET_ARG, '0', kB], ['A', 'EVAL', GET_ARG, '0', kU],
    ['A', 'EVAL', "local r = redis.pcall('get', ARGV[1]) return {type(r), r['err']}", '0', kB],
    ['A', 'EVAL', FLAGS('', GET_ARG), '1', kA, kB], ['A', 'EVAL', "return redis.call('ping')", '0'],
  ],
  'scripts without flags may cross slots': [['A', 'EVAL', SET_TWO, '0', kA, kA2], ['A', 'EVAL', SET_TWO, '1', kA, kA, kA2], ['A', 'MGET', kA]],
  'scripts with flags keep to one slot': [
    ['A', 'EVAL', FLAGS('', SET_TWO), '0', kA, kA2], ['A', 'GET', kA], ['A', 'GET', kA2],
    ['A', 'EVAL', FLAGS('', GET_ARG), '1', kA, kA2], ['A', 'EVAL', FLAGS('', GET_ARG), '1', kA, kA],
    ['A', 'EVAL', FLAGS('allow-cross-slot-keys', SET_TWO), '0', kA, kA2], ['A', 'GET', kA2],
    ['A', 'EVAL', FLAGS('allow-cross-slot-keys', SET_TWO), '0', kA, kB],
  ],
  'shard channels and keyless commands': [
    ['A', 'EVAL', "return redis.call('spublish', ARGV[1], 'm')", '0', kA], ['A', 'EVAL', "return redis.call('spublish', ARGV[1], 'm')", '0', kB],
    ['A', 'EVAL', "return redis.call('publish', ARGV[1], 'm')", '0', kB], ['A', 'EVAL', "return redis.call('dbsize')", '0'],
  ],
  'no-cluster flag': [['A', 'EVAL', FLAGS('no-cluster', 'return 1'), '0'], ['A', 'EVAL', FLAGS('no-writes,no-cluster', 'return 1'), '0']],
  functions: [
    ['A', 'FUNCTION', 'LOAD', 'REPLACE', LIB],
    ['A', 'FCALL', 'nocluster', '0'], ['A', 'FCALL', 'two', '0', kA, kA2], ['A', 'FCALL', 'two_cross', '0', kA, kA2],
    ['A', 'FCALL', 'two', '2', kA, kA2], ['A', 'FCALL', 'two', '1', kB], ['A', 'FCALL_RO', 'ro', '1', kA],
    ['A', 'FUNCTION', 'FLUSH'],
  ],
  'a transaction shares the slot between its scripts': [
    ['A', 'MULTI'], ['A', 'EVAL', FLAGS('', GET_ARG), '0', kA], ['A', 'EVAL', FLAGS('', GET_ARG), '0', kA2],
    ['A', 'EVAL', GET_ARG, '0', kA2], ['A', 'EXEC'],
    ['A', 'MULTI'], ['A', 'EVAL', FLAGS('', GET_ARG), '1', kA], ['A', 'GET', kB], ['A', 'EXEC'],
  ],
  'replica without READONLY': [
    ['A', 'SET', kA, 'v'], ['A', 'WAIT', '1', '5000'],
    ['R', 'EVAL', 'return 1', '1', kA], ['R', 'EVAL', FLAGS('no-writes', "return redis.call('get', KEYS[1])"), '1', kA],
    ['R', 'EVAL_RO', "return redis.call('get', KEYS[1])", '1', kA], ['R', 'EVAL', GET_ARG, '0', kA],
  ],
  'replica with READONLY': [
    ['A', 'SET', kA, 'v'], ['A', 'WAIT', '1', '5000'], ['R', 'READONLY'],
    ['R', 'EVAL', FLAGS('no-writes', "return redis.call('get', KEYS[1])"), '1', kA],
    ['R', 'EVAL_RO', "return redis.call('get', KEYS[1])", '1', kA], ['R', 'EVAL', GET_ARG, '0', kA],
    ['R', 'EVAL', "return redis.call('get', KEYS[1])", '1', kA], ['R', 'EVAL', SET_ARG, '0', kA],
    ['R', 'EVAL', FLAGS('', GET_ARG), '1', kA, kA], ['R', 'EVAL', GET_ARG, '0', kB],
  ],
  'ASKING on the importing node': [
    ['B', 'EVAL', GET_ARG, '0', kI], ['B', 'EVAL', 'return 1', '1', kI],
    ['B', 'ASKING'], ['B', 'EVAL', GET_ARG, '0', kI], ['B', 'ASKING'], ['B', 'EVAL', "return redis.call('set', KEYS[1], 'v')", '1', kI],
    ['B', 'ASKING'], ['B', 'EVAL', FLAGS('', "return redis.call('get', KEYS[1])"), '1', kI], ['B', 'EVAL', GET_ARG, '0', kI],
  ],
  'a slot being migrated away': [
    ['A', 'EVAL', 'return 1', '1', kM], ['A', 'EVAL', GET_ARG, '0', kM], ['A', 'EVAL', "return redis.call('ping')", '0'],
  ],
  'ASKING lasts the whole of a busy script': [
    ['B', 'CONFIG', 'SET', 'busy-reply-threshold', '50'], ['B', 'ASKING'], ['B', 'EVAL', BUSY_GET, '0', kI],
    ['B', 'EVAL', BUSY_GET, '0', kI], ['B', 'CONFIG', 'SET', 'busy-reply-threshold', '5000'],
  ],
  'cluster down': [
    ['D', 'EVAL', 'return 1', '1', kA], ['D', 'EVAL', GET_ARG, '0', kA], ['D', 'EVAL', "return redis.call('ping')", '0'],
    ['D', 'CONFIG', 'SET', 'cluster-allow-reads-when-down', 'yes'],
    ['D', 'EVAL', GET_ARG, '0', kA], ['D', 'EVAL', SET_ARG, '0', kA], ['D', 'EVAL', "return redis.call('get', KEYS[1])", '1', kA],
    ['D', 'EVAL', FLAGS('', 'return 1'), '1', kA], ['D', 'EVAL', FLAGS('no-writes', 'return 1'), '1', kA],
    ['D', 'EVAL_RO', FLAGS('', 'return 1'), '1', kA], ['D', 'EVAL', "return redis.call('set', KEYS[1], 'x')", '1', kA],
    ['D', 'CONFIG', 'SET', 'cluster-allow-reads-when-down', 'no'],
  ],
};

describe.skipIf(!requireRedis())('scripts in cluster mode, against redis-server', () => {
  let shoal: Topology;
  let redis: Topology;
  beforeAll(async () => {
    [shoal, redis] = await Promise.all([build('shoal'), build('redis')]);
  }, 30000);
  afterAll(async () => {
    await Promise.all([shoal, redis].flatMap((t) => (t === undefined ? [] : Object.values(t).map((n) => n.stop()))));
  });

  for (const [title, steps] of Object.entries(SCENARIOS)) {
    for (const resp of [2, 3] as const) {
      it(`${title} (RESP${resp})`, async () => {
        const [got, want] = await Promise.all([run(shoal, steps, resp), run(redis, steps, resp)]);
        expect(got).toEqual(want);
      });
    }
  }

  it('the scenarios meet the refusals they are about', async () => {
    const replies = (await run(shoal, [...SCENARIOS['undeclared keys of another node or unbound'], ...SCENARIOS['cluster down']], 2)).join('\n');
    expect(replies).toContain('Script attempted to access a non local key in a cluster node');
    expect(replies).toContain('Script attempted to execute a command while the cluster is down');
    expect(replies).toContain('Script attempted to execute a write command while the cluster is down and readonly');
    expect(replies).toContain('CLUSTERDOWN The cluster is down and only accepts read commands');
  });
});

describe('scripts replayed from the AOF in cluster mode', () => {
  it('run unchecked, like the rest of the AOF (the cluster is not even up yet)', async () => {
    const dir = tmpClusterDir();
    const cmd = (...argv: string[]) => `*${argv.length}\r\n${argv.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
    fs.writeFileSync(path.join(dir, 'appendonly.aof'),
      cmd('SELECT', '0') + cmd('EVAL', "redis.call('set', ARGV[1], 'a') return redis.call('set', ARGV[2], 'b')", '0', kA, kB));
    const node = await startClusterShoal(['--appendonly', 'yes'], dir);
    try {
      expect(await call1(node.port, 'DBSIZE')).toBe(':2\r\n');
    } finally {
      await node.stop();
    }
  });
});
