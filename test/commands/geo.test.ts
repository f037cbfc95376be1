import { differential } from '../helpers/differential.js';

const sicily = ['GEOADD', 'Sicily', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'];
const grid: string[] = ['GEOADD', 'grid'];
for (let i = 0; i < 12; i++) for (let j = 0; j < 12; j++) grid.push(String(-0.3 + i * 0.05), String(51.3 + j * 0.04), `p${i}_${j}`);

differential('geo', {
  'geoadd, geopos, geodist, geohash': [
    sicily, ['GEOADD', 'Sicily', 'NX', '13.361389', '38.115556', 'Palermo'], ['GEOADD', 'Sicily', 'XX', 'CH', '13.5', '38.1', 'Palermo'],
    ['GEOPOS', 'Sicily', 'Palermo', 'Catania', 'NonExisting'], ['GEODIST', 'Sicily', 'Palermo', 'Catania'],
    ['GEODIST', 'Sicily', 'Palermo', 'Catania', 'km'], ['GEODIST', 'Sicily', 'Palermo', 'Catania', 'mi'],
    ['GEODIST', 'Sicily', 'Palermo', 'Catania', 'ft'], ['GEODIST', 'Sicily', 'Palermo', 'x'], ['GEODIST', 'nokey', 'a', 'b'],
    ['GEOHASH', 'Sicily', 'Palermo', 'Catania', 'x'], ['GEOHASH', 'nokey', 'a'], ['GEOPOS', 'nokey', 'a'], ['ZRANGE', 'Sicily', '0', '-1', 'WITHSCORES'],
  ],
  'geoadd errors': [
    ['GEOADD', 'g', '200', '10', 'm'], ['GEOADD', 'g', '10', '86', 'm'], ['GEOADD', 'g', 'x', '10', 'm'], ['GEOADD', 'g', 'NX', 'XX', '1', '1', 'm'],
    ['GEOADD', 'g', '1', '1'], ['GEODIST', 'Sicily', 'a', 'b', 'km', 'x'], ['SET', 's', 'v'], ['GEOADD', 's', '1', '1', 'm'], ['GEOPOS', 's', 'm'],
    ['GEODIST', 'Sicily', 'Palermo', 'Catania', 'parsecs'],
  ],
  'georadius family': [
    sicily,
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'WITHDIST'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'WITHCOORD', 'WITHHASH', 'WITHDIST', 'ASC'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'DESC', 'COUNT', '1'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'COUNT', '1', 'ANY'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'ANY'], ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'COUNT', '0'],
    ['GEORADIUS', 'Sicily', '15', '37', '-1', 'km'], ['GEORADIUS', 'Sicily', '15', '37', 'x', 'km'],
    ['GEORADIUS_RO', 'Sicily', '15', '37', '200', 'km', 'STORE', 'x'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STORE', 'dst'], ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STOREDIST', 'dst2'], ['ZRANGE', 'dst2', '0', '-1', 'WITHSCORES'],
    ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STORE', 'dst', 'WITHDIST'],
    ['GEORADIUS', 'Sicily', '0', '0', '1', 'km', 'STORE', 'dst'], ['EXISTS', 'dst'],
    ['GEORADIUSBYMEMBER', 'Sicily', 'Palermo', '200', 'km', 'WITHDIST'], ['GEORADIUSBYMEMBER', 'Sicily', 'nobody', '200', 'km'],
    ['GEORADIUSBYMEMBER_RO', 'Sicily', 'Palermo', '100', 'km'], ['GEORADIUS', 'nokey', '15', '37', '200', 'km'],
  ],
  'geosearch': [
    sicily, ['GEOADD', 'Sicily', '12.758489', '38.788135', 'edge1', '17.241510', '38.788135', 'edge2'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'ASC'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '400', '400', 'km', 'ASC', 'WITHCOORD', 'WITHDIST'],
    ['GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '100', 'km'],
    ['GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'FROMLONLAT', '1', '1', 'BYRADIUS', '1', 'km'],
    ['GEOSEARCH', 'Sicily', 'BYRADIUS', '1', 'km'], ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '1', '1'],
    ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '-1', '1', 'km'],
    ['GEOSEARCHSTORE', 'dst', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '400', '400', 'km', 'STOREDIST'], ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
    ['GEOSEARCHSTORE', 'dst', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '400', '400', 'km', 'WITHDIST'],
    ['GEOSEARCH', 'nokey', 'FROMMEMBER', 'x', 'BYRADIUS', '10', 'km'],
  ],
  'search order over many cells': [
    grid,
    ['GEOSEARCH', 'grid', 'FROMLONLAT', '0', '51.5', 'BYRADIUS', '10', 'km'],
    ['GEOSEARCH', 'grid', 'FROMLONLAT', '-0.1', '51.5', 'BYBOX', '20', '15', 'km', 'WITHHASH'],
    ['GEORADIUS', 'grid', '0.1', '51.6', '25', 'km', 'COUNT', '5', 'ANY'],
    ['GEORADIUS', 'grid', '0.1', '51.6', '25', 'km', 'COUNT', '7', 'DESC', 'WITHDIST'],
  ],
});
