// Geohash math checked against what redis-server stores and answers for the same points.
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as gh from '../../src/keyspace/geohash.js';
import { requireRedis, startRedis, type RunningServer } from '../helpers/server.js';

const enabled = requireRedis();
const POINTS: [number, number][] = [
  [13.361389, 38.115556], [15.087269, 37.502669], [-122.4194, 37.7749], [0, 0], [-180, -85.05112878],
  [180, 85.05112878], [139.6917, 35.6895], [-0.1278, 51.5074], [151.2093, -33.8688], [-73.935242, 40.73061],
];

describe('geohash primitives', () => {
  it('interleave and deinterleave are inverses on 26-bit values', () => {
    for (const [a, b] of [[0, 0], [1, 0], [0, 1], [67108863, 67108863], [12345678, 33554432], [5, 40000000]]) {
      expect(gh.deinterleave(gh.interleave(a, b))).toEqual([a, b]);
    }
  });
  it('neighbours wrap around', () => {
    const h = { bits: gh.interleave(0, 0), step: 2 };
    const n = gh.neighbors(h);
    expect(gh.deinterleave(n.west.bits)).toEqual([0, 3]);
    expect(gh.deinterleave(n.south.bits)).toEqual([3, 0]);
    expect(gh.deinterleave(n.northEast.bits)).toEqual([1, 1]);
  });
});

describe.skipIf(!enabled)('geohash against redis-server', () => {
  let redis: RunningServer;
  let r: Redis;
  beforeAll(async () => {
    redis = await startRedis();
    r = new Redis(redis.port, { lazyConnect: true });
    await r.connect();
    for (const [i, [lon, lat]] of POINTS.entries()) await r.geoadd('g', lon, lat, `p${i}`);
  });
  afterAll(async () => {
    r?.disconnect();
    await redis?.stop();
  });

  it('stores the same 52-bit scores', async () => {
    for (const [i, [lon, lat]] of POINTS.entries()) expect(String(gh.scoreOf(lon, lat))).toBe(await r.zscore('g', `p${i}`));
  });

  it('decodes scores to the same positions and geohash strings', async () => {
    for (const [i] of POINTS.entries()) {
      const score = Number(await r.zscore('g', `p${i}`));
      const [lon, lat] = gh.decodeScore(score);
      const [[rlon, rlat]] = (await r.geopos('g', `p${i}`)) as [string, string][];
      expect(Number(rlon)).toBe(Number(lon.toFixed(17)));
      expect(Number(rlat)).toBe(Number(lat.toFixed(17)));
      expect(gh.geohashString(score)).toBe((await r.geohash('g', `p${i}`))[0]);
    }
  });

  it('computes the same distances', async () => {
    for (let i = 0; i < POINTS.length; i++) {
      for (let j = 0; j < POINTS.length; j++) {
        const [a, b] = [gh.decodeScore(Number(await r.zscore('g', `p${i}`))), gh.decodeScore(Number(await r.zscore('g', `p${j}`)))];
        expect(gh.distance(a[0], a[1], b[0], b[1]).toFixed(4)).toBe(await r.geodist('g', `p${i}`, `p${j}`));
      }
    }
  });
});
