// How EXEC's writes reach the replication/AOF sinks (src/server/propagate.ts): held back while an
// atomic unit runs, then sent together, wrapped in MULTI/EXEC only when there are several, with
// MULTI in the first write's database and EXEC in the last's (what a Redis 7.0 replica receives).

import { describe, expect, it } from 'vitest';
import {
  addPropagationSink, beginAtomic, endAtomic, propagate, PROPAGATE_AOF, PROPAGATE_REPL,
} from '../../src/server/propagate.js';

const fed: [number, string[]][] = [];
const aof: string[][] = [];
addPropagationSink({ target: PROPAGATE_REPL, feed: (dbid, argv) => fed.push([dbid, argv]) });
addPropagationSink({ target: PROPAGATE_AOF, feed: (_dbid, argv) => aof.push(argv) });

function take(): [number, string[]][] {
  aof.length = 0;
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

  it('sends a write addressed to the replicas only (PUBLISH) to them and not to the AOF, in a unit as outside', () => {
    take();
    propagate(0, ['PUBLISH', 'ch', 'm'], PROPAGATE_REPL);
    expect(aof).toEqual([]);
    expect(take()).toEqual([[0, ['PUBLISH', 'ch', 'm']]]);
    beginAtomic();
    propagate(0, ['SET', 'a', '1']);
    propagate(0, ['PUBLISH', 'ch', 'm'], PROPAGATE_REPL);
    endAtomic();
    expect(aof).toEqual([['MULTI'], ['SET', 'a', '1'], ['EXEC']]);
    expect(take()).toEqual([[0, ['MULTI']], [0, ['SET', 'a', '1']], [0, ['PUBLISH', 'ch', 'm']], [0, ['EXEC']]]);
  });
});
