// Redis 7 key specifications: builders for the ones a command declares, the ones that follow from
// its key range, and finding a call's keys by walking them or, where they cannot say, the way
// Redis's own per-command key finders do (COMMAND GETKEYS/GETKEYSANDFLAGS, COMMAND INFO).

import { F, commandKeys, type CommandSpec, type KeySpec } from './spec.js';

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

/** A count read the way C's atoi reads it: leading blanks, a sign, as many digits as follow; 0 if none. */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m === null ? 0 : Number(m[1]);
}

/**
 * The flags of the spec that describes argv[pos]: the one beginning at that index or after the
 * keyword before it, else the one the documented key argument after that token names (SORT ...
 * STORE, whose spec cannot say where it begins), else the first.
 */
function flagsAt(cmd: CommandSpec, specs: readonly KeySpec[], argv: readonly string[], pos: number): string[] {
  const before = argv[pos - 1]?.toLowerCase();
  for (const ks of specs) {
    if (ks.begin === 'unknown') continue;
    if ('index' in ks.begin ? ks.begin.index === pos : before === ks.begin.keyword.toLowerCase()) return ks.flags;
  }
  for (const arg of cmd.docs?.args ?? []) {
    if (arg.type === 'key' && arg.keySpecIndex !== undefined && arg.token?.toLowerCase() === before) return specs[arg.keySpecIndex].flags;
  }
  return specs[0]?.flags ?? [];
}

/**
 * Keys of a call when the key specs cannot say (variable flags, or a walk that does not fit the
 * arguments), as Redis's per-command key finders give them. Commands with a key count read it
 * leniently and list the keys without flags, a destination before the count last.
 */
export function fallbackKeys(cmd: CommandSpec, specs: readonly KeySpec[], argv: string[]): [number, string[]][] {
  if (cmd.variableKeyFlags !== undefined) {
    const flags = canonicalFlags(cmd.variableKeyFlags(argv));
    return commandKeys(cmd, argv).map((k) => [k, flags]);
  }
  const counted = specs.find((ks) => ks.begin !== 'unknown' && 'index' in ks.begin && ks.find !== 'unknown' && 'keynumidx' in ks.find);
  if (counted !== undefined) {
    const begin = (counted.begin as { index: number }).index;
    const find = counted.find as { keynumidx: number; firstkey: number; keystep: number };
    const first = begin + find.firstkey;
    const n = atoi(argv[begin + find.keynumidx] ?? '');
    if (n < 1 || n > Math.floor((argv.length - first) / find.keystep)) return [];
    const out: [number, string[]][] = [];
    for (let i = 0; i < n; i++) out.push([first + i * find.keystep, []]);
    for (const ks of specs) {
      if (ks !== counted && ks.begin !== 'unknown' && 'index' in ks.begin && ks.begin.index < begin) out.push([ks.begin.index, []]);
    }
    return out;
  }
  if (cmd.getKeys === undefined) return [];
  return cmd.getKeys(argv).map((k) => [k, flagsAt(cmd, specs, argv, k)]);
}

/**
 * Keys of a call with the flags Redis attaches to each (its getKeysFromCommandWithSpecs): the
 * key specs when their flags are reliable, else the command's own key finder. COMMAND GETKEYS
 * and the ACL key checks both read keys through this.
 */
export function keysWithFlags(cmd: CommandSpec, argv: string[]): [number, string[]][] {
  const specs = keySpecsOf(cmd);
  const reliable = specs.some((ks) => !ks.flags.includes('not_key')) && !specs.some((ks) => ks.flags.includes('variable_flags'));
  return (reliable ? keysFromSpecs(specs, argv) : null) ?? fallbackKeys(cmd, specs, argv);
}

// Flags finders of the commands whose key spec says variable_flags.

/** SET: reads the old value only with GET. */
export function setKeyFlags(argv: string[]): string[] {
  for (let i = 3; i < argv.length; i++) if (argv[i].toLowerCase() === 'get') return ['RW', 'access', 'update'];
  return ['OW', 'update'];
}

/** BITFIELD: read-only when every operation is a complete GET (or OVERFLOW); anything else may write. */
export function bitfieldKeyFlags(argv: string[]): string[] {
  for (let i = 2; i < argv.length; i++) {
    const rest = argv.length - i - 1;
    const op = argv[i].toLowerCase();
    if (op === 'get' && rest >= 2) i += 2;
    else if (op === 'overflow' && rest >= 1) i += 1;
    else return ['RW', 'access', 'update'];
  }
  return ['RO', 'access'];
}
