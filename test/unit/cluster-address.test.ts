import { describe, expect, it } from 'vitest';
import { normalizeIp } from '../../src/cluster/address.js';
import { NodeFlag } from '../../src/cluster/bus/codec.js';
import { ClusterState } from '../../src/cluster/state.js';

describe('normalizeIp matches glibc inet_pton + inet_ntop', () => {
  // Expected spellings produced by glibc (Python's socket.inet_ntop(inet_pton(...))).
  it.each([
    ['1.2.3.4', '1.2.3.4'],
    ['255.0.0.0', '255.0.0.0'],
    ['::1', '::1'],
    ['2001:DB8::1', '2001:db8::1'],
    ['::ffff:1.2.3.4', '::ffff:1.2.3.4'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['1:0:0:0:0:0:0:8', '1::8'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0db8:0000:0000:0000:0000:0002:0001', '2001:db8::2:1'],
    ['::1.2.3.4', '::1.2.3.4'],
    ['1::', '1::'],
    ['1:0:2:0:3:0:4:5', '1:0:2:0:3:0:4:5'],
    ['::ffff:0:1.2.3.4', '::ffff:0:102:304'],
    ['0:0:0:0:0:ffff:0102:0304', '::ffff:1.2.3.4'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
    ['FE80::0001', 'fe80::1'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['::2', '::2'],
    ['::ffff', '::ffff'],
    ['::1:2', '::0.1.0.2'],
    ['0:0:0:0:0:1:1.2.3.4', '::1:102:304'],
    ['::ffff:1:2', '::ffff:0.1.0.2'],
    ['0:0:1::', '0:0:1::'],
  ])('%s -> %s', (ip, norm) => {
    expect(normalizeIp(ip)).toBe(norm);
  });

  it.each(['01.2.3.4', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1:2:3:4:5:6:7:8:9', '1::2::3', '12345::1', '::g', 'fe80::1%eth0', '::1.2.3', ':1::2', '1:::2', '1:2:3:4:5:6:7:8::', 'localhost', ''])(
    'refuses %j',
    (ip) => {
      expect(normalizeIp(ip)).toBeNull();
    },
  );
});

describe('starting a handshake', () => {
  it('adds a MEET placeholder once per address, refusing bad addresses', () => {
    const st = new ClusterState({ preferredEndpoint: 'ip', requireFullCoverage: true, allowReadsWhenDown: false, allowPubsubshardWhenDown: true }, 0);
    const n = st.startHandshake('2001:DB8::0001', 7000, 17000, 5);
    if (typeof n === 'string') throw new Error(n);
    expect([n.ip, n.port, n.cport, n.flags, n.ctime]).toEqual(['2001:db8::1', 7000, 17000, NodeFlag.HANDSHAKE | NodeFlag.MEET, 5]);
    expect(n.id).toMatch(/^[0-9a-f]{40}$/);
    expect(st.startHandshake('2001:db8::1', 7000, 17000, 6)).toBe('in-progress');
    expect(typeof st.startHandshake('2001:db8::1', 7000, 17001, 6)).toBe('object');
    expect(st.startHandshake('not-an-ip', 7000, 17000, 6)).toBe('invalid');
    expect(st.startHandshake('1.2.3.4', 0, 17000, 6)).toBe('invalid');
    expect(st.startHandshake('1.2.3.4', 7000, 65536, 6)).toBe('invalid');
    expect(st.nodes.size).toBe(3);
  });
});
