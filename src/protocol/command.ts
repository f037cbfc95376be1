// A command as RESP (a multibulk of bulk strings), one char per byte since arguments are latin1:
// the form the AOF and the replication stream carry.

import type { ReplyWriter } from './reply.js';

export function encodeCommand(argv: readonly string[]): string {
  let s = `*${argv.length}\r\n`;
  for (let i = 0; i < argv.length; i++) s += `$${argv[i].length}\r\n${argv[i]}\r\n`;
  return s;
}

/**
 * Append argv as RESP to a byte buffer: the replication stream and the AOF gather their writes
 * this way (building strings made a cons string per write, flattened again before the write).
 */
export function writeCommand(w: ReplyWriter, argv: readonly string[]): void {
  w.array(argv.length);
  for (let i = 0; i < argv.length; i++) w.bulk(argv[i]);
}
