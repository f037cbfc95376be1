// One cluster-bus connection. Like Redis, a node has an outbound link we open (our PINGs go out on
// it, its PONGs come back) and may have an inbound link it opened to us (we answer its PINGs
// there); both carry the same messages, framed by BusFrameReader.

import type * as net from 'node:net';
import { BusFrameReader, encodeMessage, type BusMessage } from './codec.js';
import type { ClusterNode } from '../state.js';

export class BusLink {
  readonly reader = new BusFrameReader();
  /** Creation time (ms): a link that stays silent past the node timeout is recycled. */
  readonly ctime = Date.now();
  /** True once the TCP connection is established (outbound) or from the start (inbound). */
  connected: boolean;
  closed = false;

  constructor(
    readonly sock: net.Socket,
    readonly inbound: boolean,
    /** Outbound: the node we connect to. Inbound: the sender, once a message names a known node. */
    public node: ClusterNode | null,
  ) {
    this.connected = inbound;
  }

  send(m: BusMessage): void {
    if (this.closed) return;
    this.sock.write(encodeMessage(m));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sock.destroy();
  }
}
