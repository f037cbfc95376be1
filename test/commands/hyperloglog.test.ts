import { differential } from '../helpers/differential.js';

const many = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const binary = Array.from({ length: 64 }, (_, i) => String.fromCharCode(i * 4, 255 - i, 0, i));

differential('hyperloglog', {
  'pfadd and pfcount': [
    ['PFADD', 'h', 'a', 'b', 'c'], ['PFCOUNT', 'h'], ['PFADD', 'h', 'a'], ['PFADD', 'h'], ['PFADD', 'new'],
    ['PFCOUNT', 'h', 'new', 'missing'], ['GET', 'h'], ['GET', 'new'], ['PFDEBUG', 'DECODE', 'h'], ['PFDEBUG', 'ENCODING', 'h'],
  ],
  'representation stays byte-identical as it grows to dense': [
    ['PFADD', 'h', ...many('x', 200)], ['GET', 'h'], ['PFCOUNT', 'h'], ['GET', 'h'],
    ['PFADD', 'h', ...many('y', 2000)], ['PFDEBUG', 'ENCODING', 'h'], ['PFCOUNT', 'h'],
    ['PFADD', 'h', ...many('z', 5000)], ['PFDEBUG', 'ENCODING', 'h'], ['PFCOUNT', 'h'], ['GET', 'h'],
  ],
  'binary elements': [['PFADD', 'b', ...binary], ['PFCOUNT', 'b'], ['GET', 'b']],
  'pfmerge': [
    ['PFADD', 'a', ...many('a', 100)], ['PFADD', 'b', ...many('b', 100)], ['PFMERGE', 'd', 'a', 'b'], ['PFCOUNT', 'd'],
    ['GET', 'd'], ['PFDEBUG', 'ENCODING', 'd'], ['PFDEBUG', 'TODENSE', 'a'], ['PFDEBUG', 'TODENSE', 'a'], ['PFMERGE', 'e', 'a', 'b'],
    ['PFDEBUG', 'ENCODING', 'e'], ['GET', 'e'], ['PFMERGE', 'f'], ['GET', 'f'], ['PFCOUNT', 'a', 'b', 'd'],
  ],
  'errors': [
    ['SET', 's', 'not an hll'], ['PFADD', 's', 'x'], ['PFCOUNT', 's'], ['PFCOUNT', 'h', 's'], ['PFMERGE', 'd', 's'],
    ['PFDEBUG', 'DECODE', 'nokey'], ['PFDEBUG', 'FOO', 's'], ['PFADD', 'h', 'a'], ['PFDEBUG', 'FOO', 'h'], ['PFDEBUG', 'GETREG'],
    ['SET', 'fake', 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x00'], ['PFCOUNT', 'fake'], ['PFADD', 'fake', 'q'],
    ['PFSELFTEST'],
  ],
});

differential('hyperloglog on strings changed in place', {
  'an HLL edited with SETRANGE is still read as an HLL': [
    ['PFADD', 'h', 'a', 'b'], ['APPEND', 'x', 'y'], ['SETRANGE', 'h', '0', 'H'], ['PFCOUNT', 'h'], ['SETRANGE', 'h', '0', 'HYLL'],
    ['PFADD', 'h', 'c'], ['PFCOUNT', 'h'], ['PFDEBUG', 'ENCODING', 'h'],
  ],
});
