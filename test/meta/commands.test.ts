// The command table keeps its promises: every command and subcommand is documented, every command
// that touches keys says where its keys are, and every command is exercised by at least one test.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMAND_ARGS } from '../../src/commands/args.js';
import { allCommands, lookupByName } from '../../src/commands/registry.js';
import type { CommandSpec } from '../../src/commands/spec.js';

const GROUPS = new Set([
  'generic', 'string', 'list', 'set', 'sorted-set', 'hash', 'pubsub', 'transactions', 'connection', 'server',
  'scripting', 'hyperloglog', 'cluster', 'sentinel', 'geo', 'stream', 'bitmap',
]);
/** Categories whose commands act on keys... */
const KEY_CATEGORIES = ['keyspace', 'string', 'list', 'hash', 'set', 'sortedset', 'bitmap', 'hyperloglog', 'geo', 'stream'];
/** ...except these (and HELP subcommands), which act on whole databases or take no key, as in Redis 7.0. */
const KEYLESS = new Set(['dbsize', 'flushdb', 'flushall', 'keys', 'randomkey', 'scan', 'swapdb', 'pfselftest']);

function everySpec(): CommandSpec[] {
  const out: CommandSpec[] = [];
  for (const cmd of allCommands()) {
    out.push(cmd);
    if (cmd.subcommands) out.push(...cmd.subcommands.values());
  }
  return out;
}

function testSources(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'meta' && e.name !== 'helpers') out.push(...testSources(p));
    } else if (e.name.endsWith('.ts')) {
      out.push(fs.readFileSync(p, 'utf8'));
    }
  }
  return out;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('command table', () => {
  const specs = everySpec();

  it('has commands to check', () => {
    expect(specs.length).toBeGreaterThan(30);
  });

  const NO_COMPLEXITY = new Set(['psync', 'sync']);
  it('documents every command and subcommand (summary, since, group, complexity)', () => {
    const bad: string[] = [];
    for (const c of specs) {
      if (c.summary.trim().length < 10 || !c.summary.endsWith('.')) bad.push(`${c.name}: summary "${c.summary}"`);
      if (!/^\d+\.\d+\.\d+$/.test(c.since)) bad.push(`${c.name}: since "${c.since}"`);
      if (!GROUPS.has(c.group)) bad.push(`${c.name}: group "${c.group}"`);
      // Redis documents its internal replication commands without a complexity, and so do we.
      if (c.complexity.trim() === '' && !NO_COMPLEXITY.has(c.name)) bad.push(`${c.name}: no complexity`);
    }
    expect(bad).toEqual([]);
  });

  it('gives key positions to every command that works on keys', () => {
    const bad: string[] = [];
    for (const c of specs) {
      if (c.subcommands !== undefined || KEYLESS.has(c.name) || c.name.endsWith('|help')) continue;
      const onKeys = c.acl.some((cat) => KEY_CATEGORIES.includes(cat));
      const hasPositions = c.firstKey > 0 || c.getKeys !== undefined || (c.keySpecs?.length ?? 0) > 0;
      if (onKeys && !hasPositions) bad.push(`${c.name}: in @${c.acl.join(' @')} but no key positions`);
      if (hasPositions && c.firstKey > 0 && (c.keyStep < 1 || (c.lastKey > 0 && c.lastKey < c.firstKey))) {
        bad.push(`${c.name}: bad key range ${c.firstKey},${c.lastKey},${c.keyStep}`);
      }
      if (c.firstKey > 0 && c.arity > 0 && c.firstKey >= c.arity) bad.push(`${c.name}: first key ${c.firstKey} beyond arity ${c.arity}`);
    }
    expect(bad).toEqual([]);
  });

  it('keeps argument tables only for commands that exist and describe no arguments of their own', () => {
    const stray = Object.keys(COMMAND_ARGS).filter((name) => lookupByName(name)?.docs?.args !== COMMAND_ARGS[name]);
    expect(stray).toEqual([]);
  });

  it('exercises every command and subcommand in at least one test', () => {
    const sources = testSources(path.resolve(__dirname, '..'));
    const untested: string[] = [];
    for (const c of specs) {
      const q = `['"\`]`;
      let re: RegExp;
      if (c.parent !== undefined) {
        const [parent, sub] = c.name.split('|').map(escape);
        // ['CONFIG', 'GET' ...] or "CONFIG GET ..." in a test.
        re = new RegExp(`${q}${parent}${q}\\s*,\\s*${q}${sub}${q}|${q}${parent} ${sub}[\\s'"\`]`, 'i');
      } else {
        re = new RegExp(`${q}${escape(c.name)}[\\s'"\`]`, 'i');
      }
      if (!sources.some((src) => re.test(src))) untested.push(c.name);
    }
    expect(untested).toEqual([]);
  });
});
