// Geohash math for the GEO commands, numerically identical to Redis's: 26 steps per axis give a
// 52-bit score (latitude bits at even positions, longitude at odd), stored as a sorted-set score.
// All hashes here fit in a double exactly (< 2^53), so plain numbers are used instead of BigInt.

export const GEO_STEP_MAX = 26;
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;
const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
const D_R = Math.PI / 180.0;

export interface Range {
  min: number;
  max: number;
}

/** A cell: its interleaved bits and its precision (bits per axis). step 0 = no cell. */
export interface GeoHash {
  bits: number;
  step: number;
}

export interface Area {
  lon: Range;
  lat: Range;
}

const WGS84_LON: Range = { min: GEO_LONG_MIN, max: GEO_LONG_MAX };
const WGS84_LAT: Range = { min: GEO_LAT_MIN, max: GEO_LAT_MAX };
/** GEOHASH output uses the standard geohash latitude range. */
export const STANDARD_LAT: Range = { min: -90, max: 90 };

const TWO32 = 4294967296;

/** Spread the low 16 bits of v to the even bit positions of a 32-bit result. */
function spread16(v: number): number {
  let x = v & 0xffff;
  x = (x | (x << 8)) & 0x00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f;
  x = (x | (x << 2)) & 0x33333333;
  x = (x | (x << 1)) & 0x55555555;
  return x >>> 0;
}

/** Collect the even bits of a 32-bit value into 16 bits. */
function squash32(v: number): number {
  let x = v & 0x55555555;
  x = (x | (x >>> 1)) & 0x33333333;
  x = (x | (x >>> 2)) & 0x0f0f0f0f;
  x = (x | (x >>> 4)) & 0x00ff00ff;
  x = (x | (x >>> 8)) & 0x0000ffff;
  return x;
}

/** Interleave two coordinates of up to 26 bits: a at even bits, b at odd bits. */
export function interleave(a: number, b: number): number {
  const lo = (spread16(a) | (spread16(b) << 1)) >>> 0;
  const hi = (spread16(Math.floor(a / 65536)) | (spread16(Math.floor(b / 65536)) << 1)) >>> 0;
  return hi * TWO32 + lo;
}

/** Inverse of interleave: [even-bit value, odd-bit value]. */
export function deinterleave(h: number): [number, number] {
  const hi = Math.floor(h / TWO32);
  const lo = h - hi * TWO32;
  const a = squash32(lo) + squash32(hi) * 65536;
  const b = squash32(lo >>> 1) + squash32(hi >>> 1) * 65536;
  return [a, b];
}

/** Encode a point at `step` bits per axis; null when outside the WGS84 limits or the ranges. */
export function encode(lon: number, lat: number, step: number, lonR: Range = WGS84_LON, latR: Range = WGS84_LAT): GeoHash | null {
  if (lon > GEO_LONG_MAX || lon < GEO_LONG_MIN || lat > GEO_LAT_MAX || lat < GEO_LAT_MIN) return null;
  if (lat < latR.min || lat > latR.max || lon < lonR.min || lon > lonR.max) return null;
  const scale = 2 ** step;
  // Truncation to an unsigned integer, as the C conversion to uint32 does.
  const latOff = Math.floor(((lat - latR.min) / (latR.max - latR.min)) * scale);
  const lonOff = Math.floor(((lon - lonR.min) / (lonR.max - lonR.min)) * scale);
  return { bits: interleave(latOff >>> 0, lonOff >>> 0), step };
}

export function decode(h: GeoHash, lonR: Range = WGS84_LON, latR: Range = WGS84_LAT): Area {
  const [ilat, ilon] = deinterleave(h.bits);
  const scale = 2 ** h.step;
  const latScale = latR.max - latR.min;
  const lonScale = lonR.max - lonR.min;
  return {
    lat: { min: latR.min + (ilat / scale) * latScale, max: latR.min + ((ilat + 1) / scale) * latScale },
    lon: { min: lonR.min + (ilon / scale) * lonScale, max: lonR.min + ((ilon + 1) / scale) * lonScale },
  };
}

/** Centre of a cell, clamped to the WGS84 limits: [lon, lat]. */
export function areaCenter(a: Area): [number, number] {
  let lon = (a.lon.min + a.lon.max) / 2;
  let lat = (a.lat.min + a.lat.max) / 2;
  if (lon > GEO_LONG_MAX) lon = GEO_LONG_MAX;
  if (lon < GEO_LONG_MIN) lon = GEO_LONG_MIN;
  if (lat > GEO_LAT_MAX) lat = GEO_LAT_MAX;
  if (lat < GEO_LAT_MIN) lat = GEO_LAT_MIN;
  return [lon, lat];
}

/** A stored 52-bit score back to [lon, lat]. */
export function decodeScore(score: number): [number, number] {
  return areaCenter(decode({ bits: score, step: GEO_STEP_MAX }));
}

/** The score a point is stored under (52-bit aligned hash). */
export function scoreOf(lon: number, lat: number): number | null {
  const h = encode(lon, lat, GEO_STEP_MAX);
  return h === null ? null : h.bits;
}

/** Shift a hash to 52-bit alignment (the score range its cell covers starts here). */
export function align52(h: GeoHash): number {
  return h.bits * 2 ** (52 - h.step * 2);
}

/** Move a cell by dx cells east and dy cells north, wrapping around at the edges. */
function move(h: GeoHash, dx: number, dy: number): GeoHash {
  const [ilat, ilon] = deinterleave(h.bits);
  const size = 2 ** h.step;
  const nlon = (ilon + dx + size) % size;
  const nlat = (ilat + dy + size) % size;
  return { bits: interleave(nlat, nlon), step: h.step };
}

export interface Neighbors {
  north: GeoHash;
  south: GeoHash;
  east: GeoHash;
  west: GeoHash;
  northEast: GeoHash;
  northWest: GeoHash;
  southEast: GeoHash;
  southWest: GeoHash;
}

export function neighbors(h: GeoHash): Neighbors {
  return {
    north: move(h, 0, 1),
    south: move(h, 0, -1),
    east: move(h, 1, 0),
    west: move(h, -1, 0),
    northEast: move(h, 1, 1),
    northWest: move(h, -1, 1),
    southEast: move(h, 1, -1),
    southWest: move(h, -1, -1),
  };
}

const rad = (d: number): number => d * D_R;
const deg = (r: number): number => r / D_R;

export function latDistance(lat1: number, lat2: number): number {
  return EARTH_RADIUS_IN_METERS * Math.abs(rad(lat2) - rad(lat1));
}

/** Haversine distance in meters on Redis's earth radius. */
export function distance(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const v = Math.sin((rad(lon2) - rad(lon1)) / 2);
  if (v === 0) return latDistance(lat1, lat2);
  const lat1r = rad(lat1);
  const lat2r = rad(lat2);
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a));
}

/** Bits per axis for a search radius, coarser near the poles. */
export function estimateSteps(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  return Math.min(26, Math.max(1, step));
}

/** A search shape: a circle (radius) or a box (width, height), in the unit given by `conversion`. */
export interface Shape {
  lon: number;
  lat: number;
  /** Meters per unit. */
  conversion: number;
  radius?: number;
  width?: number;
  height?: number;
}

/** Longitude/latitude bounds of the shape: [minLon, minLat, maxLon, maxLat]. */
export function boundingBox(s: Shape): [number, number, number, number] {
  const height = s.conversion * (s.radius !== undefined ? s.radius : s.height! / 2);
  const width = s.conversion * (s.radius !== undefined ? s.radius : s.width! / 2);
  const latDelta = deg(height / EARTH_RADIUS_IN_METERS);
  const lonDeltaTop = deg(width / EARTH_RADIUS_IN_METERS / Math.cos(rad(s.lat + latDelta)));
  const lonDeltaBottom = deg(width / EARTH_RADIUS_IN_METERS / Math.cos(rad(s.lat - latDelta)));
  // Hemispheres are mirror images: the wider edge is toward the equator.
  const south = s.lat < 0;
  return [
    south ? s.lon - lonDeltaBottom : s.lon - lonDeltaTop,
    s.lat - latDelta,
    south ? s.lon + lonDeltaBottom : s.lon + lonDeltaTop,
    s.lat + latDelta,
  ];
}

const ZERO: GeoHash = { bits: 0, step: 0 };

/**
 * The cells to scan for a shape, in Redis's order: centre, N, S, E, W, NE, NW, SE, SW; cells
 * that cannot hold matches are step 0.
 */
export function searchCells(s: Shape): GeoHash[] {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(s);
  let radiusMeters = s.radius !== undefined ? s.radius : Math.sqrt((s.width! / 2) ** 2 + (s.height! / 2) ** 2);
  radiusMeters *= s.conversion;
  let steps = estimateSteps(radiusMeters, s.lat);
  let hash = encode(s.lon, s.lat, steps)!;
  let nb = neighbors(hash);
  let area = decode(hash);
  // The estimate can leave a side of the search area uncovered near a cell edge: one step coarser.
  const n = decode(nb.north);
  const so = decode(nb.south);
  const e = decode(nb.east);
  const w = decode(nb.west);
  const decrease = n.lat.max < maxLat || so.lat.min > minLat || e.lon.max < maxLon || w.lon.min > minLon;
  if (steps > 1 && decrease) {
    steps--;
    hash = encode(s.lon, s.lat, steps)!;
    nb = neighbors(hash);
    area = decode(hash);
  }
  if (steps >= 2) {
    if (area.lat.min < minLat) nb.south = nb.southWest = nb.southEast = ZERO;
    if (area.lat.max > maxLat) nb.north = nb.northEast = nb.northWest = ZERO;
    if (area.lon.min < minLon) nb.west = nb.southWest = nb.northWest = ZERO;
    if (area.lon.max > maxLon) nb.east = nb.southEast = nb.northEast = ZERO;
  }
  return [hash, nb.north, nb.south, nb.east, nb.west, nb.northEast, nb.northWest, nb.southEast, nb.southWest];
}

/**
 * Distance from the shape's centre if the point is inside the shape, else -1.
 * Box checks latitude first (cheaper), then longitude along the point's parallel.
 */
export function distanceIfInside(s: Shape, lon: number, lat: number): number {
  if (s.radius !== undefined) {
    const d = distance(s.lon, s.lat, lon, lat);
    return d > s.radius * s.conversion ? -1 : d;
  }
  if (latDistance(lat, s.lat) > (s.height! * s.conversion) / 2) return -1;
  if (distance(lon, lat, s.lon, lat) > (s.width! * s.conversion) / 2) return -1;
  return distance(s.lon, s.lat, lon, lat);
}

const ALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/** The 11-character standard geohash string GEOHASH returns for a stored score. */
export function geohashString(score: number): string {
  const [lon, lat] = decodeScore(score);
  const h = encode(lon, lat, GEO_STEP_MAX, WGS84_LON, STANDARD_LAT);
  const bits = h === null ? 0 : h.bits;
  let out = '';
  for (let i = 0; i < 10; i++) out += ALPHABET[Math.floor(bits / 2 ** (52 - (i + 1) * 5)) & 0x1f];
  // 52 bits make 10.4 characters; the 11th is always '0', as in Redis.
  return out + '0';
}
