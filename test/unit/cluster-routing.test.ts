import { describe, expect, it } from 'vitest';
import { CLUSTER_SLOTS, keyHashSlot } from '../../src/cluster/slots.js';
import {
  Route,
  redirectError,
  routeBlocked,
  routeQuery,
  type RouteCode,
  type RouteNode,
  type RouteQuery,
  type RouteResult,
  type RoutingView,
} from '../../src/cluster/routing.js';

// Three primaries: A (this node, unless the case makes it a replica of B), B and C.
const A: RouteNode = { endpoint: '127.0.0.1', port: 6379 };
const B: RouteNode = { endpoint: '127.0.0.1', port: 6381 };
const C: RouteNode = { endpoint: 'node-c.example', port: 6390 };
const NAMES = new Map<RouteNode | null, string>([[A, 'A'], [B, 'B'], [C, 'C'], [null, '-']]);

// Keys and their slots: a/a2 share A's slot, b/b2 B's, c C's, u an unowned slot.
const a = '{a}1', a2 = '{a}2', b = '{b}1', b2 = '{b}2', c = '{c}1', u = '{u}1';
const SA = keyHashSlot(a), SB = keyHashSlot(b), SC = keyHashSlot(c), SU = keyHashSlot(u);
if (new Set([SA, SB, SC, SU]).size !== 4) throw new Error('test keys must hash to four different slots');

interface Case {
  keys: string[];
  /** Keys present locally; any other key is missing. */
  present?: string[];
  view?: Partial<{
    replicaOfB: boolean;
    stateOk: boolean;
    allowReadsWhenDown: boolean;
    allowPubsubshardWhenDown: boolean;
    /** slot -> node, applied to the default map. */
    owners: [number, RouteNode | null][];
    migrating: [number, RouteNode][];
    importing: [number, RouteNode][];
  }>;
  q?: Partial<Omit<RouteQuery, 'keys' | 'keyCount' | 'keySlots'>>;
  expect: [keyof typeof Route, string?, RouteNode?];
}

function buildView(v: Case['view'] = {}): RoutingView {
  const slots: (RouteNode | null)[] = new Array(CLUSTER_SLOTS).fill(null);
  slots[SA] = A;
  slots[SB] = B;
  slots[SC] = C;
  for (const [s, n] of v.owners ?? []) slots[s] = n;
  const migratingTo: (RouteNode | null)[] = new Array(CLUSTER_SLOTS).fill(null);
  const importingFrom: (RouteNode | null)[] = new Array(CLUSTER_SLOTS).fill(null);
  for (const [s, n] of v.migrating ?? []) migratingTo[s] = n;
  for (const [s, n] of v.importing ?? []) importingFrom[s] = n;
  return {
    myself: A,
    myPrimary: v.replicaOfB ? B : null,
    slots,
    migratingTo,
    importingFrom,
    stateOk: v.stateOk ?? true,
    allowReadsWhenDown: v.allowReadsWhenDown ?? false,
    allowPubsubshardWhenDown: v.allowPubsubshardWhenDown ?? true,
  };
}

function query(keys: string[], q: Case['q'] = {}): RouteQuery {
  return {
    keys,
    keyCount: keys.length,
    keySlots: keys.map(keyHashSlot),
    isWrite: false,
    queueHasWrite: false,
    isExecWithoutMulti: false,
    isPubsubShard: false,
    isMigrate: false,
    cmdAsking: false,
    asking: false,
    readonly: false,
    ...q,
  };
}

function run(tc: Case): [RouteCode, RouteResult, string[]] {
  const looked: string[] = [];
  const present = new Set(tc.present ?? []);
  const out: RouteResult = { slot: -1, node: C };
  const code = routeQuery(buildView(tc.view), query(tc.keys, tc.q), { has: (k) => (looked.push(k), present.has(k)) }, out);
  return [code, out, looked];
}

const cases: [string, Case][] = [
  ['no keys: served here', { keys: [], expect: ['OK'] }],
  ['no keys while the cluster is down: served here', { keys: [], view: { stateOk: false }, expect: ['OK'] }],
  ['EXEC without MULTI is left to fail on its own', { keys: [u], q: { isExecWithoutMulti: true }, expect: ['OK'] }],
  ['key in my slot', { keys: [a], expect: ['OK'] }],
  ['key in another primary\'s slot', { keys: [b], expect: ['MOVED', `MOVED ${SB} 127.0.0.1:6381`, B] }],
  ['redirection names the node\'s endpoint', { keys: [c], expect: ['MOVED', `MOVED ${SC} node-c.example:6390`, C] }],
  ['unowned slot', { keys: [u], expect: ['DOWN_UNBOUND', 'CLUSTERDOWN Hash slot not served'] }],
  ['unowned slot is reported before the down state', { keys: [u], view: { stateOk: false }, expect: ['DOWN_UNBOUND'] }],
  ['unowned first key wins over a later key in another slot', { keys: [u, a], expect: ['DOWN_UNBOUND'] }],
  ['keys in two slots', { keys: [a, b], expect: ['CROSSSLOT', "CROSSSLOT Keys in request don't hash to the same slot"] }],
  ['a later key in an unowned slot is cross-slot', { keys: [a, u], expect: ['CROSSSLOT'] }],
  ['cross-slot is reported before the down state', { keys: [a, b], view: { stateOk: false }, expect: ['CROSSSLOT'] }],
  ['several keys sharing my slot', { keys: [a, a2, a], expect: ['OK'] }],
  ['several keys sharing another slot', { keys: [b, b2], expect: ['MOVED', undefined, B] }],

  // Cluster down.
  ['down: reads refused by default', { keys: [a], view: { stateOk: false }, expect: ['DOWN_STATE', 'CLUSTERDOWN The cluster is down'] }],
  ['down: writes refused by default', { keys: [a], view: { stateOk: false }, q: { isWrite: true }, expect: ['DOWN_STATE'] }],
  ['down with reads allowed: a read is served', { keys: [a], view: { stateOk: false, allowReadsWhenDown: true }, expect: ['OK'] }],
  ['down with reads allowed: a read of another slot still moves', { keys: [b], view: { stateOk: false, allowReadsWhenDown: true }, expect: ['MOVED', undefined, B] }],
  ['down with reads allowed: a write is refused', { keys: [a], view: { stateOk: false, allowReadsWhenDown: true }, q: { isWrite: true }, expect: ['DOWN_RO_STATE', 'CLUSTERDOWN The cluster is down and only accepts read commands'] }],
  ['down with reads allowed: EXEC carries no write flag of its own', { keys: [a], view: { stateOk: false, allowReadsWhenDown: true }, q: { queueHasWrite: true }, expect: ['OK'] }],
  ['down: shard pub/sub allowed by default even without reads', { keys: [a], view: { stateOk: false }, q: { isPubsubShard: true }, expect: ['OK'] }],
  ['down: shard pub/sub refused when not allowed', { keys: [a], view: { stateOk: false, allowPubsubshardWhenDown: false, allowReadsWhenDown: true }, q: { isPubsubShard: true }, expect: ['DOWN_STATE'] }],
  ['down: refused before a migration is considered', { keys: [a], view: { stateOk: false, migrating: [[SA, B]] }, expect: ['DOWN_STATE'] }],

  // Migrating (this node is the source).
  ['migrating: a key still here is served', { keys: [a], present: [a], view: { migrating: [[SA, B]] }, expect: ['OK'] }],
  ['migrating: a missing key is asked for on the target', { keys: [a], view: { migrating: [[SA, B]] }, expect: ['ASK', `ASK ${SA} 127.0.0.1:6381`, B] }],
  ['migrating: ASKING makes no difference on the source', { keys: [a], view: { migrating: [[SA, B]] }, q: { asking: true }, expect: ['ASK', undefined, B] }],
  ['migrating: all keys here', { keys: [a, a2], present: [a, a2], view: { migrating: [[SA, C]] }, expect: ['OK'] }],
  ['migrating: all keys gone', { keys: [a, a2], view: { migrating: [[SA, C]] }, expect: ['ASK', `ASK ${SA} node-c.example:6390`, C] }],
  ['migrating: some keys here, some gone', { keys: [a, a2], present: [a2], view: { migrating: [[SA, C]] }, expect: ['TRYAGAIN', 'TRYAGAIN Multiple keys request during rehashing of slot'] }],
  ['migrating: the same missing key twice is still an ASK', { keys: [a, a], view: { migrating: [[SA, C]] }, expect: ['ASK', undefined, C] }],
  ['migrating: MIGRATE runs here whatever moved', { keys: [a, a2], present: [a], view: { migrating: [[SA, C]] }, q: { isMigrate: true }, expect: ['OK'] }],
  ['migrating: shard channels stay with the source', { keys: [a], view: { migrating: [[SA, B]] }, q: { isPubsubShard: true }, expect: ['OK'] }],
  ['migrating flag on a slot I do not own: plain MOVED', { keys: [b], view: { migrating: [[SB, C]] }, expect: ['MOVED', undefined, B] }],

  // Importing (this node is the target).
  ['importing without ASKING: moved to the owner', { keys: [b], present: [b], view: { importing: [[SB, B]] }, expect: ['MOVED', undefined, B] }],
  ['importing with ASKING: a missing key is served', { keys: [b], view: { importing: [[SB, B]] }, q: { asking: true }, expect: ['OK'] }],
  ['importing with ASKING: the same key twice', { keys: [b, b], view: { importing: [[SB, B]] }, q: { asking: true }, expect: ['OK'] }],
  ['importing with ASKING: several keys, all here', { keys: [b, b2], present: [b, b2], view: { importing: [[SB, B]] }, q: { asking: true }, expect: ['OK'] }],
  ['importing with ASKING: several keys, one missing', { keys: [b, b2], present: [b], view: { importing: [[SB, B]] }, q: { asking: true }, expect: ['TRYAGAIN'] }],
  ['importing: a command with the asking flag (RESTORE-ASKING)', { keys: [b], view: { importing: [[SB, B]] }, q: { cmdAsking: true }, expect: ['OK'] }],
  ['importing: MIGRATE runs here', { keys: [b], view: { importing: [[SB, B]] }, q: { isMigrate: true }, expect: ['OK'] }],
  ['importing a slot I already own, without ASKING', { keys: [a], view: { importing: [[SA, B]] }, expect: ['OK'] }],
  ['importing an unowned slot', { keys: [u], view: { importing: [[SU, B]] }, q: { asking: true }, expect: ['DOWN_UNBOUND'] }],
  ['stable slot: MIGRATE is routed like any command', { keys: [b], q: { isMigrate: true }, expect: ['MOVED', undefined, B] }],

  // This node as a replica of B.
  ['replica: READONLY read of my primary\'s slot', { keys: [b], view: { replicaOfB: true }, q: { readonly: true }, expect: ['OK'] }],
  ['replica: read without READONLY is moved', { keys: [b], view: { replicaOfB: true }, expect: ['MOVED', undefined, B] }],
  ['replica: READONLY write is moved', { keys: [b], view: { replicaOfB: true }, q: { readonly: true, isWrite: true }, expect: ['MOVED', undefined, B] }],
  ['replica: READONLY EXEC of a queue with a write is moved', { keys: [b], view: { replicaOfB: true }, q: { readonly: true, queueHasWrite: true }, expect: ['MOVED', undefined, B] }],
  ['replica: READONLY read of another primary\'s slot is moved', { keys: [c], view: { replicaOfB: true }, q: { readonly: true }, expect: ['MOVED', undefined, C] }],
  ['replica: shard pub/sub of my primary\'s slot without READONLY', { keys: [b], view: { replicaOfB: true }, q: { isPubsubShard: true }, expect: ['OK'] }],
  ['primary: READONLY does not serve another node\'s slot', { keys: [b], q: { readonly: true }, expect: ['MOVED', undefined, B] }],
];

describe('routeQuery follows getNodeByQuery', () => {
  it.each(cases)('%s', (_, tc) => {
    const [code, out] = run(tc);
    const [name, text, node] = tc.expect;
    expect(code).toBe(Route[name]);
    if (node !== undefined) expect(NAMES.get(out.node)).toBe(NAMES.get(node));
    else expect(out.node).toBeNull();
    if (text !== undefined) expect(redirectError(code, out)).toBe(text);
  });

  it('looks keys up only for a slot being migrated or imported, every key once per occurrence', () => {
    expect(run({ keys: [a, a2], expect: ['OK'] })[2]).toEqual([]);
    expect(run({ keys: [b], view: { importing: [[SB, B]] }, q: { asking: true }, expect: ['OK'] })[2]).toEqual([b]);
    expect(run({ keys: [a, a2, a], view: { migrating: [[SA, B]] }, expect: ['OK'] })[2]).toEqual([a, a2, a]);
    expect(run({ keys: [a], view: { migrating: [[SA, B]] }, q: { isPubsubShard: true }, expect: ['OK'] })[2]).toEqual([]);
  });

  it('reports the slot for MOVED/ASK/TRYAGAIN and reads only keyCount keys', () => {
    const out: RouteResult = { slot: -1, node: null };
    const keys = [b, a, u];
    const q = { ...query(keys), keyCount: 1 };
    expect(routeQuery(buildView(), q, { has: () => false }, out)).toBe(Route.MOVED);
    expect(out.slot).toBe(SB);
    expect(redirectError(Route.MOVED, out, 7001)).toBe(`MOVED ${SB} 127.0.0.1:7001`);
  });

  it('has no text for OK', () => {
    expect(() => redirectError(Route.OK, { slot: 0, node: null })).toThrow();
  });
});

describe('routeBlocked follows clusterRedirectBlockedClientIfNeeded', () => {
  const blocked: [string, Case['view'], number, boolean, boolean, keyof typeof Route, RouteNode?][] = [
    ['my slot', {}, SA, false, false, 'OK'],
    ['slot moved away', {}, SB, false, false, 'MOVED', B],
    ['slot unowned', {}, SU, false, false, 'DOWN_UNBOUND'],
    ['cluster down, even with reads allowed', { stateOk: false, allowReadsWhenDown: true }, SA, false, false, 'DOWN_STATE'],
    ['slot being imported', { importing: [[SB, B]] }, SB, false, false, 'OK'],
    ['READONLY read on a replica of the owner', { replicaOfB: true }, SB, true, false, 'OK'],
    ['READONLY write on a replica of the owner', { replicaOfB: true }, SB, true, true, 'MOVED', B],
    ['read without READONLY on a replica', { replicaOfB: true }, SB, false, false, 'MOVED', B],
  ];
  it.each(blocked)('%s', (_, view, slot, readonly, isWrite, name, node) => {
    const out: RouteResult = { slot: -1, node: C };
    expect(routeBlocked(buildView(view), slot, readonly, isWrite, out)).toBe(Route[name]);
    expect(out.node).toBe(node ?? null);
    if (node) expect(out.slot).toBe(slot);
  });
});
