// A scripted cluster-bus endpoint for interop tests: one TCP connection carrying bus messages,
// decoded with our codec as they arrive (raw bytes kept), with a wait for a message matching a test.
import * as net from 'node:net';
import { BusFrameReader, decodeMessage, type BusMessage, encodeMessage } from '../../src/cluster/bus/codec.js';

export interface Received {
  raw: Buffer;
  msg: BusMessage;
}

export class BusPeer {
  readonly received: Received[] = [];
  private readonly reader = new BusFrameReader();
  private waiters: (() => void)[] = [];
  error: Error | null = null;
  /** Called for each message as it arrives (e.g. to answer PINGs). */
  onMessage: ((m: BusMessage, peer: BusPeer) => void) | null = null;

  constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.reader.push(d);
      try {
        for (let raw = this.reader.next(); raw !== null; raw = this.reader.next()) {
          const r = { raw, msg: decodeMessage(raw) };
          this.received.push(r);
          this.onMessage?.(r.msg, this);
        }
      } catch (e) {
        this.error = e as Error;
        socket.destroy();
      }
      this.wake();
    });
    socket.on('close', () => this.wake());
    socket.on('error', () => {});
  }

  static connect(port: number): Promise<BusPeer> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new BusPeer(s)));
      s.once('error', reject);
    });
  }

  send(m: BusMessage): void {
    this.socket.write(encodeMessage(m));
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** The first message received (from `from` on) that matches, waiting for it if needed. */
  async waitFor(match: (m: BusMessage) => boolean, timeoutMs = 8000, from = 0): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.error) throw this.error;
      for (let i = from; i < this.received.length; i++) if (match(this.received[i].msg)) return this.received[i];
      const left = deadline - Date.now();
      if (left <= 0 || this.socket.destroyed) throw new Error(`no matching bus message (got types ${this.received.map((r) => r.msg.type).join(',')})`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
