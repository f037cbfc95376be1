// oom-score-adj, as Redis does it on Linux: the kernel's OOM killer is told how expendable this
// process is, by class (oom-score-adj-values: primary, replica, background child), relative to
// the score the process had when we took over (yes/relative) or absolute. Turning it off puts
// that score back; while off, /proc is left alone.

import * as fs from 'node:fs';
import { logger } from '../log.js';
import { signals } from '../keyspace/signals.js';
import { server } from './state.js';

const CLASS_PRIMARY = 0;
const CLASS_REPLICA = 1;
const CLASS_CHILD = 2;

/** Whether we changed the score, and the score before we did. */
let adjusted = false;
let base = 0;

function write(file: string, value: number): boolean {
  try {
    fs.writeFileSync(file, `${value}\n`);
    return true;
  } catch (err) {
    logger('oom').warn(`Unable to write oom_score_adj: ${(err as Error).message}`);
    return false;
  }
}

/** The score for a class under the current settings, or null when oom-score-adj is off. */
function scoreFor(cls: number): number | null {
  const mode = server.config.get('oom-score-adj');
  if (mode === 'no') return null;
  let v = Number(server.config.get('oom-score-adj-values').split(' ')[cls]);
  if (mode !== 'absolute') v += base;
  return Math.max(-1000, Math.min(1000, v));
}

/** Set our own score for our current role; false when /proc would not take it. */
export function applyOomScoreAdj(): boolean {
  if (server.config.get('oom-score-adj') === 'no') {
    if (!adjusted) return true;
    adjusted = false;
    return write('/proc/self/oom_score_adj', base);
  }
  if (!adjusted) {
    try {
      base = parseInt(fs.readFileSync('/proc/self/oom_score_adj', 'latin1'), 10) || 0;
    } catch (err) {
      logger('oom').warn(`Unable to read oom_score_adj: ${(err as Error).message}`);
      return false;
    }
    adjusted = true;
  }
  return write('/proc/self/oom_score_adj', scoreFor(signals.isReplica() ? CLASS_REPLICA : CLASS_PRIMARY)!);
}

/** A background child (the snapshot writer) gets the child class's score. */
export function applyOomScoreAdjToChild(pid: number): void {
  const v = scoreFor(CLASS_CHILD);
  if (v !== null) write(`/proc/${pid}/oom_score_adj`, v);
}

const FAILED = 'Failed to set current oom_score_adj. Check server logs.';

export function initOomScoreAdj(): void {
  if (process.platform !== 'linux') return;
  const update = (): string | null => (applyOomScoreAdj() ? null : FAILED);
  server.config.watch('oom-score-adj', update);
  server.config.watch('oom-score-adj-values', update);
  signals.roleChanged = applyOomScoreAdj;
}
