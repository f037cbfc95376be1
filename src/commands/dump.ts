// DUMP, RESTORE and RESTORE-ASKING: values as Redis's DUMP payload (RDB value + RDB version +
// CRC64), so payloads move between Shoal and Redis 7.0 in both directions.

import { ERR } from '../errors.js';
import type { Value } from '../keyspace/db.js';
import { setAccess } from '../keyspace/access.js';
import { freedValue, lazyfree } from '../keyspace/lazyfree.js';
import { notifyKeyspaceEvent, NOTIFY_GENERIC } from '../keyspace/notify.js';
import { fromPlain, toPlain, UnsupportedTypeError } from '../persistence/convert.js';
import { checksums, dumpPayload, parsePayload } from '../persistence/rdb/values.js';
import { CLIENT_MASTER, type Client } from '../server/client.js';
import { getUser } from '../acl/users.js';
import { logger } from '../log.js';
import { server } from '../server/state.js';
import type { CommandDef, CommandDocsExtra } from './spec.js';
import { longArg } from './int-args.js';

/**
 * sanitize-dump-payload: "yes" checks every payload deeply, "clients" all but those of our primary
 * and of users with skip-sanitize-payload.
 */
function deepSanitize(c: Client): boolean {
  const mode = server.config.get('sanitize-dump-payload');
  if (mode !== 'clients') return mode === 'yes';
  return (c.flags & CLIENT_MASTER) === 0 && getUser(c.user)?.sanitizePayload !== false;
}

/** Like Redis, why a payload was refused goes to the log at verbose level. */
function refusedPayload(reason: string): void {
  logger('restore').debug(`RESTORE refused a payload: ${reason}`);
}

function restoreCommand(c: Client, argv: string[]): void {
  let replace = false;
  let absttl = false;
  let idle = -1;
  let freq = -1;
  for (let j = 4; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const more = j + 1 < argv.length;
    if (opt === 'replace') {
      replace = true;
    } else if (opt === 'absttl') {
      absttl = true;
    } else if (opt === 'idletime' && more && freq === -1) {
      const n = longArg(c, argv[++j]);
      if (n === null) return;
      if (n < 0) {
        c.reply.error(ERR.restoreIdletime);
        return;
      }
      idle = n;
    } else if (opt === 'freq' && more && idle === -1) {
      const n = longArg(c, argv[++j]);
      if (n === null) return;
      if (n < 0 || n > 255) {
        c.reply.error(ERR.restoreFreq);
        return;
      }
      freq = n;
    } else {
      c.reply.error(ERR.syntax);
      return;
    }
  }
  const key = argv[1];
  const db = c.db;
  if (!replace && db.lookupWrite(key) !== undefined) {
    c.reply.error(ERR.busyKey);
    return;
  }
  let ttl = longArg(c, argv[2]);
  if (ttl === null) return;
  if (ttl < 0) {
    c.reply.error(ERR.restoreTtl);
    return;
  }
  const plain = parsePayload(Buffer.from(argv[3], 'latin1'), deepSanitize(c), !checksums.skip, refusedPayload);
  if (typeof plain === 'string') {
    c.reply.error(plain);
    return;
  }
  let value: Value;
  try {
    value = fromPlain(plain);
  } catch (err) {
    if (err instanceof UnsupportedTypeError) {
      c.reply.error(ERR.restoreUnsupported(err.valueType));
    } else {
      // Duplicate members, a stream whose parts disagree: read, but not a value.
      refusedPayload((err as Error).message);
      c.reply.error(ERR.badDataFormat);
    }
    return;
  }
  const old = replace ? db.lookupWrite(key) : undefined;
  const deleted = old !== undefined && db.delete(key);
  if (deleted) freedValue(old, lazyfree.serverDel);
  if (ttl !== 0 && !absttl) ttl += Date.now();
  // An already expired TTL: the key is not created (and an old one replaced is just deleted).
  if (ttl !== 0 && ttl <= Date.now()) {
    if (deleted) {
      c.propagateArgv = ['DEL', key];
      notifyKeyspaceEvent(NOTIFY_GENERIC, 'del', key, db.id);
      server.dirty++;
    }
    c.reply.ok();
    return;
  }
  db.set(key, value);
  setAccess(db.dict, key, idle, freq);
  if (ttl !== 0) {
    db.setExpire(key, ttl);
    if (!absttl) {
      const p = argv.slice();
      p[2] = String(ttl);
      p.push('ABSTTL');
      c.propagateArgv = p;
    }
  }
  notifyKeyspaceEvent(NOTIFY_GENERIC, 'restore', key, db.id);
  c.reply.ok();
  server.dirty++;
}

const restoreDocs = {
  since: '2.6.0',
  docs: { history: [['3.0.0', 'REPLACE option.'], ['5.0.0', 'ABSTTL option.'], ['5.0.0', 'IDLETIME and FREQ options.']] } satisfies CommandDocsExtra,
  complexity:
    'O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).',
};

export const commands: CommandDef[] = [
  {
    name: 'dump', arity: 2, flags: 'readonly', acl: 'keyspace', keys: [1, 1, 1],
    group: 'generic', since: '2.6.0', summary: 'Returns the serialized form of the value stored at a key.',
    complexity:
      'O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).',
    tips: ['nondeterministic_output'],
    handler(c, argv) {
      const v = c.db.lookupRead(argv[1]);
      if (v === undefined) {
        c.reply.nullBulk();
        return;
      }
      let plain;
      try {
        plain = toPlain(v);
      } catch (err) {
        if (!(err instanceof UnsupportedTypeError)) throw err;
        c.reply.error(ERR.dumpUnsupported(err.valueType));
        return;
      }
      c.reply.bulk(dumpPayload(plain, server.config.bool('rdbcompression')).toString('latin1'));
    },
  },
  {
    name: 'restore', arity: -4, flags: 'write denyoom', acl: 'keyspace dangerous', keys: [1, 1, 1], keySpecFlags: ['OW', 'UPDATE'],
    group: 'generic', summary: 'Creates a key from the serialized form of a value.', ...restoreDocs,
    handler: restoreCommand,
  },
  {
    name: 'restore-asking', arity: -4, flags: 'write denyoom asking', acl: 'keyspace dangerous', keys: [1, 1, 1],
    keySpecFlags: ['OW', 'UPDATE'],
    group: 'server', summary: 'Creates a key from the serialized form of a value, accepted during slot migration (internal).',
    ...restoreDocs, since: '3.0.0', docs: { ...restoreDocs.docs, docFlags: ['syscmd'] },
    handler: restoreCommand,
  },
];
