// Latency accounting: the per-command latency histograms behind INFO latencystats and LATENCY
// HISTOGRAM (latency-tracking), and the latency monitor's event time series behind LATENCY
// LATEST/HISTORY/DOCTOR (latency-monitor-threshold).

import { F, type CommandSpec } from '../commands/spec.js';
import { server } from './state.js';

// Histogram of nanoseconds with two significant digits, bucketed like an HDR histogram: values
// below 256 are exact, above that each power of two is split into 128 equal sub-buckets.
const SUB = 128;
const MAX_EXP = 45; // ~35000 s; slower calls land in the last bucket
const BUCKETS = 256 + (MAX_EXP - 8) * SUB;

function bucketOf(ns: number): number {
  if (ns < 256) return ns < 1 ? 1 : Math.floor(ns);
  // Every command of under ~2 s: integer bit tricks (Math.log2 and ** showed in SET profiles).
  if (ns < 2147483648) {
    const e = 31 - Math.clz32(ns);
    return 256 + (e - 8) * SUB + ((ns >>> (e - 7)) - SUB);
  }
  const exp = Math.min(MAX_EXP - 1, Math.floor(Math.log2(ns)));
  const sub = Math.min(2 * SUB - 1, Math.floor(ns / 2 ** (exp - 7)));
  return 256 + (exp - 8) * SUB + (sub - SUB);
}

/** Lowest value and width of bucket i. */
function bucketRange(i: number): [number, number] {
  if (i < 256) return [i, 1];
  const exp = 8 + Math.floor((i - 256) / SUB);
  const sub = SUB + ((i - 256) % SUB);
  const width = 2 ** (exp - 7);
  return [sub * width, width];
}

export interface LatencyHistogram {
  counts: Uint32Array;
  total: number;
}

/** Commands that have a histogram, to reset them all. */
const tracked: CommandSpec[] = [];

let tracking = true;
let monitorThresholdMs = 0;

export function initLatency(): void {
  server.config.watch('latency-tracking', (v) => {
    tracking = v === 'yes';
  });
  server.config.watch('latency-monitor-threshold', (v) => {
    monitorThresholdMs = Number(v);
  });
}

/** Called by the dispatcher after every executed command. */
export function afterCall(cmd: CommandSpec, usec: number): void {
  if (tracking) {
    let h = cmd.histogram;
    if (h === null) {
      h = { counts: new Uint32Array(BUCKETS), total: 0 };
      cmd.histogram = h;
      tracked.push(cmd);
    }
    h.counts[bucketOf(usec * 1000)]++;
    h.total++;
  }
  if (monitorThresholdMs > 0) {
    const ms = Math.floor(usec / 1000);
    if (ms >= monitorThresholdMs) latencyAddSample(cmd.flags & F.FAST ? 'fast-command' : 'command', ms);
  }
}

export function resetHistograms(): void {
  for (const cmd of tracked) cmd.histogram = null;
  tracked.length = 0;
}

/** Value (ns) at a percentile: the highest value of the bucket where the count is reached. */
export function valueAtPercentile(h: LatencyHistogram, pct: number): number {
  const want = Math.max(1, Math.ceil((pct / 100) * h.total));
  let seen = 0;
  for (let i = 0; i < BUCKETS; i++) {
    seen += h.counts[i];
    if (seen >= want) {
      const [low, width] = bucketRange(i);
      return low + width - 1;
    }
  }
  return 0;
}

/**
 * Cumulative distribution in power-of-two steps starting at 1024 ns (LATENCY HISTOGRAM), like
 * Redis's logarithmic HDR iteration: each step reports the highest value its bucket stands for, in
 * microseconds, with the calls at or below it — only steps where the count grew.
 */
export function cumulativeDistribution(h: LatencyHistogram): [number, number][] {
  const out: [number, number][] = [];
  let cumulative = 0;
  let prev = 0;
  let i = 0;
  for (let limit = 1024; cumulative < h.total && limit < 2 ** MAX_EXP; limit *= 2) {
    const last = bucketOf(limit);
    for (; i <= last; i++) cumulative += h.counts[i];
    if (cumulative > prev) {
      const [low, width] = bucketRange(last);
      out.push([Math.floor((low + width - 1) / 1000), cumulative]);
    }
    prev = cumulative;
  }
  return out;
}

// ---- latency monitor ----

/** Redis keeps the last 160 samples per event, one per second at most. */
const TS_LEN = 160;

export interface LatencySample {
  time: number;
  latency: number;
}

export interface LatencySeries {
  samples: LatencySample[];
  max: number;
}

export const latencyEvents = new Map<string, LatencySeries>();

/** Record `ms` of latency for an event; samples within the same second keep the highest. */
export function latencyAddSample(event: string, ms: number): void {
  const now = Math.floor(Date.now() / 1000);
  let ts = latencyEvents.get(event);
  if (ts === undefined) {
    ts = { samples: [], max: 0 };
    latencyEvents.set(event, ts);
  }
  if (ms > ts.max) ts.max = ms;
  const last = ts.samples[ts.samples.length - 1];
  if (last !== undefined && last.time === now) {
    if (ms > last.latency) last.latency = ms;
    return;
  }
  ts.samples.push({ time: now, latency: ms });
  if (ts.samples.length > TS_LEN) ts.samples.shift();
}

/** Forget one event (or all when null); returns how many were reset. */
export function latencyResetEvent(event: string | null): number {
  if (event === null) {
    const n = latencyEvents.size;
    latencyEvents.clear();
    return n;
  }
  return latencyEvents.delete(event) ? 1 : 0;
}

/** LATENCY DOCTOR: a short plain-text analysis of the recorded events. */
export function latencyReport(): string {
  if (monitorThresholdMs === 0 && latencyEvents.size === 0) {
    return 'Latency monitoring is disabled on this server. Enable it with "CONFIG SET latency-monitor-threshold <milliseconds>" to collect latency events.\n';
  }
  if (latencyEvents.size === 0) {
    return 'No latency spikes were observed since the last reset: this server looks healthy.\n';
  }
  let out = 'Latency spikes were observed for the following events:\n\n';
  let n = 1;
  for (const [event, ts] of latencyEvents) {
    let sum = 0;
    for (const s of ts.samples) sum += s.latency;
    const avg = ts.samples.length > 0 ? Math.floor(sum / ts.samples.length) : 0;
    const first = ts.samples[0]?.time ?? 0;
    out += `${n++}. ${event}: ${ts.samples.length} latency spikes (average ${avg}ms, worst ${ts.max}ms). ` +
      `Samples cover ${Math.max(0, Math.floor(Date.now() / 1000) - first)} seconds.\n`;
  }
  out += '\nAdvice:\n';
  if (latencyEvents.has('command') || latencyEvents.has('fast-command')) {
    out += '- Slow commands were recorded: check SLOWLOG GET for the commands involved and avoid O(N) ' +
      'commands on large values.\n';
  }
  out += '- Check whether the host is overloaded or shared with other busy processes.\n';
  return out;
}

/** LATENCY GRAPH: the event's samples as a small text chart, oldest left, one column per sample. */
export function latencyGraph(event: string, ts: LatencySeries): string {
  let max = 0;
  let min = Infinity;
  for (const smp of ts.samples) {
    if (smp.latency > max) max = smp.latency;
    if (smp.latency < min) min = smp.latency;
  }
  const rows = 4;
  let out = `${event} - high ${max} ms, low ${min} ms (all time high ${ts.max} ms)\n${'-'.repeat(80)}\n`;
  for (let r = rows; r >= 1; r--) {
    let line = '';
    for (const smp of ts.samples.slice(-80)) line += max > 0 && smp.latency * rows >= max * r - max / 2 ? '#' : ' ';
    out += line.trimEnd() + '\n';
  }
  return out;
}
