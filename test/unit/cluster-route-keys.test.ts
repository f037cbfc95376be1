import { describe, expect, it } from 'vitest';
import { lookupCommand } from '../../src/commands/registry.js';
import { defineCommand, type CommandSpec } from '../../src/commands/spec.js';
import { RouteQueryBuffer } from '../../src/cluster/route-keys.js';
import { Route, routeQuery, type RouteNode, type RouteResult, type RoutingView } from '../../src/cluster/routing.js';
import { CLUSTER_SLOTS, keyHashSlot } from '../../src/cluster/slots.js';

function spec(argv: string[]): CommandSpec {
  const s = lookupCommand(argv);
  if (s === null) throw new Error(`no command ${argv[0]}`);
  return s;
}

function keysOf(q: RouteQueryBuffer): [string, number][] {
  return q.keys.slice(0, q.keyCount).map((k, i) => [k, q.keySlots[i]]);
}

describe('RouteQueryBuffer', () => {
  it('collects keys from first/last/step positions, with their slots', () => {
    const q = new RouteQueryBuffer();
    const cases: [string[], string[]][] = [
      [['GET', 'a'], ['a']],
      [['MGET', 'a', '{a}b', 'c'], ['a', '{a}b', 'c']],
      [['MSET', 'k1', 'v1', 'k2', 'v2'], ['k1', 'k2']],
      [['PING'], []],
      [['SSUBSCRIBE', 'ch1', 'ch2'], ['ch1', 'ch2']],
      [['SPUBLISH', 'ch', 'msg'], ['ch']],
    ];
    for (const [argv, keys] of cases) {
      q.reset();
      q.addCommandKeys(spec(argv), argv);
      expect(keysOf(q)).toEqual(keys.map((k) => [k, keyHashSlot(k)]));
    }
  });

  it('asks a movable-key command for its positions', () => {
    const movable = defineCommand({
      name: 'mkeys', arity: -2, flags: 'readonly', handler: () => {}, group: 'generic', since: '7.0.0', summary: 'test', complexity: 'O(1)',
      getKeys: (argv) => Array.from({ length: Number(argv[1]) }, (_, i) => i + 2),
    });
    const q = new RouteQueryBuffer();
    q.addCommandKeys(movable, ['mkeys', '2', 'x', 'y', 'not-a-key']);
    expect(keysOf(q).map(([k]) => k)).toEqual(['x', 'y']);
  });

  it('is reused without leaking the previous command into routing', () => {
    const me: RouteNode = { endpoint: '127.0.0.1', port: 1 };
    const view: RoutingView = {
      myself: me, myPrimary: null, slots: new Array(CLUSTER_SLOTS).fill(me),
      migratingTo: new Array(CLUSTER_SLOTS).fill(null), importingFrom: new Array(CLUSTER_SLOTS).fill(null),
      stateOk: true, allowReadsWhenDown: false, allowPubsubshardWhenDown: true,
    };
    const out: RouteResult = { slot: 0, node: null };
    const q = new RouteQueryBuffer();
    const run = (...cmds: string[][]) => {
      q.reset();
      for (const argv of cmds) q.addCommandKeys(spec(argv), argv);
      return routeQuery(view, q, { has: () => true }, out);
    };
    expect(run(['MGET', '{a}1', '{b}1', '{c}1'])).toBe(Route.CROSSSLOT);
    expect(run(['GET', '{a}1'])).toBe(Route.OK);
    // EXEC: the keys of every queued command together.
    expect(run(['SET', '{a}1', 'v'], ['GET', '{a}2'])).toBe(Route.OK);
    expect(run(['SET', '{a}1', 'v'], ['GET', '{b}2'])).toBe(Route.CROSSSLOT);
    q.asking = q.readonly = q.isWrite = true;
    q.reset();
    expect([q.keyCount, q.asking, q.readonly, q.isWrite]).toEqual([0, false, false, false]);
  });
});
