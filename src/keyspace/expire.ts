// Active expiry: `hz` times a second, sample volatile keys per database and delete the expired
// ones, repeating while more than a quarter of a sample was expired, within a small time budget.
// Each database keeps a live Map iterator, so successive cycles walk the whole expires table.

import { datasetFrozen, type Db } from './db.js';
import { server } from '../server/state.js';

const SAMPLE = 20;
const iterators = new WeakMap<Map<string, number>, Iterator<[string, number]>>();
let enabled = true;
let timer: NodeJS.Timeout | null = null;

export function setActiveExpire(on: boolean): void {
  enabled = on;
}

/** One pass over a database; returns [sampled, expired]. */
function sampleDb(db: Db, now: number): [number, number] {
  const map = db.expires;
  let it = iterators.get(map);
  if (it === undefined) {
    it = map.entries();
    iterators.set(map, it);
  }
  let sampled = 0;
  let expired = 0;
  let ttlSum = 0;
  while (sampled < SAMPLE) {
    const r = it.next();
    if (r.done) {
      iterators.delete(map);
      break;
    }
    sampled++;
    const [key, when] = r.value;
    if (when <= now) {
      if (db.expireIfNeeded(key, now)) expired++;
    } else {
      ttlSum += when - now;
    }
  }
  const alive = sampled - expired;
  if (alive > 0) {
    const avg = ttlSum / alive;
    db.avgTtl = db.avgTtl === 0 ? avg : (db.avgTtl / 50) * 49 + avg / 50;
  }
  return [sampled, expired];
}

function cycle(): void {
  if (!enabled || server.shuttingDown || datasetFrozen.on) return;
  const effort = server.config.num('active-expire-effort');
  const hz = server.config.num('hz');
  // Redis allows 25% of the CPU per second to this; spread over hz cycles.
  const budget = (250 + 25 * (effort - 1)) / hz;
  const start = performance.now();
  for (const db of server.dbs) {
    if (db.expires.size === 0) continue;
    for (;;) {
      const [sampled, expired] = sampleDb(db, Date.now());
      if (sampled === 0 || expired * 4 <= sampled) break;
      if (performance.now() - start > budget) return;
    }
  }
  server.flushPending();
}

export function startActiveExpire(): void {
  if (timer) clearInterval(timer);
  server.config.watch('hz', (v) => {
    if (timer) clearInterval(timer);
    timer = setInterval(cycle, Math.max(1, Math.floor(1000 / Number(v))));
    timer.unref();
  });
}
