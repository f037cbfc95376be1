// What expiry sends to replicas/AOF and to keyspace-notification subscribers, observed on a real
// server started in this process through the two hooks those subsystems plug into: a propagation
// sink (as replication and the AOF register) and the notification publisher (as pub/sub installs).
// Commands still travel over a real socket.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { setActiveExpire } from '../../src/keyspace/expire.js';
import { notifyPublisher } from '../../src/keyspace/notify.js';
import { startServer } from '../../src/main.js';
import { addPropagationSink, PROPAGATE_ALL } from '../../src/server/propagate.js';
import { server } from '../../src/server/state.js';
import { RespConn, freePort } from '../helpers/server.js';

const propagated: string[] = [];
const events: string[] = [];

describe('expiry propagation and notifications', () => {
  let c: RespConn;
  beforeAll(async () => {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-expire-'));
    await startServer(loadConfig(null, ['--port', String(port), '--save', '', '--dir', dir, '--loglevel', 'warning',
      '--notify-keyspace-events', 'KEA']));
    addPropagationSink({ target: PROPAGATE_ALL, feed: (db, argv) => propagated.push(`${db} ${argv.join(' ')}`) });
    notifyPublisher.publish = (channel, message) => {
      events.push(`${channel} ${message}`);
      return 0;
    };
    c = await RespConn.connect(port);
  });
  afterAll(() => {
    c.close();
  });
  beforeEach(async () => {
    await c.call('SELECT', '0');
    await c.call('FLUSHALL');
    propagated.length = 0;
    events.length = 0;
  });

  it('EXPIRE, PEXPIRE and EXPIREAT propagate as PEXPIREAT with the absolute ms time, options kept', async () => {
    await c.call('SET', 'k', 'v');
    propagated.length = 0;
    const before = Date.now();
    await c.call('EXPIRE', 'k', '100', 'GT', 'XX');
    expect(propagated).toEqual([]); // GT on a key without TTL fails: nothing to propagate
    await c.call('EXPIRE', 'k', '100');
    await c.call('PEXPIRE', 'k', '5000', 'LT');
    await c.call('EXPIREAT', 'k', '4000000000', 'gt');
    await c.call('PEXPIREAT', 'k', '4000000001000', 'XX');
    const after = Date.now();
    expect(propagated.length).toBe(4);
    const [e1, e2, e3, e4] = propagated.map((p) => p.split(' '));
    expect(e1.slice(0, 3)).toEqual(['0', 'PEXPIREAT', 'k']);
    expect(Number(e1[3])).toBeGreaterThanOrEqual(before + 100000);
    expect(Number(e1[3])).toBeLessThanOrEqual(after + 100000);
    expect(e2.slice(0, 3)).toEqual(['0', 'PEXPIREAT', 'k']);
    expect(e2[4]).toBe('LT');
    expect(e3).toEqual(['0', 'PEXPIREAT', 'k', '4000000000000', 'gt']);
    expect(e4).toEqual(['0', 'PEXPIREAT', 'k', '4000000001000', 'XX']);
    expect(events.filter((e) => e.includes('expire'))).toEqual([
      '__keyspace@0__:k expire', '__keyevent@0__:expire k',
      '__keyspace@0__:k expire', '__keyevent@0__:expire k',
      '__keyspace@0__:k expire', '__keyevent@0__:expire k',
      '__keyspace@0__:k expire', '__keyevent@0__:expire k',
    ]);
  });

  it('a time in the past deletes the key and propagates DEL, or UNLINK with lazyfree-lazy-expire', async () => {
    await c.call('SET', 'k', 'v');
    propagated.length = 0;
    events.length = 0;
    expect(await c.call('EXPIRE', 'k', '-5')).toBe(':1\r\n');
    expect(propagated).toEqual(['0 DEL k']);
    expect(events).toEqual(['__keyspace@0__:k del', '__keyevent@0__:del k']);
    server.config.set('lazyfree-lazy-expire', 'yes');
    try {
      await c.call('SET', 'k', 'v');
      propagated.length = 0;
      await c.call('PEXPIREAT', 'k', '1');
      expect(propagated).toEqual(['0 UNLINK k']);
    } finally {
      server.config.set('lazyfree-lazy-expire', 'no');
    }
  });

  it('a key found expired on access fires "expired" and propagates DEL before the command itself', async () => {
    // Active expiry must not get there first: lazy expiry is what is checked here.
    setActiveExpire(false);
    try {
      await c.call('SELECT', '3');
      await c.call('SET', 'k', 'v', 'PX', '1');
      await c.call('SET', 'k2', 'v', 'PX', '1');
      await new Promise((r) => setTimeout(r, 5));
      propagated.length = 0;
      events.length = 0;
      expect(await c.call('GET', 'k')).toBe('$-1\r\n');
      expect(propagated).toEqual(['3 DEL k']);
      expect(events).toEqual(['__keyspace@3__:k expired', '__keyevent@3__:expired k']);
      expect(await c.call('RENAME', 'k2', 'k3')).toBe('-ERR no such key\r\n');
      expect(await c.call('INCR', 'k3')).toBe(':1\r\n');
      expect(propagated).toEqual(['3 DEL k', '3 DEL k2', '3 INCR k3']);
    } finally {
      setActiveExpire(true);
    }
  });

  it('SCAN and RANDOMKEY propagate each lazily expired key as its own DEL, not wrapped in MULTI', async () => {
    setActiveExpire(false);
    try {
      for (const cmd of [['SCAN', '0'], ['RANDOMKEY']]) {
        await c.call('SET', 'foo1', 'bar', 'PX', '1');
        await c.call('SET', 'foo2', 'bar', 'PX', '1');
        await new Promise((r) => setTimeout(r, 5));
        propagated.length = 0;
        await c.call(...cmd);
        expect(propagated.sort()).toEqual(['0 DEL foo1', '0 DEL foo2']);
      }
    } finally {
      setActiveExpire(true);
    }
  });

  it('active expiry fires "expired" and propagates DEL for keys nobody touches', async () => {
    for (let i = 0; i < 50; i++) c.send('SET', `a${i}`, 'v', 'PX', '20');
    await c.read(50);
    propagated.length = 0;
    events.length = 0;
    await new Promise((r) => setTimeout(r, 400));
    expect(propagated.sort()).toEqual(Array.from({ length: 50 }, (_, i) => `0 DEL a${i}`).sort());
    expect(events.filter((e) => e.startsWith('__keyevent@0__:expired')).length).toBe(50);
  });

  it('RENAME, MOVE, COPY and PERSIST fire their events in Redis order', async () => {
    await c.call('SET', 'a', 'v', 'EX', '100');
    events.length = 0;
    await c.call('RENAME', 'a', 'b');
    await c.call('MOVE', 'b', '2');
    await c.call('SELECT', '2');
    await c.call('COPY', 'b', 'c', 'DB', '5');
    await c.call('PERSIST', 'b');
    await c.call('PERSIST', 'b');
    await c.call('SELECT', '0');
    const keyevents = events.filter((e) => e.startsWith('__keyevent'));
    expect(keyevents).toEqual([
      '__keyevent@0__:rename_from a', '__keyevent@0__:rename_to b', '__keyevent@0__:move_from b',
      '__keyevent@2__:move_to b', '__keyevent@5__:copy_to c', '__keyevent@2__:persist b',
    ]);
  });
});
