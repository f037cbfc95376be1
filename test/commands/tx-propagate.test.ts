// How EXEC's writes reach the replication/AOF sinks (src/server/propagate.ts): held back while an
// atomic unit runs, then sent together, wrapped in MULTI/EXEC only when there are several, with
// MULTI in the first write's database and EXEC in the last's (what a Redis 7.0 replica receives).

import { describe, expect, it } from 'vitest';
import { addPropagationSink, beginAtomic, endAtomic, propagate } from '../../src/server/propagate.js';

const fed: [number, string[]][] = [];
addPropagationSink({ feed: (dbid, argv) => fed.push([dbid, argv]) });

function take(): [number, string[]][] {
  return fed.splice(0, fed.length);
}

describe('propagation of atomic units', () => {
  it('sends writes at once outside a unit', () => {
    propagate(0, ['SET', 'a', '1']);
    expect(take()).toEqual([[0, ['SET', 'a', '1']]]);
  });

  it('holds writes until the unit ends and wraps several in MULTI/EXEC', () => {
    beginAtomic();
    propagate(0, ['INCR', 'a']);
    propagate(1, ['SET', 'c', '1']);
    expect(take()).toEqual([]);
    endAtomic();
    expect(take()).toEqual([[0, ['MULTI']], [0, ['INCR', 'a']], [1, ['SET', 'c', '1']], [1, ['EXEC']]]);
  });

  it('sends a single write of a unit unwrapped, and nothing for a unit without writes', () => {
    beginAtomic();
    propagate(2, ['DEL', 'x']);
    endAtomic();
    expect(take()).toEqual([[2, ['DEL', 'x']]]);
    beginAtomic();
    endAtomic();
    expect(take()).toEqual([]);
  });

  it('treats nested units as one', () => {
    beginAtomic();
    propagate(0, ['SET', 'a', '1']);
    beginAtomic();
    propagate(0, ['SET', 'b', '1']);
    endAtomic();
    expect(take()).toEqual([]);
    endAtomic();
    expect(take()).toEqual([[0, ['MULTI']], [0, ['SET', 'a', '1']], [0, ['SET', 'b', '1']], [0, ['EXEC']]]);
  });
});
