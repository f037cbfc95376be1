// Per-key access stamps, kept in the key table beside each key (KeyDict's stamps): the LRU clock of
// the last access, or under an LFU policy the LFU word (Redis's robj.lru, which Redis keeps in the
// object header for every key, whatever the policy). OBJECT IDLETIME reads them under every
// non-LFU policy, as in Redis, and eviction scores keys by them.
//
// The LRU clock counts 10 ms units of the command clock (clock.last, refreshed once per command):
// finer than Redis's 1 s, so the eviction order follows the access order closely. Stamps are int32
// and differences are taken modulo 2^32, so idle times are right up to 497 days (Redis's clock
// wraps at 194).

import { clock } from '../server/clock.js';
import type { KeyDict } from './keydict.js';

/** Redis's LFU_INIT_VAL: a new key starts warm enough not to be evicted before it is used again. */
export const LFU_INIT_VAL = 5;

const LRU_UNIT_MS = 10;

/** What the stamps mean now; evict.ts keeps it in step with the config. */
export const accessCfg = { lfu: false, logFactor: 10, decayTime: 1 };

/** The LRU clock now. */
export function lruClock(): number {
  return (clock.last * (1 / LRU_UNIT_MS)) | 0;
}

/** Milliseconds since an LRU stamp. */
export function lruIdleMs(stamp: number): number {
  return ((lruClock() - stamp) >>> 0) * LRU_UNIT_MS;
}

/** Minutes on a 16-bit clock, as Redis's LFU keeps its last-decrement time. */
function lfuMinutes(now: number): number {
  return Math.floor(now / 60000) & 0xffff;
}

/** The counter after lfu-decay-time has taken its toll (Redis's LFUDecrAndReturn). */
export function lfuDecayed(word: number, now: number): number {
  const counter = word & 0xff;
  if (accessCfg.decayTime === 0) return counter;
  const ldt = word >>> 8;
  const nowMin = lfuMinutes(now);
  const elapsed = nowMin >= ldt ? nowMin - ldt : 65535 - ldt + nowMin;
  const periods = Math.floor(elapsed / accessCfg.decayTime);
  return periods > counter ? 0 : counter - periods;
}

/** Logarithmic increment: the hotter the key, the less likely another hit counts (LFULogIncr). */
function lfuIncr(counter: number): number {
  if (counter === 255) return counter;
  const base = counter - LFU_INIT_VAL;
  const p = 1 / ((base < 0 ? 0 : base) * accessCfg.logFactor + 1);
  return Math.random() < p ? counter + 1 : counter;
}

function lfuWord(now: number, counter: number): number {
  return lfuMinutes(now) * 256 + counter;
}

/** The stamp of a key created now. */
export function newKeyStamp(): number {
  return accessCfg.lfu ? lfuWord(Date.now(), LFU_INIT_VAL) : lruClock();
}

/**
 * The stamp of a key whose value was replaced: under LFU the counter carries over (Redis's
 * dbSetValue keeps it); otherwise the new value is fresh, as Redis's new object is.
 */
export function replacedStamp(old: number): number {
  return accessCfg.lfu ? old : lruClock();
}

/** A lookup found the key in slot `i`: refresh its LRU clock or bump its LFU counter. */
export function touchSlot(dict: KeyDict<unknown>, i: number): void {
  if (accessCfg.lfu) {
    const now = Date.now();
    dict.setStampAt(i, lfuWord(now, lfuIncr(lfuDecayed(dict.stampAt(i), now))));
  } else {
    dict.setStampAt(i, lruClock());
  }
}

/**
 * Access info given from outside (RESTORE IDLETIME/FREQ, an RDB's IDLE/FREQ opcodes; Redis's
 * objectSetLRUOrLFU): a frequency under an LFU policy, an idle time in seconds under any other.
 */
export function setAccess(dict: KeyDict<unknown>, key: string, idleSec: number, freq: number): void {
  const i = dict.slotOf(key);
  if (i < 0) return;
  if (accessCfg.lfu) {
    if (freq >= 0) dict.setStampAt(i, lfuWord(Date.now(), freq));
  } else if (idleSec >= 0) {
    dict.setStampAt(i, (lruClock() - Math.floor((idleSec * 1000) / LRU_UNIT_MS)) | 0);
  }
}

/** OBJECT IDLETIME: whole seconds since the last access (meaningful under non-LFU policies). */
export function idleSeconds(dict: KeyDict<unknown>, key: string): number {
  const i = dict.slotOf(key);
  return i < 0 ? 0 : Math.floor(lruIdleMs(dict.stampAt(i)) / 1000);
}

/** OBJECT FREQ: the decayed LFU counter. */
export function lfuFrequency(dict: KeyDict<unknown>, key: string): number {
  const i = dict.slotOf(key);
  return i < 0 ? 0 : lfuDecayed(dict.stampAt(i), Date.now());
}

/**
 * The policy moved between LFU and the rest: the stamps change meaning, so every key starts over
 * (LFU_INIT_VAL, or accessed now). Redis reads the old bits in the new sense instead.
 */
export function restartStamps(dicts: Iterable<KeyDict<unknown>>): void {
  const v = newKeyStamp();
  for (const d of dicts) d.fillStamps(v);
}
