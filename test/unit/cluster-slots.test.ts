import { describe, expect, it } from 'vitest';
import { crc16, keyHashSlot } from '../../src/cluster/slots.js';

const ALL_BYTES = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');

describe('CRC16-XMODEM', () => {
  it('matches the check value, over a whole string or a range of it', () => {
    expect(crc16('123456789')).toBe(0x31c3);
    expect(crc16('')).toBe(0);
    // Python's binascii.crc_hqx(bytes(range(256)), 0), an independent CRC-16/XMODEM.
    expect(crc16(ALL_BYTES)).toBe(0x7e55);
    expect(crc16('xx123456789yy', 2, 11)).toBe(0x31c3);
  });
});

describe('keyHashSlot', () => {
  // Every expected value below is what redis-server 7.0.15 answered to CLUSTER KEYSLOT.
  it.each([
    ['', 0],
    ['foo', 12182],
    ['bar', 5061],
    ['123456789', 12739],
    ['{user1000}.following', 3443],
    ['{user1000}.followers', 3443],
    ['foo{bar}{zap}', 5061],
    ['foo{}{bar}', 8363],
    ['foo{{bar}}zap', 4015],
    ['{}', 15257],
    ['{}a', 10875],
    ['a{}', 6082],
    ['{a}{b}', 15495],
    ['a{b', 13340],
    ['a}b{', 6027],
    ['{', 4092],
    ['}', 12090],
    ['{{}}', 4092],
    ['{{a}}', 10276],
    ['\x00', 0],
    ['\x00\x01\x02', 4979],
    ['\xff\xfe', 3374],
    ['caf\xe9', 9182],
    ['{\x00}x', 0],
    ['a{\xff\x80}b', 4727],
    ['\r\n', 5910],
    [ALL_BYTES, 16155],
  ])('%j -> %d', (key, slot) => {
    expect(keyHashSlot(key)).toBe(slot);
  });
});
