// INFO persistence, field for field as Redis 7.0 prints it (COW figures are 0: there is no fork).

import { setInfoSection } from '../server/info.js';
import { server } from '../server/state.js';
import { aofBufferLength, aofState } from './aof.js';
import { loadingInfo } from './load.js';
import { activeChild, childProgress, rdbStats } from './save.js';

export function persistenceInfo(): [string, string][] {
  const p = childProgress();
  const kind = activeChild();
  const t = Math.floor(Date.now() / 1000);
  const total = p !== null ? p.total : 0;
  const processed = p !== null ? p.processed : 0;
  const out: [string, string][] = [
    ['loading', rdbStats.loading ? '1' : '0'],
    ['async_loading', rdbStats.asyncLoading ? '1' : '0'],
    ['current_cow_peak', '0'],
    ['current_cow_size', '0'],
    ['current_cow_size_age', '0'],
    ['current_fork_perc', (total !== 0 ? (processed / total) * 100 : 0).toFixed(2)],
    ['current_save_keys_processed', String(processed)],
    ['current_save_keys_total', String(total)],
    ['rdb_changes_since_last_save', String(server.dirty)],
    ['rdb_bgsave_in_progress', kind === 'rdb' ? '1' : '0'],
    ['rdb_last_save_time', String(server.lastSave)],
    ['rdb_last_bgsave_status', rdbStats.lastBgsaveOk ? 'ok' : 'err'],
    ['rdb_last_bgsave_time_sec', String(rdbStats.lastBgsaveTimeSec)],
    ['rdb_current_bgsave_time_sec', String(kind === 'rdb' && p !== null ? t - p.start : -1)],
    ['rdb_saves', String(rdbStats.saves)],
    ['rdb_last_cow_size', '0'],
    ['rdb_last_load_keys_expired', String(rdbStats.lastLoadKeysExpired)],
    ['rdb_last_load_keys_loaded', String(rdbStats.lastLoadKeysLoaded)],
    ['aof_enabled', aofState.enabled || aofState.waitRewrite ? '1' : '0'],
    ['aof_rewrite_in_progress', kind === 'aof' ? '1' : '0'],
    ['aof_rewrite_scheduled', aofState.rewriteScheduled ? '1' : '0'],
    ['aof_last_rewrite_time_sec', String(aofState.lastRewriteTimeSec)],
    ['aof_current_rewrite_time_sec', String(kind === 'aof' ? t - aofState.rewriteStart : -1)],
    ['aof_last_bgrewrite_status', aofState.lastRewriteOk ? 'ok' : 'err'],
    ['aof_rewrites', String(aofState.rewrites)],
    ['aof_rewrites_consecutive_failures', String(aofState.consecutiveFailures)],
    ['aof_last_write_status', rdbStats.aofWriteOk ? 'ok' : 'err'],
    ['aof_last_cow_size', '0'],
    ['module_fork_in_progress', '0'],
    ['module_fork_last_cow_size', '0'],
  ];
  if (aofState.enabled) {
    out.push(
      ['aof_current_size', String(aofState.currentSize)],
      ['aof_base_size', String(aofState.baseSize)],
      ['aof_pending_rewrite', aofState.rewriteScheduled ? '1' : '0'],
      ['aof_buffer_length', String(aofBufferLength())],
      ['aof_pending_bio_fsync', '0'],
      ['aof_delayed_fsync', '0'],
    );
  }
  if (rdbStats.loading) out.push(...loadingInfo());
  return out;
}

/** INFO's persistence section comes from here (server/info.ts lets the owning subsystem fill it). */
export function initPersistenceInfo(): void {
  setInfoSection('persistence', () => {
    let out = '';
    for (const [k, v] of persistenceInfo()) out += `${k}:${v}\r\n`;
    return out;
  });
}
