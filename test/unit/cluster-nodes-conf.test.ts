import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeFlag } from '../../src/cluster/bus/codec.js';
import {
  formatNodeFlags,
  formatNodeLine,
  formatNodesConf,
  NodesConfError,
  parseNodeLine,
  parseNodesConf,
  readNodesConf,
  slotRanges,
  writeNodesConf,
  type NodeLine,
} from '../../src/cluster/nodes-conf.js';

const ID1 = 'e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca';
const ID2 = '67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1';
const ID3 = '292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f';
const ID4 = '6ec23923021cf3ffec47632106199cb7f496ce01';

// In Redis's own format: every line is what clusterGenNodeDescription writes.
const CANONICAL = [
  `${ID1} 127.0.0.1:30001@40001,r1.example myself,master - 0 1700000000000 5 connected 0-5460 7000 7002 [6000-<-${ID2}] [7000->-${ID2}]`,
  `${ID2} 127.0.0.1:30002@40002 master - 0 1700000001234 2 connected 5461-10922`,
  `${ID3} 127.0.0.1:30003@40003 slave,fail? ${ID1} 1700000002000 1700000000500 5 connected`,
  `${ID4} :0@0 master,fail,noaddr,nofailover - 1700000003000 0 0 disconnected`,
  `aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 2001:db8::1:6379@16379 noflags - 0 0 0 disconnected 16383`,
  'vars currentEpoch 6 lastVoteEpoch 5',
  '',
].join('\n');

describe('nodes.conf parsing and formatting', () => {
  it('reads every field of Redis-written lines', () => {
    const conf = parseNodesConf(CANONICAL)!;
    expect(conf.currentEpoch).toBe(6);
    expect(conf.lastVoteEpoch).toBe(5);
    expect(conf.nodes.length).toBe(5);
    const me = conf.nodes[0];
    expect(me).toEqual<NodeLine>({
      id: ID1,
      ip: '127.0.0.1',
      port: 30001,
      cport: 40001,
      hostname: 'r1.example',
      flags: NodeFlag.MYSELF | NodeFlag.MASTER,
      primaryId: null,
      pingSent: 0,
      pongReceived: 1700000000000,
      configEpoch: 5,
      connected: true,
      slots: [[0, 5460], [7000, 7000], [7002, 7002]],
      migrating: [[7000, ID2]],
      importing: [[6000, ID2]],
    });
    expect(conf.nodes[2].primaryId).toBe(ID1);
    expect(conf.nodes[2].flags).toBe(NodeFlag.SLAVE | NodeFlag.PFAIL);
    expect(conf.nodes[3]).toMatchObject({ ip: '', port: 0, cport: 0, connected: false, flags: NodeFlag.MASTER | NodeFlag.FAIL | NodeFlag.NOADDR | NodeFlag.NOFAILOVER });
    expect(conf.nodes[4]).toMatchObject({ ip: '2001:db8::1', port: 6379, cport: 16379, flags: 0, slots: [[16383, 16383]] });
  });

  it('formats back byte for byte', () => {
    expect(formatNodesConf(parseNodesConf(CANONICAL)!)).toBe(CANONICAL);
    for (const line of CANONICAL.split('\n').slice(0, 5)) expect(formatNodeLine(parseNodeLine(line))).toBe(line);
  });

  it('writes what Redis would write after loading an older or hand-edited file', () => {
    const text = [
      '',
      `${ID1} 127.0.0.1:7000 MYSELF,Master - 0 0 3 connected 10-20 0-9 21 5`,
      '',
      `${ID2} 10.0.0.2:7001@17001 slave ${ID1} 0 0 0 connected`,
      'vars lastVoteEpoch 1 somethingNew 9 currentEpoch 2',
    ].join('\n');
    expect(formatNodesConf(parseNodesConf(text)!)).toBe(
      [
        `${ID1} 127.0.0.1:7000@17000 myself,master - 0 0 3 connected 0-21`,
        `${ID2} 10.0.0.2:7001@17001 slave ${ID1} 0 0 0 connected`,
        // currentEpoch is raised to the highest configEpoch, as Redis does on load.
        'vars currentEpoch 3 lastVoteEpoch 1',
        '',
      ].join('\n'),
    );
  });

  it('leaves nodes in handshake out of the file, open slots off other nodes\' lines', () => {
    const conf = parseNodesConf(CANONICAL)!;
    conf.nodes[1].flags |= NodeFlag.HANDSHAKE;
    conf.nodes[1].migrating.push([1, ID1]);
    conf.nodes[2].flags |= NodeFlag.MEET | NodeFlag.MIGRATE_TO;
    const out = formatNodesConf(conf);
    expect(out).not.toContain(ID2 + ' ');
    expect(out.split('\n')[1]).toBe(CANONICAL.split('\n')[2]);
  });

  it('shows a slot both migrating and importing as migrating', () => {
    const me = parseNodesConf(CANONICAL)!.nodes[0];
    me.importing.push([7000, ID3], [1, ID3]);
    expect(formatNodeLine(me)).toMatch(/ \[1-<-[0-9a-f]{40}\] \[6000-<-[0-9a-f]{40}\] \[7000->-[0-9a-f]{40}\]$/);
  });

  it('treats an empty file as no configuration', () => {
    expect(parseNodesConf('')).toBeNull();
  });

  const bad: [string, string][] = [
    ['too few fields', `${ID1} 127.0.0.1:7000@17000 myself,master - 0 0 0\n`],
    ['a short node id', `${ID1.slice(1)} 127.0.0.1:7000@17000 myself,master - 0 0 0 connected\n`],
    ['an upper-case node id', `${ID1.toUpperCase()} 127.0.0.1:7000@17000 myself,master - 0 0 0 connected\n`],
    ['an invalid primary id', `${ID1} 127.0.0.1:7000@17000 myself,slave xyz 0 0 0 connected\n`],
    ['an address without a port', `${ID1} localhost myself,master - 0 0 0 connected\n`],
    ['an unknown flag', `${ID1} 127.0.0.1:7000@17000 myself,boss - 0 0 0 connected\n`],
    ['slot 16384', `${ID1} 127.0.0.1:7000@17000 myself,master - 0 0 0 connected 16384\n`],
    ['a range ending past the last slot', `${ID1} 127.0.0.1:7000@17000 myself,master - 0 0 0 connected 0-16384\n`],
    ['an open slot with a bad node id', `${ID1} 127.0.0.1:7000@17000 myself,master - 0 0 0 connected [5->-nothex!]\n`],
    ['an odd vars line', `${ID1} 127.0.0.1:7000@17000 myself,master - 0 0 0 connected\nvars currentEpoch\n`],
    ['no myself line', `${ID1} 127.0.0.1:7000@17000 master - 0 0 0 connected\n`],
    ['two myself lines', `${ID1} 127.0.0.1:7000@17000 myself,master - 0 0 0 connected\n${ID2} 127.0.0.1:7001@17001 myself,master - 0 0 0 connected\n`],
    ['a line of blanks', `${ID1} 127.0.0.1:7000@17000 myself,master - 0 0 0 connected\n   \n`],
    ['unbalanced quotes', `${ID1} "127.0.0.1:7000@17000 myself,master - 0 0 0 connected\n`],
  ];
  it.each(bad)('refuses %s', (_, text) => {
    expect(() => parseNodesConf(text)).toThrow(NodesConfError);
  });

  it('names flags like Redis', () => {
    expect(formatNodeFlags(0)).toBe('noflags');
    expect(formatNodeFlags(NodeFlag.MEET)).toBe('noflags');
    expect(formatNodeFlags(NodeFlag.SLAVE | NodeFlag.MYSELF | NodeFlag.HANDSHAKE)).toBe('myself,slave,handshake');
  });

  it('merges slots into ranges', () => {
    expect(slotRanges([5, 3, 4, 9, 16383, 4, 0])).toEqual([[0, 0], [3, 5], [9, 9], [16383, 16383]]);
    expect(slotRanges([])).toEqual([]);
  });
});

describe('nodes.conf files', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'nodes-conf-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('missing or empty means no configuration', () => {
    const d = tmp();
    expect(readNodesConf(path.join(d, 'nodes.conf'))).toBeNull();
    fs.writeFileSync(path.join(d, 'nodes.conf'), '');
    expect(readNodesConf(path.join(d, 'nodes.conf'))).toBeNull();
  });

  it('replaces the file whole, leaving no temp file behind', () => {
    const d = tmp();
    const file = path.join(d, 'nodes.conf');
    // A longer old file: nothing of it may survive the shorter new one.
    fs.writeFileSync(file, CANONICAL + CANONICAL);
    const ino = fs.statSync(file).ino;
    const conf = parseNodesConf(CANONICAL)!;
    conf.nodes.splice(1);
    writeNodesConf(file, conf);
    expect(fs.readFileSync(file, 'latin1')).toBe(formatNodesConf(conf));
    expect(fs.statSync(file).ino).not.toBe(ino);
    expect(fs.readdirSync(d)).toEqual(['nodes.conf']);
    expect(readNodesConf(file)).toEqual(conf);
  });

  it('fails without touching the old file when the directory is gone', () => {
    const d = tmp();
    expect(() => writeNodesConf(path.join(d, 'missing', 'nodes.conf'), parseNodesConf(CANONICAL)!)).toThrow();
    expect(fs.readdirSync(d)).toEqual([]);
  });
});
