// Configuration values: parsing and validation by directive type, change hooks, CONFIG GET
// matching and CONFIG REWRITE. The table in table.ts decides which names exist.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { DIRECTIVES, DIRECTIVE_BY_NAME, type Directive } from './table.js';
import { globMatch } from '../util/glob.js';
import { parseSafeInt } from '../protocol/format.js';

/** Redis's memtoull: a byte count with an optional k/kb/m/mb/g/gb unit. */
export function parseMemory(v: string): number | null {
  const mt = /^(-?\d+)(k|kb|m|mb|g|gb|b)?$/i.exec(v);
  if (!mt) return null;
  const n = Number(mt[1]);
  const unit = (mt[2] || '').toLowerCase();
  const mul = unit === 'k' ? 1000 : unit === 'kb' ? 1024 : unit === 'm' ? 1e6 : unit === 'mb' ? 1048576
    : unit === 'g' ? 1e9 : unit === 'gb' ? 1073741824 : 1;
  return n * mul;
}

const KEYSPACE_FLAGS = 'KEg$lshzxetmdnA';
/** Redis's CONFIG_BINDADDR_MAX. */
const BIND_ADDR_MAX = 16;

/**
 * Canonical text of a notify-keyspace-events value, as Redis 7.0 prints it: 'A' or the classes
 * in g$lshzxetdn order, then K, E, m. Like Redis, 'A' hides an 'n' given with it.
 */
export function canonicalNotifyFlags(v: string): string | null {
  const set = new Set<string>();
  for (const ch of v) {
    if (!KEYSPACE_FLAGS.includes(ch)) return null;
    if (ch === 'A') for (const c of 'g$lshzxetd') set.add(c);
    else set.add(ch);
  }
  let out = '';
  if ([...'g$lshzxetd'].every((c) => set.has(c))) out = 'A';
  else for (const c of 'g$lshzxetdn') if (set.has(c)) out += c;
  for (const c of 'KEm') if (set.has(c)) out += c;
  return out;
}

function splitWords(v: string): string[] {
  return v.split(/\s+/).filter((w) => w.length > 0);
}

function validateSpecial(d: Directive, v: string): string | { value: string } {
  switch (d.name) {
    case 'save': {
      const w = splitWords(v);
      if (w.length % 2 !== 0) return 'Invalid save parameters';
      for (const x of w) if (!/^\d+$/.test(x)) return 'Invalid save parameters';
      return { value: w.join(' ') };
    }
    case 'bind':
      // Kept as given: like Redis's CONFIG SET, words are split on single spaces when binding.
      return v.split(' ').length > BIND_ADDR_MAX ? 'Too many bind addresses specified.' : { value: v };
    case 'dir': {
      try {
        if (!fs.statSync(v).isDirectory()) return 'No such file or directory';
      } catch (err) {
        return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : String(err);
      }
      return { value: path.resolve(v) };
    }
    case 'client-output-buffer-limit': {
      const w = splitWords(v);
      if (w.length % 4 !== 0) return 'Wrong number of arguments in buffer limit configuration.';
      for (let k = 0; k < w.length; k += 4) {
        if (!['normal', 'slave', 'replica', 'pubsub'].includes(w[k].toLowerCase())) return 'Invalid client class specified in buffer limit configuration.';
        const hard = parseMemory(w[k + 1]);
        const soft = parseMemory(w[k + 2]);
        const secs = /^\d+$/.test(w[k + 3]) ? Number(w[k + 3]) : -1;
        if (hard === null || soft === null || secs < 0 || hard < 0 || soft < 0) return 'Error in hard, soft or soft_seconds setting in buffer limit configuration.';
      }
      return { value: w.join(' ') };
    }
    case 'notify-keyspace-events': {
      const c = canonicalNotifyFlags(v);
      return c === null ? 'Invalid event class character. Use \'Ag$lshzxeKEtmdn\'.' : { value: c };
    }
    case 'shutdown-on-sigint':
    case 'shutdown-on-sigterm': {
      const w = splitWords(v.toLowerCase());
      if (w.length === 0 || w.some((x) => !SHUTDOWN_FLAGS.includes(x))) return 'argument(s) must be one of the following: default, save, nosave, now, force';
      // Read back as Redis prints flags: in their declared order, `default` only when alone.
      const set = SHUTDOWN_FLAGS.filter((f) => f !== 'default' && w.includes(f));
      return { value: set.length === 0 ? 'default' : set.join(' ') };
    }
    case 'replicaof': {
      const w = splitWords(v);
      if (w.length === 0 || (w.length === 2 && w[0].toLowerCase() === 'no' && w[1].toLowerCase() === 'one')) return { value: '' };
      if (w.length !== 2) return 'wrong number of arguments';
      if (!/^\d+$/.test(w[1]) || Number(w[1]) > 65535) return 'Invalid master port';
      return { value: `${w[0]} ${Number(w[1])}` };
    }
    case 'latency-tracking-info-percentiles': {
      const w = splitWords(v);
      for (const x of w) {
        const f = Number(x);
        if (!Number.isFinite(f) || f < 0 || f > 100) return 'latency-tracking-info-percentiles parameter should be between 0.0 and 100.0';
      }
      // Kept as Redis prints them back: %f without its trailing zeros ("50.0" is "50").
      return { value: w.map((x) => Number(x).toFixed(6).replace(/\.?0+$/, '')).join(' ') };
    }
    case 'oom-score-adj-values': {
      const w = splitWords(v);
      if (w.length !== 3) return 'wrong number of arguments';
      if (w.some((x) => !/^\s*[+-]?\d+$/.test(x) || Math.abs(Number(x)) > 2000)) return 'Invalid oom-score-adj-values, elements must be between -2000 and 2000.';
      return { value: w.map((x) => String(Number(x))).join(' ') };
    }
    default:
      return { value: v };
  }
}

/** Merge a client-output-buffer-limit update into the full three-class value, as Redis does. */
function mergeOutputLimits(current: string, update: string): string {
  const classes = new Map<string, string[]>();
  const cur = splitWords(current);
  for (let k = 0; k < cur.length; k += 4) classes.set(cur[k], cur.slice(k + 1, k + 4));
  const up = splitWords(update);
  for (let k = 0; k < up.length; k += 4) {
    let cls = up[k].toLowerCase();
    if (cls === 'replica') cls = 'slave';
    classes.set(cls, [up[k + 1], up[k + 2], up[k + 3]].map((x, j) => (j < 2 ? String(parseMemory(x)) : x)));
  }
  return ['normal', 'slave', 'pubsub'].map((c) => `${c} ${(classes.get(c) ?? ['0', '0', '0']).join(' ')}`).join(' ');
}

type Hook = (value: string) => string | null | void;

export class Config {
  private values = new Map<string, string>();
  private nums = new Map<string, number>();
  private hooks = new Map<string, Hook[]>();
  /** Texts as given, where the canonical form loses something (see given()). */
  private givenValues = new Map<string, string>();
  /** Where CONFIG REWRITE writes; null when started without a file. */
  file: string | null = null;
  /** Directives whose rewritten lines come from live state rather than a value (the ACL users). */
  private rewriteProviders = new Map<string, () => string[]>();

  /**
   * CONFIG REWRITE takes this directive's lines from fn: they fill the directive's lines already
   * in the file in order, the rest are appended, and leftover old lines are dropped, as Redis does.
   */
  provideRewriteLines(name: string, fn: () => string[]): void {
    this.rewriteProviders.set(name, fn);
  }

  constructor() {
    for (const d of DIRECTIVES) this.store(d, this.normalize(d, d.def) as string);
  }

  /** Canonical directive for a name or alias, or undefined. */
  lookup(name: string): Directive | undefined {
    return DIRECTIVE_BY_NAME.get(name.toLowerCase());
  }

  get(name: string): string {
    const v = this.values.get(name);
    if (v === undefined) throw new Error(`unknown config ${name}`);
    return v;
  }

  num(name: string): number {
    const v = this.nums.get(name);
    if (v === undefined) throw new Error(`config ${name} is not numeric`);
    return v;
  }

  bool(name: string): boolean {
    return this.values.get(name) === 'yes';
  }

  /**
   * The text last set for a directive, before canonicalisation: notify-keyspace-events keeps an
   * 'n' that its canonical 'A' form hides, as Redis keeps the flag while CONFIG GET shows 'AKE'.
   */
  given(name: string): string {
    return this.givenValues.get(name) ?? this.get(name);
  }

  /** Run fn now and whenever the directive changes; fn may veto a change by returning an error detail. */
  watch(name: string, fn: Hook): void {
    const list = this.hooks.get(name) ?? [];
    list.push(fn);
    this.hooks.set(name, list);
    fn(this.get(name));
  }

  /** Parse a value for a directive into its canonical text, or an error detail. */
  normalize(d: Directive, raw: string): string | { error: string } {
    let v: string;
    switch (d.type) {
      case 'bool': {
        const l = raw.toLowerCase();
        if (l !== 'yes' && l !== 'no') return { error: "argument must be 'yes' or 'no'" };
        v = l;
        break;
      }
      case 'int': {
        const n = d.octal ? (/^[0-7]+$/.test(raw) ? parseInt(raw, 8) : null) : parseSafeInt(raw);
        if (n === null) return { error: "argument couldn't be parsed into an integer" };
        if (n < (d.min ?? -Infinity) || n > (d.max ?? Infinity)) return { error: `argument must be between ${d.min} and ${d.max} inclusive` };
        v = d.octal ? n.toString(8) : String(d.clamp ? Math.min(d.clamp[1], Math.max(d.clamp[0], n)) : n);
        break;
      }
      case 'memory': {
        if (d.percent && /^\d+%$/.test(raw)) {
          const pct = Number(raw.slice(0, -1));
          if (-pct < (d.min ?? 0)) return { error: `percentage argument must be less or equal to ${-(d.min ?? 0)}` };
          v = `${pct}%`;
          break;
        }
        const n = parseMemory(raw);
        if (n === null) return { error: d.percent ? 'argument must be a memory or percent value' : 'argument must be a memory value' };
        if (n < (d.min ?? 0) || n > (d.max ?? Number.MAX_SAFE_INTEGER)) return { error: `argument must be between ${d.min ?? 0} and ${d.max ?? 'LLONG_MAX'} inclusive` };
        v = String(n);
        break;
      }
      case 'enum': {
        const l = raw.toLowerCase();
        if (!d.values!.includes(l)) return { error: `argument(s) must be one of the following: ${d.values!.join(', ')}` };
        v = d.enumAlias?.[l] ?? l;
        break;
      }
      case 'string':
        v = raw;
        break;
      case 'special': {
        const r = validateSpecial(d, raw);
        if (typeof r === 'string') return { error: r };
        v = r.value;
        break;
      }
    }
    if (d.onlyValues && !d.onlyValues.includes(v)) {
      return { error: `'${d.name} ${raw}' is not implemented yet in Shoal` };
    }
    return v;
  }

  private store(d: Directive, v: string): void {
    this.values.set(d.name, v);
    if (d.type === 'memory' && v.endsWith('%')) this.nums.set(d.name, -Number(v.slice(0, -1)));
    else if (d.type === 'int' || d.type === 'memory') this.nums.set(d.name, d.octal ? parseInt(v, 8) : Number(v));
  }

  /** Set a directive at run time or from a file; returns an error detail or null. */
  set(name: string, raw: string): string | null {
    const r = this.setAll([name], [raw]);
    return r === null ? null : r.error;
  }

  /**
   * Set several directives at once, as Redis's CONFIG SET applies them: every value is stored
   * before any hook runs, so directives that only make sense together (a certificate and its key)
   * are checked together. On the first error every value goes back (and hooks see the old ones).
   */
  setAll(names: string[], raws: string[]): { index: number; error: string } | null {
    const staged: { d: Directive; old: string; oldGiven: string | undefined }[] = [];
    const restore = (): void => {
      for (let j = staged.length - 1; j >= 0; j--) {
        const { d, old, oldGiven } = staged[j];
        this.store(d, old);
        if (oldGiven === undefined) this.givenValues.delete(d.name);
        else this.givenValues.set(d.name, oldGiven);
      }
    };
    for (let k = 0; k < names.length; k++) {
      const d = this.lookup(names[k]);
      if (!d) {
        restore();
        return { index: k, error: 'unknown' };
      }
      let raw = raws[k];
      if (d.name === 'client-output-buffer-limit') {
        const r = this.normalize(d, raw);
        if (typeof r !== 'string') {
          restore();
          return { index: k, error: r.error };
        }
        raw = mergeOutputLimits(this.get(d.name), r);
      }
      const r = this.normalize(d, raw);
      if (typeof r !== 'string') {
        restore();
        return { index: k, error: r.error };
      }
      staged.push({ d, old: this.get(d.name), oldGiven: this.givenValues.get(d.name) });
      this.store(d, r);
      if (d.type === 'special') this.givenValues.set(d.name, raw);
    }
    for (let k = 0; k < staged.length; k++) {
      const name = staged[k].d.name;
      for (const h of this.hooks.get(name) ?? []) {
        const err = h(this.get(name));
        if (typeof err === 'string') {
          restore();
          // Hooks that already accepted the new values see the old ones again.
          for (let j = 0; j < k; j++) for (const h2 of this.hooks.get(staged[j].d.name) ?? []) h2(staged[j].old);
          return { index: k, error: err };
        }
      }
    }
    return null;
  }

  /**
   * [name, value] pairs for CONFIG GET, each parameter once. Like Redis, a name without glob
   * characters is looked up directly and echoed as typed; hidden parameters need that exact form.
   */
  match(patterns: string[]): [string, string][] {
    const out: [string, string][] = [];
    const seen = new Set<string>();
    for (const p of patterns) {
      if (!/[*?[]/.test(p)) {
        const exact = DIRECTIVE_BY_NAME.get(p.toLowerCase());
        if (exact && !exact.fileOnly && !seen.has(p)) {
          seen.add(p);
          out.push([p, this.get(exact.name)]);
        }
        continue;
      }
      const lp = p.toLowerCase();
      for (const d of DIRECTIVES) {
        if (d.hidden || d.fileOnly) continue;
        for (const n of d.alias ? [d.name, d.alias] : [d.name]) {
          if (!seen.has(n) && globMatch(lp, n, false)) {
            seen.add(n);
            out.push([n, this.get(d.name)]);
          }
        }
      }
    }
    return out;
  }

  /**
   * CONFIG REWRITE, the way Redis does it: comments and unknown lines stay, every directive already
   * in the file is rewritten in place with its current value (its first line holds all of a
   * multi-line value), and changed directives not in the file are appended after a marker
   * (`forceAll`, DEBUG CONFIG-REWRITE-FORCE-ALL: every directive, at its default or not).
   */
  rewriteText(original: string, forceAll = false): string {
    const out: string[] = [];
    const written = new Set<string>();
    const provided = new Map<string, string[]>();
    for (const [name, fn] of this.rewriteProviders) provided.set(name, fn());
    for (const line of original.split('\n')) {
      const word = line.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
      const d = word !== '' && !word.startsWith('#') ? DIRECTIVE_BY_NAME.get(word) : undefined;
      const lines = d === undefined ? undefined : provided.get(d.name);
      if (lines !== undefined) {
        const next = lines.shift();
        if (next !== undefined) out.push(next);
        continue;
      }
      if (d === undefined || d.fileOnly) {
        out.push(line);
        continue;
      }
      if (written.has(d.name)) continue;
      written.add(d.name);
      out.push(formatLine(d, this.get(d.name)));
    }
    while (out.length > 0 && out[out.length - 1] === '') out.pop();
    const appended: string[] = [];
    for (const d of DIRECTIVES) {
      if (written.has(d.name) || d.fileOnly) continue;
      const cur = this.get(d.name);
      // Like Redis, `dir` and `save` are always written (an empty save must not fall back to defaults).
      if (forceAll || d.name === 'dir' || d.name === 'save' || cur !== this.normalize(d, d.def)) appended.push(formatLine(d, cur, true));
    }
    for (const lines of provided.values()) appended.push(...lines);
    if (appended.length > 0) {
      if (!out.includes(REWRITE_MARKER)) out.push(REWRITE_MARKER);
      out.push(...appended);
    }
    return out.join('\n') + '\n';
  }
}

const REWRITE_MARKER = '# Generated by CONFIG REWRITE';

const SHUTDOWN_FLAGS = ['default', 'save', 'nosave', 'now', 'force'];

/** Redis writes byte counts in the largest unit that divides them exactly. */
function formatMemory(v: string): string {
  if (v.endsWith('%')) return v;
  const n = Number(v);
  if (n === 0) return '0';
  for (const [unit, size] of [['gb', 1073741824], ['mb', 1048576], ['kb', 1024]] as const) {
    if (n % size === 0) return `${n / size}${unit}`;
  }
  return v;
}

function quoteIfNeeded(w: string): string {
  return w === '' || /[\s"'\\]/.test(w) ? JSON.stringify(w) : w;
}

/** Conf-file line(s) for a value; `appending` leaves out client classes still at their defaults, like Redis. */
function formatLine(d: Directive, value: string, appending = false): string {
  const name = d.name;
  if (d.type === 'memory') return `${name} ${formatMemory(value)}`;
  // An empty save or bind (no addresses) must stay one empty argument, not none.
  if ((name === 'save' || name === 'bind') && value === '') return `${name} ""`;
  if (name === 'save' || name === 'client-output-buffer-limit') {
    const w = splitWords(value);
    const step = name === 'save' ? 2 : 4;
    const lines: string[] = [];
    const defaults = splitWords(d.def);
    for (let k = 0; k < w.length; k += step) {
      const part = w.slice(k, k + step);
      if (appending && step === 4 && part.join(' ') === defaults.slice(k, k + step).join(' ')) continue;
      if (step === 4) {
        if (part[0] === 'slave') part[0] = 'replica';
        part[1] = formatMemory(part[1]);
        part[2] = formatMemory(part[2]);
      }
      lines.push(`${name} ${part.join(' ')}`);
    }
    return lines.join('\n');
  }
  if (name === 'bind' || name === 'oom-score-adj-values' || name === 'latency-tracking-info-percentiles' ||
    name === 'shutdown-on-sigint' || name === 'shutdown-on-sigterm') return `${name} ${value}`;
  return `${name} ${quoteIfNeeded(value)}`;
}
