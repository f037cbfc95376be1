import { describe, expect, it } from 'vitest';
import { Backlog } from '../../src/replication/backlog.js';
import { decidePsync, type PsyncState } from '../../src/replication/psync.js';

describe('replication backlog', () => {
  it('keeps the newest bytes with absolute offsets across wrap-around', () => {
    const b = new Backlog(10);
    const all: number[] = [];
    for (let i = 0; i < 37; i++) {
      const chunk = Buffer.from(Array.from({ length: (i % 4) + 1 }, (_, k) => (all.length + k) & 0xff));
      all.push(...chunk);
      b.append(chunk);
      expect(b.offset).toBe(all.length);
      expect(b.histlen).toBe(Math.min(10, all.length));
      for (let from = b.firstByteOffset; from <= b.offset + 1; from++) {
        expect(b.covers(from)).toBe(true);
        expect([...b.readFrom(from)]).toEqual(all.slice(from - 1));
      }
      expect(b.covers(b.firstByteOffset - 1)).toBe(false);
      expect(b.covers(b.offset + 2)).toBe(false);
    }
  });

  it('an append larger than the buffer keeps its tail', () => {
    const b = new Backlog(4);
    b.append(Buffer.from('abcdefgh'));
    expect(b.readFrom(b.firstByteOffset).toString()).toBe('efgh');
    expect(b.firstByteOffset).toBe(5);
  });

  it('resizing keeps the newest history that fits', () => {
    const b = new Backlog(8);
    b.append(Buffer.from('0123456789'));
    b.resize(4);
    expect(b.readFrom(b.firstByteOffset).toString()).toBe('6789');
    b.resize(16);
    b.append(Buffer.from('ab'));
    expect(b.readFrom(b.firstByteOffset).toString()).toBe('6789ab');
    expect(b.offset).toBe(12);
  });
});

describe('PSYNC decision', () => {
  const id = 'a'.repeat(40);
  const old = 'b'.repeat(40);
  const base: PsyncState = { replid: id, replid2: '0'.repeat(40), secondReplOffset: -1, backlog: { firstByteOffset: 101, histlen: 100 } };
  it.each([
    ['?', -1, 'full'],
    [id, 101, 'continue'],
    [id, 201, 'continue'],
    [id, 100, 'full'],
    [id, 202, 'full'],
    [old, 150, 'full'],
    ['A'.repeat(40), 150, 'continue'],
  ] as const)('PSYNC %s %d -> %s', (replid, offset, kind) => {
    expect(decidePsync(base, replid, offset).kind).toBe(kind);
  });
  it('continues the previous history up to the switch offset after a promotion', () => {
    const s: PsyncState = { ...base, replid2: old, secondReplOffset: 151 };
    expect(decidePsync(s, old, 151)).toEqual({ kind: 'continue', from: 151 });
    expect(decidePsync(s, old, 152)).toEqual({ kind: 'full', reason: 'replid-mismatch' });
  });
  it('needs a backlog to continue', () => {
    expect(decidePsync({ ...base, backlog: null }, id, 150)).toEqual({ kind: 'full', reason: 'no-backlog' });
  });
});
