// GEO commands: points stored in sorted sets under their 52-bit geohash scores.
// Searches scan the geohash cells around the centre (src/keyspace/geohash.ts) and filter by shape.

import { ERR } from '../errors.js';
import * as gh from '../keyspace/geohash.js';
import { notifyKeyspaceEvent, NOTIFY_ZSET } from '../keyspace/notify.js';
import { ZSet } from '../keyspace/types/zset.js';
import { parseDouble } from '../protocol/format.js';
import type { Client } from '../server/client.js';
import { server } from '../server/state.js';
import type { CommandDef } from './spec.js';
import { ksIndex, ksKeyword } from './keyspecs.js';
import { deleteStored } from './list.js';
import { longArg } from './int-args.js';
import { zaddGeneric } from './zset.js';

const NIL = -1;

/** The sorted set at key for a read: undefined if missing, null after replying WRONGTYPE. */
function readZset(c: Client, key: string): ZSet | null | undefined {
  const v = c.db.lookupRead(key);
  if (v === undefined) return undefined;
  if (!(v instanceof ZSet)) {
    c.reply.error(ERR.wrongType);
    return null;
  }
  return v;
}

/**
 * printf("%f"): six decimals, "inf"/"-inf" for infinities. From 1e21 toFixed turns exponential;
 * doubles that large are whole numbers, which printf writes out digit by digit.
 */
function fmtF(d: number): string {
  if (!Number.isFinite(d)) return d > 0 ? 'inf' : '-inf';
  return Math.abs(d) < 1e21 ? d.toFixed(6) : `${BigInt(d)}.000000`;
}

/** Redis's human long-double form of a coordinate: 17 decimals, trailing zeros trimmed. */
function humanCoord(d: number): string {
  let s = d.toFixed(17);
  if (s.indexOf('.') !== -1) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

function replyCoord(c: Client, d: number): void {
  const s = humanCoord(d);
  if (c.resp === 3) c.reply.text(`,${s}\r\n`);
  else c.reply.bulk(s);
}

/** Parse lon, lat at argv[i], argv[i+1]; replies and returns null on error. */
function parseLonLat(c: Client, argv: string[], i: number): [number, number] | null {
  const lon = parseDouble(argv[i]);
  const lat = lon === null ? null : parseDouble(argv[i + 1]);
  if (lon === null || lat === null) {
    c.reply.error(ERR.notFloat);
    return null;
  }
  if (lon < gh.GEO_LONG_MIN || lon > gh.GEO_LONG_MAX || lat < gh.GEO_LAT_MIN || lat > gh.GEO_LAT_MAX) {
    c.reply.error(ERR.geoInvalidPair(fmtF(lon), fmtF(lat)));
    return null;
  }
  return [lon, lat];
}

/** Meters per unit, or -1 after replying the error. */
function parseUnit(c: Client, u: string): number {
  switch (u.toLowerCase()) {
    case 'm': return 1;
    case 'km': return 1000;
    case 'ft': return 0.3048;
    case 'mi': return 1609.34;
  }
  c.reply.error(ERR.geoUnit);
  return -1;
}

/** A number argument with a command-specific error text; null after replying. */
function parseNumber(c: Client, s: string, errText: string): number | null {
  const v = parseDouble(s);
  if (v === null) c.reply.error(errText);
  return v;
}

function geoadd(c: Client, argv: string[]): void {
  let i = 2;
  let nx = false;
  let xx = false;
  for (; i < argv.length; i++) {
    const o = argv[i].toLowerCase();
    if (o === 'nx') nx = true;
    else if (o === 'xx') xx = true;
    else if (o !== 'ch') break;
  }
  if ((argv.length - i) % 3 !== 0 || (nx && xx)) {
    c.reply.error(ERR.syntax);
    return;
  }
  // GEOADD is ZADD with each lon/lat pair turned into its score.
  const zargv = argv.slice(0, i);
  zargv[0] = 'ZADD';
  for (; i < argv.length; i += 3) {
    const ll = parseLonLat(c, argv, i);
    if (ll === null) return;
    zargv.push(String(gh.scoreOf(ll[0], ll[1])), argv[i + 2]);
  }
  zaddGeneric(c, zargv, 0);
  c.propagateArgv = zargv;
}

function geodist(c: Client, argv: string[]): void {
  let toMeter = 1;
  if (argv.length === 5) {
    toMeter = parseUnit(c, argv[4]);
    if (toMeter < 0) return;
  } else if (argv.length > 5) {
    c.reply.error(ERR.syntax);
    return;
  }
  const z = readZset(c, argv[1]);
  if (z === null) return;
  const s1 = z?.score(argv[2]);
  const s2 = z?.score(argv[3]);
  if (s1 === undefined || s2 === undefined) {
    c.reply.nullBulk();
    return;
  }
  const [lon1, lat1] = gh.decodeScore(s1);
  const [lon2, lat2] = gh.decodeScore(s2);
  c.reply.bulk((gh.distance(lon1, lat1, lon2, lat2) / toMeter).toFixed(4));
}

function geohashCmd(c: Client, argv: string[]): void {
  const z = readZset(c, argv[1]);
  if (z === null) return;
  c.reply.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const s = z?.score(argv[i]);
    if (s === undefined) c.reply.nullBulk();
    else c.reply.bulk(gh.geohashString(s));
  }
}

function geopos(c: Client, argv: string[]): void {
  const z = readZset(c, argv[1]);
  if (z === null) return;
  c.reply.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const s = z?.score(argv[i]);
    if (s === undefined) {
      c.reply.nullArray();
      continue;
    }
    const [lon, lat] = gh.decodeScore(s);
    c.reply.array(2);
    replyCoord(c, lon);
    replyCoord(c, lat);
  }
}

// Variants of the generic search.
const RADIUS_COORDS = 1;
const RADIUS_MEMBER = 2;
const NOSTORE = 4;
const SEARCH = 8;
const SEARCHSTORE = 16;

interface Found {
  member: string;
  dist: number;
  score: number;
  lon: number;
  lat: number;
}

/** Points of the zset inside the shape, scanning the cells in Redis's order. */
function collect(z: ZSet, shape: gh.Shape, limit: number): Found[] {
  const out: Found[] = [];
  const cells = gh.searchCells(shape);
  let last = -1;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (cell.step === 0 && cell.bits === 0) continue;
    if (last >= 0 && cells[last].bits === cell.bits && cells[last].step === cell.step) continue;
    if (limit > 0 && out.length >= limit) break;
    last = i;
    const min = gh.align52(cell);
    const max = gh.align52({ bits: cell.bits + 1, step: cell.step });
    const rank = z.firstInScore({ min, max, minex: false, maxex: true });
    if (rank < 0) continue;
    for (let h = z.at(rank); h !== NIL; h = z.next(h)) {
      const score = z.scoreAt(h);
      if (score >= max) break;
      const [lon, lat] = gh.decodeScore(score);
      const dist = gh.distanceIfInside(shape, lon, lat);
      if (dist >= 0) out.push({ member: z.member(h), dist, score, lon, lat });
      if (limit > 0 && out.length >= limit) break;
    }
  }
  return out;
}

function deleteStoreKey(c: Client, key: string): void {
  if (c.db.lookupWrite(key) !== undefined) deleteStored(c.db, key);
}

/** A radius and its unit at argv[at], argv[at + 1] into shape; false after replying an error. */
function parseRadius(c: Client, argv: string[], at: number, shape: gh.Shape): boolean {
  const r = parseNumber(c, argv[at], ERR.geoRadiusNotNumber);
  if (r === null) return false;
  if (r < 0) {
    c.reply.error(ERR.geoRadiusNegative);
    return false;
  }
  const conv = parseUnit(c, argv[at + 1]);
  if (conv < 0) return false;
  shape.radius = r;
  shape.conversion = conv;
  return true;
}

/** Center shape on a member's position; false after replying when the member is missing. */
function centerOnMember(c: Client, z: ZSet, member: string, shape: gh.Shape): boolean {
  const s = z.score(member);
  if (s === undefined) {
    c.reply.error(ERR.geoBadMember);
    return false;
  }
  [shape.lon, shape.lat] = gh.decodeScore(s);
  return true;
}

function georadiusGeneric(c: Client, argv: string[], srcIndex: number, flags: number): void {
  const z = readZset(c, argv[srcIndex]);
  if (z === null) return;
  let storeKey: string | null = null;
  let storeDist = false;
  const shape: gh.Shape = { lon: 0, lat: 0, conversion: 1 };
  let base: number;
  if (flags & RADIUS_COORDS) {
    base = 6;
    const ll = parseLonLat(c, argv, 2);
    if (ll === null) return;
    [shape.lon, shape.lat] = ll;
    if (!parseRadius(c, argv, 4, shape)) return;
  } else if (flags & RADIUS_MEMBER) {
    base = 5;
    if (z !== undefined && (!centerOnMember(c, z, argv[2], shape) || !parseRadius(c, argv, 3, shape))) return;
  } else {
    base = flags & SEARCHSTORE ? 3 : 2;
    if (flags & SEARCHSTORE) storeKey = argv[1];
  }

  let withDist = false;
  let withHash = false;
  let withCoord = false;
  let fromMember = false;
  let fromLoc = false;
  let byRadius = false;
  let byBox = false;
  let sort = 0; // 0 none, 1 asc, 2 desc
  let any = false;
  let count = 0;
  for (let i = base; i < argv.length; i++) {
    const a = argv[i].toLowerCase();
    const left = argv.length - i - 1;
    if (a === 'withdist') withDist = true;
    else if (a === 'withhash') withHash = true;
    else if (a === 'withcoord') withCoord = true;
    else if (a === 'any') any = true;
    else if (a === 'asc') sort = 1;
    else if (a === 'desc') sort = 2;
    else if (a === 'count' && left >= 1) {
      const n = longArg(c, argv[++i]);
      if (n === null) return;
      if (n <= 0) {
        c.reply.error(ERR.xautoclaimCount);
        return;
      }
      count = n;
    } else if ((a === 'store' || a === 'storedist') && left >= 1 && !(flags & (NOSTORE | SEARCH))) {
      storeKey = argv[++i];
      storeDist = a === 'storedist';
    } else if (a === 'storedist' && flags & SEARCHSTORE) {
      storeDist = true;
    } else if (a === 'frommember' && left >= 1 && flags & SEARCH && !fromLoc) {
      fromMember = true;
      const m = argv[++i];
      if (z !== undefined && !centerOnMember(c, z, m, shape)) return;
    } else if (a === 'fromlonlat' && left >= 2 && flags & SEARCH && !fromMember) {
      const ll = parseLonLat(c, argv, i + 1);
      if (ll === null) return;
      [shape.lon, shape.lat] = ll;
      fromLoc = true;
      i += 2;
    } else if (a === 'byradius' && left >= 2 && flags & SEARCH && !byBox) {
      if (!parseRadius(c, argv, i + 1, shape)) return;
      byRadius = true;
      i += 2;
    } else if (a === 'bybox' && left >= 3 && flags & SEARCH && !byRadius) {
      const w = parseNumber(c, argv[i + 1], ERR.geoWidthNotNumber);
      if (w === null) return;
      const h = parseNumber(c, argv[i + 2], ERR.geoHeightNotNumber);
      if (h === null) return;
      if (h < 0 || w < 0) {
        c.reply.error(ERR.geoBoxNegative);
        return;
      }
      const conv = parseUnit(c, argv[i + 3]);
      if (conv < 0) return;
      shape.width = w;
      shape.height = h;
      shape.conversion = conv;
      byBox = true;
      i += 3;
    } else {
      c.reply.error(ERR.syntax);
      return;
    }
  }
  if (storeKey !== null && (withDist || withHash || withCoord)) {
    c.reply.error(flags & SEARCHSTORE ? ERR.geoSearchstoreWith : ERR.georadiusStoreWith);
    return;
  }
  if (flags & SEARCH && !(fromMember || fromLoc)) {
    c.reply.error(ERR.geoFromOne(argv[0]));
    return;
  }
  if (flags & SEARCH && !(byRadius || byBox)) {
    c.reply.error(ERR.geoByOne(argv[0]));
    return;
  }
  if (any && count === 0) {
    c.reply.error(ERR.geoAnyNeedsCount);
    return;
  }
  if (z === undefined) {
    if (storeKey !== null) {
      deleteStoreKey(c, storeKey);
      c.reply.int(0);
    } else {
      c.reply.array(0);
    }
    return;
  }
  if (count !== 0 && sort === 0 && !any) sort = 1;

  const found = collect(z, shape, any ? count : 0);
  if (found.length === 0 && storeKey === null) {
    c.reply.array(0);
    return;
  }
  if (sort === 1) found.sort((a, b) => a.dist - b.dist);
  else if (sort === 2) found.sort((a, b) => b.dist - a.dist);
  const n = count === 0 || found.length < count ? found.length : count;

  if (storeKey === null) {
    const extra = (withDist ? 1 : 0) + (withHash ? 1 : 0) + (withCoord ? 1 : 0);
    c.reply.array(n);
    for (let i = 0; i < n; i++) {
      const f = found[i];
      if (extra > 0) c.reply.array(extra + 1);
      c.reply.bulk(f.member);
      if (withDist) c.reply.bulk((f.dist / shape.conversion).toFixed(4));
      if (withHash) c.reply.int(f.score);
      if (withCoord) {
        c.reply.array(2);
        replyCoord(c, f.lon);
        replyCoord(c, f.lat);
      }
    }
    return;
  }
  if (n === 0) {
    deleteStoreKey(c, storeKey);
    c.reply.int(0);
    return;
  }
  const dest = new ZSet();
  for (let i = 0; i < n; i++) {
    const f = found[i];
    dest.insert(f.member, storeDist ? f.dist / shape.conversion : f.score);
  }
  c.db.set(storeKey, dest);
  notifyKeyspaceEvent(NOTIFY_ZSET, flags & SEARCH ? 'geosearchstore' : 'georadiusstore', storeKey, c.db.id);
  server.dirty += n;
  c.reply.int(n);
}

/** Keys of GEORADIUS/GEORADIUSBYMEMBER: the source plus a STORE/STOREDIST destination (options scanned from index 5, as Redis does for both). */
function radiusKeys(argv: string[]): number[] {
  const keys = [1];
  for (let i = 5; i < argv.length - 1; i++) {
    const a = argv[i].toLowerCase();
    if (a === 'store' || a === 'storedist') keys.push(i + 1);
  }
  return keys;
}

const geo = (def: Omit<CommandDef, 'group' | 'acl'>): CommandDef => ({ group: 'geo', acl: 'geo', ...def });

const RADIUS_CPLX = 'O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.';
const SEARCH_CPLX = 'O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape';

export const commands: CommandDef[] = [
  geo({
    name: 'geoadd', arity: -5, flags: 'write denyoom', keys: [1, 1, 1], since: '3.2.0',
    docs: { history: [['6.2.0', 'CH, NX and XX options.']] },
    keySpecFlags: ['RW', 'UPDATE'],
    summary: 'Adds members with their longitude and latitude to a geospatial index (a sorted set).',
    complexity: 'O(log(N)) for each item added, where N is the number of elements in the sorted set.',
    handler: geoadd,
  }),
  geo({
    name: 'geodist', arity: -4, flags: 'readonly', keys: [1, 1, 1], since: '3.2.0',
    summary: 'Returns the distance between two members of a geospatial index.', complexity: 'O(log(N))',
    handler: geodist,
  }),
  geo({
    name: 'geohash', arity: -2, flags: 'readonly', keys: [1, 1, 1], since: '3.2.0',
    summary: 'Returns members of a geospatial index as standard geohash strings.', complexity: 'O(log(N)) for each member requested.',
    handler: geohashCmd,
  }),
  geo({
    name: 'geopos', arity: -2, flags: 'readonly', keys: [1, 1, 1], since: '3.2.0',
    summary: 'Returns the longitude and latitude of members of a geospatial index.', complexity: 'O(1) for each member requested.',
    handler: geopos,
  }),
  geo({
    name: 'georadius', arity: -6, flags: 'write denyoom', getKeys: radiusKeys, since: '3.2.0',
    docs: {
      history: [['6.2.0', 'ANY with COUNT.'], ['7.0.0', 'Units accepted in upper case.']],
      docFlags: ['deprecated'], deprecatedSince: '6.2.0', replacedBy: '`GEOSEARCH` or `GEOSEARCHSTORE` with `BYRADIUS`',
    },
    keys: [1, 1, 1], keySpecs: [ksIndex('RO access', 1), ksKeyword('OW update', 'STORE', 6), ksKeyword('OW update', 'STOREDIST', 6)],
    summary: 'Finds members within a radius of a point, optionally storing the result.',
    complexity: RADIUS_CPLX,
    handler: (c, argv) => georadiusGeneric(c, argv, 1, RADIUS_COORDS),
  }),
  geo({
    name: 'georadius_ro', arity: -6, flags: 'readonly', keys: [1, 1, 1], since: '3.2.10',
    docs: {
      history: [['6.2.0', 'ANY with COUNT.']],
      docFlags: ['deprecated'], deprecatedSince: '6.2.0', replacedBy: '`GEOSEARCH` with `BYRADIUS`',
    },
    summary: 'Finds members within a radius of a point (read-only form).',
    complexity: RADIUS_CPLX,
    handler: (c, argv) => georadiusGeneric(c, argv, 1, RADIUS_COORDS | NOSTORE),
  }),
  geo({
    name: 'georadiusbymember', arity: -5, flags: 'write denyoom', getKeys: radiusKeys, since: '3.2.0',
    docs: {
      history: [['7.0.0', 'Units accepted in upper case.']],
      docFlags: ['deprecated'], deprecatedSince: '6.2.0', replacedBy: '`GEOSEARCH` or `GEOSEARCHSTORE` with `FROMMEMBER` and `BYRADIUS`',
    },
    keys: [1, 1, 1], keySpecs: [ksIndex('RO access', 1), ksKeyword('OW update', 'STORE', 5), ksKeyword('OW update', 'STOREDIST', 5)],
    summary: 'Finds members within a radius of another member, optionally storing the result.',
    complexity: RADIUS_CPLX,
    handler: (c, argv) => georadiusGeneric(c, argv, 1, RADIUS_MEMBER),
  }),
  geo({
    name: 'georadiusbymember_ro', arity: -5, flags: 'readonly', keys: [1, 1, 1], since: '3.2.10',
    docs: { docFlags: ['deprecated'], deprecatedSince: '6.2.0', replacedBy: '`GEOSEARCH` with `FROMMEMBER` and `BYRADIUS`' },
    summary: 'Finds members within a radius of another member (read-only form).',
    complexity: RADIUS_CPLX,
    handler: (c, argv) => georadiusGeneric(c, argv, 1, RADIUS_MEMBER | NOSTORE),
  }),
  geo({
    name: 'geosearch', arity: -7, flags: 'readonly', keys: [1, 1, 1], since: '6.2.0',
    docs: { history: [['7.0.0', 'Units accepted in upper case.']] },
    summary: 'Finds members inside a circle or a box around a point or a member.',
    complexity: SEARCH_CPLX,
    handler: (c, argv) => georadiusGeneric(c, argv, 1, SEARCH),
  }),
  geo({
    name: 'geosearchstore', arity: -8, flags: 'write denyoom', keys: [1, 2, 1], since: '6.2.0',
    docs: { history: [['7.0.0', 'Units accepted in upper case.']] },
    keySpecs: [ksIndex('OW update', 1), ksIndex('RO access', 2)],
    summary: 'Finds members inside a circle or a box and stores them in a sorted set.',
    complexity: SEARCH_CPLX,
    handler: (c, argv) => georadiusGeneric(c, argv, 2, SEARCH | SEARCHSTORE),
  }),
];
