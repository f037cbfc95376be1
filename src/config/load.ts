// Reading configuration the way redis-server does: a conf file in redis.conf syntax, then
// `--name value ...` options from the command line applied on top (they win). Any unknown,
// invalid or not-yet-implemented directive is a fatal error naming the line or flag.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { splitArgs } from '../protocol/parser.js';
import { repr } from '../util/repr.js';
import { Config } from './store.js';

export class ConfigError extends Error {}

const DEPRECATED = new Set(['list-max-ziplist-entries', 'list-max-ziplist-value', 'lua-replicate-commands']);

interface Line {
  where: string;
  text: string;
  args: string[];
}

/** Lines of a conf file (following `include`), as directive + args. */
function fileLines(file: string, depth = 0): Line[] {
  if (depth > 10) throw new ConfigError(`include nesting too deep at ${file}`);
  let text: string;
  try {
    text = file === '-' ? fs.readFileSync(0, 'latin1') : fs.readFileSync(file, 'latin1');
  } catch (err) {
    throw new ConfigError(`Fatal error, can't open config file '${file}': ${(err as Error).message}`);
  }
  const out: Line[] = [];
  const rows = text.split('\n');
  for (let n = 0; n < rows.length; n++) {
    const raw = rows[n].trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const args = splitArgs(raw);
    const where = `${file}, at line ${n + 1}`;
    if (args === null) throw fatal(where, raw, 'Unbalanced quotes in configuration line');
    if (args.length === 0) continue;
    if (args[0].toLowerCase() === 'include') {
      if (args.length !== 2) throw fatal(where, raw, 'Bad directive or wrong number of arguments');
      out.push(...fileLines(path.resolve(path.dirname(file), args[1]), depth + 1));
      continue;
    }
    out.push({ where, text: raw, args });
  }
  return out;
}

/**
 * Group command-line words into directives as redis-server 7.0 does: `--name` starts one only once
 * the previous one has an argument (so `--port --loglevel` gives port the value "--loglevel");
 * `"--name value"` in one word carries its value; a bare `--save` before another option, or at
 * the end, is an empty save; words before any option make a line too. A line reads as Redis
 * shows it in errors: `port "6379" "6380"`.
 */
export function cliLines(words: string[]): Line[] {
  const out: Line[] = [];
  let hasArg = true;
  for (let j = 0; j < words.length; j++) {
    const w = words[j];
    if (hasArg && w.startsWith('--')) {
      const text = w.slice(2);
      const args = splitArgs(text) ?? [text];
      const line = { where: 'command line', text, args: args.length === 0 ? [''] : args };
      out.push(line);
      hasArg = args.length > 1;
      const next = words[j + 1];
      if (!hasArg && line.args[0].toLowerCase() === 'save' && (next === undefined || next.startsWith('--'))) {
        line.args.push('');
        line.text += ' ""';
        hasArg = true;
      }
    } else if (out.length === 0) {
      // Words before any option form a line of their own (`loglevel verbose` works, as in Redis).
      out.push({ where: 'command line', text: repr(w), args: [w] });
      hasArg = true;
    } else {
      const line = out[out.length - 1];
      line.args.push(w);
      line.text += ` ${repr(w)}`;
      hasArg = true;
    }
  }
  return out;
}

function fatal(where: string, text: string, why: string): ConfigError {
  return new ConfigError(
    `\n*** FATAL CONFIG FILE ERROR (Shoal) ***\nReading the configuration file, ${where}\n>>> '${text}'\n${why}`,
  );
}

/**
 * Apply a conf file (optional) and command-line options onto a fresh Config. `renameCommand`
 * carries out `rename-command` lines (it returns Redis's error text or null); CONFIG REWRITE keeps
 * those lines as they are, since they are no parameter.
 */
export function loadConfig(
  confFile: string | null,
  cliWords: string[],
  renameCommand: (from: string, to: string) => string | null = () => 'rename-command is not available here',
): Config {
  const config = new Config();
  const lines = [...(confFile ? fileLines(confFile) : []), ...cliLines(cliWords)];
  // Like Redis, the first `save` line replaces the default save points; later ones add to them.
  const accumulated = new Map<string, string[]>();
  for (const line of lines) {
    const name = line.args[0].toLowerCase();
    // Directives Redis 7.0 still accepts (with one argument) and ignores.
    if (DEPRECATED.has(name) && line.args.length === 2) continue;
    if (name === 'rename-command' && line.args.length === 3) {
      const err = renameCommand(line.args[1], line.args[2]);
      if (err !== null) throw fatal(line.where, line.text, err);
      continue;
    }
    const d = config.lookup(name);
    if (!d) throw fatal(line.where, line.text, 'Bad directive or wrong number of arguments');
    const args = line.args.slice(1);
    let value: string;
    if (d.name === 'save' || d.multi) {
      const joined = args.join(' ').trim();
      // An empty `save` drops every save point given before it, as in Redis.
      const prev = d.name === 'save' && joined === '' ? [] : (accumulated.get(d.name) ?? []);
      if (joined !== '') prev.push(joined);
      accumulated.set(d.name, prev);
      // Each `user` line stays a line of its own.
      value = prev.join(d.multi ? '\n' : ' ');
    } else if (d.type === 'special' || args.length === 1) {
      value = d.type === 'special' ? args.join(' ') : args[0];
    } else {
      throw fatal(line.where, line.text, 'wrong number of arguments');
    }
    // Bare `save` is an empty save; shutdown-on-* say what they take (as Redis's own checks do).
    if (d.type === 'special' && d.name !== 'save' && !d.name.startsWith('shutdown-on-') && !d.multi && args.length === 0) {
      throw fatal(line.where, line.text, 'wrong number of arguments');
    }
    const err = config.set(d.name, value);
    if (err !== null) throw fatal(line.where, line.text, err);
  }
  if (confFile && confFile !== '-') config.file = path.resolve(confFile);
  return config;
}
