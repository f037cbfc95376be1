// The ring buffer behind lists, driven by random edits next to a plain array model, so wrap-around,
// growth and shrinking paths are all exercised. (The commands themselves are tested over sockets.)

import { describe, expect, it } from 'vitest';
import { ListValue } from '../../src/keyspace/types/list.js';

function contents(l: ListValue): string[] {
  const out: string[] = [];
  for (let i = 0; i < l.length; i++) out.push(l.get(i));
  return out;
}

describe('ListValue ring buffer', () => {
  it('matches an array model under random edits', () => {
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const l = new ListValue();
    let model: string[] = [];
    for (let step = 0; step < 20000; step++) {
      const v = String(rnd(8));
      const op = rnd(model.length > 200 ? 12 : 9);
      switch (op) {
        case 0: l.pushHead(v); model.unshift(v); break;
        case 1: case 2: l.pushTail(v); model.push(v); break;
        case 3: if (model.length) expect(l.popHead()).toBe(model.shift()); break;
        case 4: if (model.length) expect(l.popTail()).toBe(model.pop()); break;
        case 5: {
          const i = rnd(model.length + 1);
          l.insert(i, v);
          model.splice(i, 0, v);
          break;
        }
        case 6: if (model.length) { const i = rnd(model.length); l.set(i, v); model[i] = v; } break;
        case 7: {
          const limit = rnd(3);
          const fromTail = rnd(2) === 1;
          let removed = 0;
          const keep: boolean[] = model.map(() => true);
          for (let k = 0; k < model.length; k++) {
            const i = fromTail ? model.length - 1 - k : k;
            if (model[i] === v && (limit === 0 || removed < limit)) { keep[i] = false; removed++; }
          }
          expect(l.removeValue(v, limit, fromTail)).toBe(removed);
          model = model.filter((_, i) => keep[i]);
          break;
        }
        case 8: expect(l.indexOf(v)).toBe(model.indexOf(v)); break;
        default: {
          const front = rnd(model.length + 1);
          const back = rnd(model.length - front + 1);
          l.trim(front, back);
          model = model.slice(front, model.length - back);
        }
      }
      expect(l.length).toBe(model.length);
      if (step % 97 === 0) expect(contents(l)).toEqual(model);
    }
    expect(contents(l)).toEqual(model);
    const copy = l.clone();
    l.pushHead('changed');
    expect(contents(copy)).toEqual(model);
    expect(copy.encoding()).toBe('quicklist');
  });
});
