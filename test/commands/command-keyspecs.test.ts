import { describe, expect, it } from 'vitest';
import { keysFromSpecs } from '../../src/commands/keyspecs.js';
import type { KeySpec } from '../../src/commands/spec.js';

// Key specs shaped like those of real Redis commands, walked the way Redis's getKeysUsingKeySpecs does.
describe('keysFromSpecs', () => {
  const zunionstore: KeySpec[] = [
    { flags: ['OW', 'update'], begin: { index: 1 }, find: { lastkey: 0, keystep: 1, limit: 0 } },
    { flags: ['RO', 'access'], begin: { index: 2 }, find: { keynumidx: 0, firstkey: 1, keystep: 1 } },
  ];
  const xread: KeySpec[] = [
    { flags: ['RO', 'access'], begin: { keyword: 'STREAMS', startfrom: 1 }, find: { lastkey: -1, keystep: 1, limit: 2 } },
  ];
  const lmove: KeySpec[] = [
    { flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { lastkey: 0, keystep: 1, limit: 0 } },
    { flags: ['RW', 'insert'], begin: { index: 2 }, find: { lastkey: 0, keystep: 1, limit: 0 } },
  ];
  const migrate: KeySpec[] = [
    { flags: ['RW', 'access', 'delete'], begin: { index: 3 }, find: { lastkey: 0, keystep: 1, limit: 0 } },
    { flags: ['RW', 'access', 'delete', 'incomplete'], begin: { keyword: 'KEYS', startfrom: -2 }, find: { lastkey: -1, keystep: 1, limit: 0 } },
  ];

  it('follows index + keynum specs (ZUNIONSTORE dest numkeys k...)', () => {
    expect(keysFromSpecs(zunionstore, ['zunionstore', 'd', '2', 'a', 'b', 'WEIGHTS', '1', '2'])).toEqual([
      [1, ['OW', 'update']], [3, ['RO', 'access']], [4, ['RO', 'access']],
    ]);
    expect(keysFromSpecs(zunionstore, ['zunionstore', 'd', 'x', 'a'])).toBeNull();
    expect(keysFromSpecs(zunionstore, ['zunionstore', 'd', '5', 'a'])).toBeNull();
  });

  it('follows keyword + limited range specs (XREAD ... STREAMS k1 k2 id1 id2)', () => {
    expect(keysFromSpecs(xread, ['xread', 'COUNT', '2', 'streams', 'a', 'b', '0', '0'])).toEqual([[4, ['RO', 'access']], [5, ['RO', 'access']]]);
    expect(keysFromSpecs(xread, ['xread', 'COUNT', '2'])).toEqual([]);
  });

  it('gives each key the flags of the spec that found it (LMOVE src dst)', () => {
    expect(keysFromSpecs(lmove, ['lmove', 's', 'd', 'LEFT', 'RIGHT'])).toEqual([[1, ['RW', 'access', 'delete']], [2, ['RW', 'insert']]]);
  });

  it('treats a matched incomplete spec as unusable, so the command\'s own key finder decides (MIGRATE ... KEYS)', () => {
    expect(keysFromSpecs(migrate, ['migrate', 'h', 'p', 'k', '0', '5000'])).toEqual([[3, ['RW', 'access', 'delete']]]);
    expect(keysFromSpecs(migrate, ['migrate', 'h', 'p', '', '0', '5000', 'KEYS', 'a', 'b'])).toBeNull();
  });
});
