// What string and bitmap writes replicate, which keyspace events they fire and how they count in
// server.dirty. Replication, AOF and pub/sub are not on this branch yet, so this runs the real
// compiled pipeline in-process (dispatch -> handler -> propagate) with a fake client, recording
// through the two extension points those subsystems use: a propagation sink and the keyspace
// notification publisher.

import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Config } from '../../dist/config/store.js';
import { server } from '../../dist/server/state.js';
import { initNotifications, notifyPublisher } from '../../dist/keyspace/notify.js';
import { addPropagationSink, PROPAGATE_ALL } from '../../dist/server/propagate.js';
import { fakeClient } from '../../dist/server/client.js';
import { processCommand } from '../../dist/server/dispatch.js';

interface FakeClient {
  reply: { take(): Buffer };
}

let propagated: string[][] = [];
let events: string[] = [];
let c: FakeClient;

function run(...argv: string[]): string {
  processCommand(c, argv);
  return c.reply.take().toString('latin1');
}

/** Run a command; return its reply, what it propagated, its events and its dirty increment. */
function effects(...argv: string[]): { reply: string; prop: string[][]; events: string[]; dirty: number } {
  propagated = [];
  events = [];
  const before = server.dirty as number;
  const reply = run(...argv);
  return { reply, prop: propagated, events, dirty: (server.dirty as number) - before };
}

beforeAll(() => {
  const config = new Config();
  server.init(config);
  initNotifications();
  config.set('notify-keyspace-events', 'KEA');
  addPropagationSink({ target: PROPAGATE_ALL, feed: (_db: number, argv: string[]) => propagated.push([...argv]) });
  // Keyevent channel messages are the keys; keep "event key" pairs.
  notifyPublisher.publish = (channel: string, message: string): number => {
    if (channel.startsWith('__keyevent@0__:')) events.push(`${channel.slice(15)} ${message}`);
    return 0;
  };
  c = fakeClient();
});

beforeEach(() => {
  run('FLUSHALL');
});

describe('string propagation, events and dirty', () => {
  it('SET with relative or absolute expiry replicates as SET PXAT', () => {
    const now = Date.now();
    const e = effects('SET', 'k', 'v', 'EX', '100', 'NX');
    expect(e.reply).toBe('+OK\r\n');
    expect(e.prop).toHaveLength(1);
    const [cmd, key, val, opt, when] = e.prop[0];
    expect([cmd, key, val, opt]).toEqual(['SET', 'k', 'v', 'PXAT']);
    expect(Number(when)).toBeGreaterThanOrEqual(now + 100_000);
    expect(Number(when)).toBeLessThan(now + 102_000);
    expect(e.events).toEqual(['set k', 'expire k']);
    expect(e.dirty).toBe(1);
    expect(effects('SET', 'k', 'v', 'PXAT', '99999999999999').prop).toEqual([['SET', 'k', 'v', 'PXAT', '99999999999999']]);
    expect(effects('SET', 'k', 'v', 'EXAT', '99999999999').prop).toEqual([['SET', 'k', 'v', 'PXAT', '99999999999000']]);
  });

  it('SET GET replicates without GET; a refused SET NX replicates nothing', () => {
    expect(effects('SET', 'k', 'v', 'get', 'KEEPTTL', 'GET').prop).toEqual([['SET', 'k', 'v', 'KEEPTTL']]);
    const e = effects('SET', 'k', 'w', 'NX');
    expect(e.reply).toBe('$-1\r\n');
    expect(e.prop).toEqual([]);
    expect(e.dirty).toBe(0);
    expect(e.events).toEqual([]);
  });

  it('SET KEEPTTL on a logically expired key expires it first instead of keeping the past TTL', async () => {
    run('SET', 'k', 'v', 'PX', '10');
    await new Promise((r) => setTimeout(r, 30));
    expect(run('SET', 'k', 'w', 'KEEPTTL')).toBe('+OK\r\n');
    expect(run('GET', 'k')).toBe('$1\r\nw\r\n');
    await new Promise((r) => setTimeout(r, 30));
    expect(run('GET', 'k')).toBe('$1\r\nw\r\n');
  });

  it('SETEX and PSETEX replicate as SET PXAT', () => {
    const now = Date.now();
    const e = effects('SETEX', 'k', '10', 'v');
    expect(e.prop[0].slice(0, 4)).toEqual(['SET', 'k', 'v', 'PXAT']);
    expect(Number(e.prop[0][4]) - now).toBeGreaterThanOrEqual(10_000);
    expect(e.events).toEqual(['set k', 'expire k']);
    const p = effects('PSETEX', 'k', '1500', 'v');
    expect(Number(p.prop[0][4]) - now).toBeGreaterThanOrEqual(1500);
    expect(Number(p.prop[0][4]) - now).toBeLessThan(3000);
  });

  it('GETSET replicates as SET, GETDEL as DEL', () => {
    expect(effects('GETSET', 'k', 'v')).toEqual({ reply: '$-1\r\n', prop: [['SET', 'k', 'v']], events: ['set k'], dirty: 1 });
    expect(effects('GETDEL', 'k')).toEqual({ reply: '$1\r\nv\r\n', prop: [['DEL', 'k']], events: ['del k'], dirty: 1 });
    expect(effects('GETDEL', 'k')).toEqual({ reply: '$-1\r\n', prop: [], events: [], dirty: 0 });
    server.config.set('lazyfree-lazy-user-del', 'yes');
    run('SET', 'k', 'v');
    expect(effects('GETDEL', 'k').prop).toEqual([['UNLINK', 'k']]);
    server.config.set('lazyfree-lazy-user-del', 'no');
  });

  it('GETEX replicates PEXPIREAT, PERSIST or DEL, and nothing without options', () => {
    run('SET', 'k', 'v');
    expect(effects('GETEX', 'k')).toEqual({ reply: '$1\r\nv\r\n', prop: [], events: [], dirty: 0 });
    const now = Date.now();
    const e = effects('GETEX', 'k', 'PX', '5000');
    expect(e.prop[0].slice(0, 2)).toEqual(['PEXPIREAT', 'k']);
    expect(Number(e.prop[0][2]) - now).toBeGreaterThanOrEqual(5000);
    expect(e.events).toEqual(['expire k']);
    expect(effects('GETEX', 'k', 'PERSIST')).toEqual({ reply: '$1\r\nv\r\n', prop: [['PERSIST', 'k']], events: ['persist k'], dirty: 1 });
    // Nothing to persist: no effect at all.
    expect(effects('GETEX', 'k', 'PERSIST')).toEqual({ reply: '$1\r\nv\r\n', prop: [], events: [], dirty: 0 });
    expect(effects('GETEX', 'k', 'PXAT', '1')).toEqual({ reply: '$1\r\nv\r\n', prop: [['DEL', 'k']], events: ['del k'], dirty: 1 });
    expect(run('EXISTS', 'k')).toBe(':0\r\n');
    server.config.set('lazyfree-lazy-expire', 'yes');
    run('SET', 'k', 'v');
    expect(effects('GETEX', 'k', 'EXAT', '1').prop).toEqual([['UNLINK', 'k']]);
    server.config.set('lazyfree-lazy-expire', 'no');
  });

  it('INCRBYFLOAT replicates as SET key value KEEPTTL', () => {
    run('SET', 'f', '10.5');
    expect(effects('INCRBYFLOAT', 'f', '0.1')).toEqual({
      reply: '$4\r\n10.6\r\n', prop: [['SET', 'f', '10.6', 'KEEPTTL']], events: ['incrbyfloat f'], dirty: 1,
    });
    expect(effects('INCRBYFLOAT', 'f', 'x').prop).toEqual([]);
  });

  it('in-place writes replicate verbatim with their own events', () => {
    expect(effects('APPEND', 'k', 'ab')).toEqual({ reply: ':2\r\n', prop: [['APPEND', 'k', 'ab']], events: ['append k'], dirty: 1 });
    expect(effects('SETRANGE', 'k', '1', 'xy').events).toEqual(['setrange k']);
    expect(effects('SETRANGE', 'k', '1', '')).toEqual({ reply: ':3\r\n', prop: [], events: [], dirty: 0 });
    expect(effects('INCR', 'n')).toEqual({ reply: ':1\r\n', prop: [['INCR', 'n']], events: ['incrby n'], dirty: 1 });
    expect(effects('DECRBY', 'n', '5').events).toEqual(['incrby n']);
    expect(effects('SETNX', 'n', '1')).toEqual({ reply: ':0\r\n', prop: [], events: [], dirty: 0 });
    expect(effects('SETNX', 's', '1')).toEqual({ reply: ':1\r\n', prop: [['SETNX', 's', '1']], events: ['set s'], dirty: 1 });
    expect(effects('MSET', 'a', '1', 'b', '2')).toEqual({
      reply: '+OK\r\n', prop: [['MSET', 'a', '1', 'b', '2']], events: ['set a', 'set b'], dirty: 2,
    });
    expect(effects('MSETNX', 'a', '1', 'c', '2')).toEqual({ reply: ':0\r\n', prop: [], events: [], dirty: 0 });
    expect(effects('MSETNX', 'c', '1', 'd', '2').dirty).toBe(2);
  });

  it('bitmap writes: SETBIT only counts a real change, BITFIELD counts each changed field', () => {
    expect(effects('SETBIT', 'b', '3', '1')).toEqual({ reply: ':0\r\n', prop: [['SETBIT', 'b', '3', '1']], events: ['setbit b'], dirty: 1 });
    expect(effects('SETBIT', 'b', '3', '1')).toEqual({ reply: ':1\r\n', prop: [], events: [], dirty: 0 });
    // Growing the string is a change even when the bit written is 0.
    expect(effects('SETBIT', 'b', '100', '0').dirty).toBe(1);
    const bf = effects('BITFIELD', 'b', 'SET', 'u8', '0', '17', 'SET', 'u8', '8', '0', 'GET', 'u8', '0');
    expect(bf.dirty).toBe(1);
    expect(bf.events).toEqual(['setbit b']);
    expect(effects('BITFIELD', 'b', 'GET', 'u8', '0').prop).toEqual([]);
    expect(effects('BITOP', 'OR', 'd', 'b')).toEqual({ reply: ':13\r\n', prop: [['BITOP', 'OR', 'd', 'b']], events: ['set d'], dirty: 1 });
    expect(effects('BITOP', 'OR', 'd', 'none')).toEqual({ reply: ':0\r\n', prop: [['BITOP', 'OR', 'd', 'none']], events: ['del d'], dirty: 1 });
    expect(effects('BITOP', 'OR', 'd', 'none')).toEqual({ reply: ':0\r\n', prop: [], events: [], dirty: 0 });
  });
});
