// Slow subscribers: client-output-buffer-limit for the pubsub class disconnects a subscriber that
// does not read, instead of buffering without bound, and leaves readers alone.

import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RespConn, startShoal, type RunningServer } from '../helpers/server.js';

/** A subscriber that stops reading right after its subscription is confirmed. */
async function stalledSubscriber(port: number, channel: string): Promise<net.Socket> {
  const s = net.connect(port, '127.0.0.1');
  s.on('error', () => {});
  await new Promise<void>((r) => s.once('connect', () => r()));
  s.write(`SUBSCRIBE ${channel}\r\n`);
  await new Promise<void>((r) => s.once('data', () => r()));
  s.pause();
  return s;
}

async function numsub(c: RespConn, channel: string): Promise<number> {
  const r = await c.call('PUBSUB', 'NUMSUB', channel);
  return Number(/:(\d+)\r\n$/.exec(r)![1]);
}

const MESSAGE = 'x'.repeat(64 * 1024);

/** Publish `n` 64 KB messages in pipelined batches; returns the last receiver count. */
async function publishBurst(pub: RespConn, channel: string, n: number): Promise<string> {
  let last = '';
  for (let i = 0; i < n; i += 16) {
    for (let j = 0; j < 16; j++) pub.send('PUBLISH', channel, MESSAGE);
    last = (await pub.read(16))[15];
  }
  return last;
}

describe('pubsub output buffer limits', () => {
  let s: RunningServer | undefined;
  afterEach(async () => {
    await s?.stop();
    s = undefined;
  });

  it('disconnects a subscriber over the hard limit and keeps delivering to readers', async () => {
    s = await startShoal(['--client-output-buffer-limit', 'pubsub', '1mb', '0', '0']);
    const slow = await stalledSubscriber(s.port, 'feed');
    const reader = await RespConn.connect(s.port);
    await reader.call('SUBSCRIBE', 'feed');
    const pub = await RespConn.connect(s.port);
    expect(await numsub(pub, 'feed')).toBe(2);
    let received = 0;
    let sent = 0;
    // Kernel socket buffers absorb some megabytes before the server has to hold output itself.
    while (sent < 1024 && (await numsub(pub, 'feed')) === 2) {
      await publishBurst(pub, 'feed', 64);
      sent += 64;
      received += (await reader.read(64, 20000)).length;
    }
    expect(await numsub(pub, 'feed')).toBe(1);
    expect(received).toBe(sent);
    // The reader is unaffected and the publisher now counts one receiver.
    expect(await pub.call('PUBLISH', 'feed', 'tail')).toBe(':1\r\n');
    expect((await reader.read(1))[0]).toBe('*3\r\n$7\r\nmessage\r\n$4\r\nfeed\r\n$4\r\ntail\r\n');
    slow.destroy();
    reader.close();
    pub.close();
  });

  it('disconnects a subscriber that stays over the soft limit for the given seconds, not before', async () => {
    s = await startShoal(['--client-output-buffer-limit', 'pubsub', '0', '256kb', '1']);
    const slow = await stalledSubscriber(s.port, 'feed');
    const pub = await RespConn.connect(s.port);
    // Fill the kernel buffers and go over the soft limit: the subscriber survives the burst
    // (when the burst was quick enough for the limit's second not to have passed yet).
    const t0 = Date.now();
    await publishBurst(pub, 'feed', 512);
    if (Date.now() - t0 < 800) expect(await numsub(pub, 'feed')).toBe(1);
    while (Date.now() - t0 < 6000 && (await numsub(pub, 'feed')) === 1) {
      await pub.call('PUBLISH', 'feed', 'tick');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await numsub(pub, 'feed')).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    slow.destroy();
    pub.close();
  });
});
