// HyperLogLog commands: PFADD PFCOUNT PFMERGE PFDEBUG PFSELFTEST, on Redis's string representation.

import { ERR } from '../errors.js';
import * as hll from '../keyspace/hll.js';
import { isString, stringValue } from '../keyspace/strings.js';
import { notifyKeyspaceEvent, NOTIFY_STRING } from '../keyspace/notify.js';
import type { Client } from '../server/client.js';
import { server } from '../server/state.js';
import type { CommandDef } from './spec.js';
import { ksIndex } from './keyspecs.js';


let sparseMaxBytes = 3000;

/**
 * Decoded HLL at key: undefined when the key is missing, null after replying an error
 * (wrong type, corrupt).
 */
function loadHll(c: Client, key: string, forWrite: boolean): hll.Hll | null | undefined {
  const v = forWrite ? c.db.lookupWrite(key) : c.db.lookupRead(key);
  if (v === undefined) return undefined;
  // Like Redis, a key of another type is the usual WRONGTYPE; a string that is no HLL gets its own text.
  if (!isString(v)) {
    c.reply.error(ERR.wrongType);
    return null;
  }
  const text = stringValue(v);
  if (!hll.isHll(text)) {
    c.reply.error(ERR.notHll);
    return null;
  }
  const h = hll.decode(text);
  if (h === null) c.reply.error(ERR.hllCorrupt);
  return h;
}

function store(c: Client, key: string, h: hll.Hll, existed: boolean): void {
  const v = hll.encode(h, sparseMaxBytes);
  if (existed) c.db.overwrite(key, v);
  else c.db.set(key, v);
}

function pfadd(c: Client, argv: string[]): void {
  const key = argv[1];
  let h = loadHll(c, key, true);
  if (h === null) return;
  const existed = h !== undefined;
  let updated = existed ? 0 : 1;
  if (h === undefined) h = hll.decode(hll.emptyHll())!;
  for (let i = 2; i < argv.length; i++) {
    const [idx, cnt] = hll.patLen(argv[i]);
    if (h.registers[idx] < cnt) {
      h.registers[idx] = cnt;
      updated++;
    }
  }
  if (updated > 0) {
    h.card = null;
    store(c, key, h, existed);
    notifyKeyspaceEvent(NOTIFY_STRING, 'pfadd', key, c.db.id);
    server.dirty += updated;
  }
  c.reply.int(updated > 0 ? 1 : 0);
}

function pfcount(c: Client, argv: string[]): void {
  if (argv.length === 2) {
    const h = loadHll(c, argv[1], false);
    if (h === null) return;
    if (h === undefined) {
      c.reply.int(0);
      return;
    }
    if (h.card !== null) {
      c.reply.int(Number(h.card));
      return;
    }
    const n = hll.count(h.registers);
    // Caching the estimate changes the stored string: Redis counts that as a modification.
    h.card = BigInt(n);
    store(c, argv[1], h, true);
    server.dirty++;
    c.reply.int(n);
    return;
  }
  const max = new Uint8Array(hll.HLL_REGISTERS);
  for (let i = 1; i < argv.length; i++) {
    const h = loadHll(c, argv[i], false);
    if (h === null) return;
    if (h === undefined) continue;
    const r = h.registers;
    for (let k = 0; k < hll.HLL_REGISTERS; k++) if (r[k] > max[k]) max[k] = r[k];
  }
  c.reply.int(hll.count(max));
}

function pfmerge(c: Client, argv: string[]): void {
  const max = new Uint8Array(hll.HLL_REGISTERS);
  let dense = false;
  let destExisted = false;
  for (let i = 1; i < argv.length; i++) {
    const h = loadHll(c, argv[i], true);
    if (h === null) return;
    if (h === undefined) continue;
    if (i === 1) destExisted = true;
    if (h.encoding === hll.HLL_DENSE) dense = true;
    const r = h.registers;
    for (let k = 0; k < hll.HLL_REGISTERS; k++) if (r[k] > max[k]) max[k] = r[k];
  }
  store(c, argv[1], { encoding: dense ? hll.HLL_DENSE : hll.HLL_SPARSE, registers: max, card: null }, destExisted);
  notifyKeyspaceEvent(NOTIFY_STRING, 'pfadd', argv[1], c.db.id);
  server.dirty++;
  c.reply.ok();
}

function decodeOpcodes(v: string): string {
  const parts: string[] = [];
  let p = hll.HLL_HDR_SIZE;
  while (p < v.length) {
    const op = v.charCodeAt(p);
    if ((op & 0xc0) === 0) {
      parts.push(`z:${(op & 0x3f) + 1}`);
      p++;
    } else if ((op & 0xc0) === 0x40) {
      parts.push(`Z:${(((op & 0x3f) << 8) | v.charCodeAt(p + 1)) + 1}`);
      p += 2;
    } else {
      parts.push(`v:${((op >> 2) & 0x1f) + 1},${(op & 3) + 1}`);
      p++;
    }
  }
  return parts.join(' ');
}

function pfdebug(c: Client, argv: string[]): void {
  const sub = argv[1].toLowerCase();
  const key = argv[2];
  const raw = c.db.lookupWrite(key);
  if (raw === undefined) {
    c.reply.error(ERR.pfdebugNoKey);
    return;
  }
  if (!isString(raw)) {
    c.reply.error(ERR.wrongType);
    return;
  }
  const text = stringValue(raw);
  if (!hll.isHll(text)) {
    c.reply.error(ERR.notHll);
    return;
  }
  const h = hll.decode(text);
  if (h === null) {
    c.reply.error(ERR.hllCorrupt);
    return;
  }
  const toDense = (): boolean => {
    if (h.encoding === hll.HLL_DENSE) return false;
    h.encoding = hll.HLL_DENSE;
    c.db.overwrite(key, hll.encode(h, sparseMaxBytes));
    server.dirty++;
    return true;
  };
  switch (sub) {
    case 'getreg':
      toDense();
      c.reply.array(hll.HLL_REGISTERS);
      for (let i = 0; i < hll.HLL_REGISTERS; i++) c.reply.int(h.registers[i]);
      return;
    case 'decode':
      if (h.encoding !== hll.HLL_SPARSE) {
        c.reply.error(ERR.pfdebugNotSparse);
        return;
      }
      c.reply.bulk(decodeOpcodes(text));
      return;
    case 'encoding':
      c.reply.simple(h.encoding === hll.HLL_SPARSE ? 'sparse' : 'dense');
      return;
    case 'todense':
      c.reply.int(toDense() ? 1 : 0);
      return;
    default:
      c.reply.error(ERR.pfdebugSubcommand(argv[1]));
  }
}

/** Self test: encode/decode round trips and estimate error on a known set, like PFSELFTEST's spirit. */
function pfselftest(c: Client): void {
  const h = hll.decode(hll.emptyHll())!;
  for (let i = 0; i < 10000; i++) {
    const [idx, cnt] = hll.patLen(`selftest:${i}`);
    if (h.registers[idx] < cnt) h.registers[idx] = cnt;
  }
  for (const encoding of [hll.HLL_SPARSE, hll.HLL_DENSE]) {
    const back = hll.decode(hll.encode({ encoding, registers: h.registers, card: null }, 1 << 30));
    if (back === null || back.registers.some((v, i) => v !== h.registers[i])) {
      c.reply.error(ERR.pfselftestRegister);
      return;
    }
  }
  const est = hll.count(h.registers);
  if (Math.abs(est - 10000) / 10000 > 0.05) {
    c.reply.error(ERR.pfselftestError(Math.abs(est - 10000)));
    return;
  }
  c.reply.ok();
}

export function initHyperLogLog(): void {
  server.config.watch('hll-sparse-max-bytes', (v) => {
    sparseMaxBytes = Number(v);
  });
}

const hllCmd = (def: Omit<CommandDef, 'group' | 'since'>): CommandDef => ({ group: 'hyperloglog', since: '2.8.9', ...def });

export const commands: CommandDef[] = [
  hllCmd({
    name: 'pfadd', arity: -2, flags: 'write denyoom fast', acl: 'hyperloglog', keys: [1, 1, 1],
    keySpecFlags: ['RW', 'INSERT'],
    summary: 'Adds elements to a HyperLogLog key, creating the key when missing.', complexity: 'O(1) to add every element.',
    handler: pfadd,
  }),
  hllCmd({
    name: 'pfcount', arity: -2, flags: 'readonly may_replicate', acl: 'hyperloglog', keys: [1, -1, 1],
    keySpecs: [ksIndex('RW access', 1, -1, 1, 'RW because it may change the internal representation of the key, and propagate to replicas')],
    summary: 'Returns the approximated cardinality of the set(s) observed by the HyperLogLog key(s).',
    complexity: 'O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.',
    handler: pfcount,
  }),
  hllCmd({
    name: 'pfmerge', arity: -2, flags: 'write denyoom', acl: 'hyperloglog', keys: [1, -1, 1],
    keySpecs: [ksIndex('RW access insert', 1), ksIndex('RO access', 2, -1)],
    summary: 'Merges one or more HyperLogLog values into a single key.', complexity: 'O(N) to merge N HyperLogLogs, but with high constant times.',
    handler: pfmerge,
  }),
  hllCmd({
    name: 'pfdebug', arity: 3, flags: 'write denyoom admin', acl: 'hyperloglog', keys: [2, 2, 1],
    docs: { docFlags: ['syscmd'] },
    keySpecFlags: ['RW', 'ACCESS'],
    summary: 'Internal commands for debugging HyperLogLog values.', complexity: 'N/A',
    handler: pfdebug,
  }),
  hllCmd({
    name: 'pfselftest', arity: 1, flags: 'admin', acl: 'hyperloglog',
    docs: { docFlags: ['syscmd'] },
    summary: 'An internal command for testing HyperLogLog values.', complexity: 'N/A',
    handler: pfselftest,
  }),
];
