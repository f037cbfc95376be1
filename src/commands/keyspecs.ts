// Redis 7 key specifications: the ones a command declares or that follow from its key range, and
// finding a call's keys by walking them (COMMAND GETKEYS/GETKEYSANDFLAGS, COMMAND INFO).

import { F, type CommandSpec, type KeySpec } from './spec.js';

/** A spec whose keys start at argv[index]: lastkey more after it (negative: counted from the end), every keystep-th. */
export function ksIndex(flags: string, index: number, lastkey = 0, keystep = 1, notes?: string): KeySpec {
  const spec: KeySpec = { flags: flags.split(' '), begin: { index }, find: { lastkey, keystep, limit: 0 } };
  if (notes !== undefined) spec.notes = notes;
  return spec;
}

/** A spec whose single key follows `keyword`, searched from argv[startfrom] (negative: backwards from the end). */
export function ksKeyword(flags: string, keyword: string, startfrom: number): KeySpec {
  return { flags: flags.split(' '), begin: { keyword, startfrom }, find: { lastkey: 0, keystep: 1, limit: 0 } };
}

/** A spec whose keys follow a key count at argv[index] (`numkeys key...`). */
export function ksKeynum(flags: string, index: number): KeySpec {
  return { flags: flags.split(' '), begin: { index }, find: { keynumidx: 0, firstkey: 1, keystep: 1 } };
}

/** Key-spec flags as Redis spells them: RO RW OW RM in capitals, the others in lower case. */
function canonicalFlags(flags: readonly string[]): string[] {
  return flags.map((f) => (/^(ro|rw|ow|rm)$/i.test(f) ? f.toUpperCase() : f.toLowerCase()));
}

/** The key specs COMMAND INFO shows: explicit ones, or one derived from the first/last/step range. */
export function keySpecsOf(cmd: CommandSpec): KeySpec[] {
  if (cmd.keySpecs) return cmd.keySpecs.map((ks) => ({ ...ks, flags: canonicalFlags(ks.flags) }));
  if (cmd.firstKey === 0) return [];
  const flags = cmd.keySpecFlags ? canonicalFlags(cmd.keySpecFlags) : cmd.flags & F.WRITE ? ['RW', 'access', 'update'] : ['RO', 'access'];
  const lastkey = cmd.lastKey < 0 ? cmd.lastKey : cmd.lastKey - cmd.firstKey;
  return [{ flags, begin: { index: cmd.firstKey }, find: { lastkey, keystep: cmd.keyStep, limit: 0 } }];
}

/**
 * Keys of a call found by walking the key specs, as Redis's getKeysUsingKeySpecs: [argv index,
 * flags of the spec that found it], or null when a spec does not fit the arguments.
 */
export function keysFromSpecs(specs: readonly KeySpec[], argv: readonly string[]): [number, string[]][] | null {
  const out: [number, string[]][] = [];
  const argc = argv.length;
  for (const spec of specs) {
    if (spec.flags.includes('not_key')) continue;
    let first = 0;
    if (spec.begin === 'unknown' || spec.find === 'unknown') return null;
    if ('index' in spec.begin) {
      first = spec.begin.index;
    } else {
      const from = spec.begin.startfrom;
      const start = from > 0 ? from : argc + from;
      const end = from > 0 ? argc - 1 : 1;
      const kw = spec.begin.keyword.toLowerCase();
      const dir = start <= end ? 1 : -1;
      for (let i = start; i !== end; i += dir) {
        if (i >= argc || i < 1) break;
        if (argv[i].toLowerCase() === kw) {
          first = i + 1;
          break;
        }
      }
      if (first === 0) continue;
    }
    let last: number;
    let step: number;
    if ('lastkey' in spec.find) {
      step = spec.find.keystep;
      const { lastkey, limit } = spec.find;
      last = lastkey >= 0 ? first + lastkey : limit === 0 ? argc + lastkey : first + (Math.floor((argc - first) / limit) + lastkey);
    } else {
      step = spec.find.keystep;
      if (first + spec.find.keynumidx >= argc) return null;
      const numkeys = /^(0|[1-9]\d*)$/.test(argv[first + spec.find.keynumidx]) ? Number(argv[first + spec.find.keynumidx]) : -1;
      if (numkeys < 0) return null;
      first += spec.find.firstkey;
      last = first + numkeys - 1;
    }
    if (last >= argc || last < first || first >= argc) return null;
    for (let i = first; i <= last; i += step) out.push([i, spec.flags]);
    if (spec.flags.includes('incomplete')) return null;
  }
  return out;
}

