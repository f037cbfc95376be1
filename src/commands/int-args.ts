// Integer arguments parsed and range-checked the way Redis's getLongFromObjectOrReply family does,
// with Redis's error replies: one copy for every command group.

import { ERR } from '../errors.js';
import { INT64_MAX, parseInt64 } from '../protocol/format.js';
import type { Client } from '../server/client.js';

/** Redis's LONG_MAX (a C long has 64 bits where Redis runs). */
export const LONG_MAX = INT64_MAX;

/**
 * A signed 64-bit integer argument (Redis's getLongFromObjectOrReply) as a number, or null after
 * replying `error`. Beyond 2^53 precision is lost, which no index or count can notice.
 */
export function longArg(c: Client, s: string, error: string = ERR.notInteger): number | null {
  const v = parseInt64(s);
  if (v === null) {
    c.reply.error(error);
    return null;
  }
  return Number(v);
}

/**
 * An integer argument within [min, max] (getRangeLongFromObjectOrReply). Redis replies `msg`, when
 * given, for non-integers too; without it, its generic texts.
 */
export function rangeArg(c: Client, s: string, min: bigint, max: bigint, msg: string | null): number | null {
  const v = parseInt64(s);
  if (v === null) {
    c.reply.error(msg ?? ERR.notInteger);
    return null;
  }
  if (v < min || v > max) {
    c.reply.error(msg ?? ERR.rangeBetween(min, max));
    return null;
  }
  return Number(v);
}

/**
 * The count of HRANDFIELD / ZRANDMEMBER key count [option] (option: the lowercase WITHVALUES /
 * WITHSCORES word), or null after replying an error. With the option the count must stay within
 * +-LONG_MAX/2, as Redis checks.
 */
export function randCountArg(c: Client, argv: string[], option: string): number | null {
  const l = rangeArg(c, argv[2], -LONG_MAX, LONG_MAX, null);
  if (l === null) return null;
  if (argv.length > 4 || (argv.length === 4 && argv[3].toLowerCase() !== option)) {
    c.reply.error(ERR.syntax);
    return null;
  }
  if (argv.length === 4) {
    const raw = parseInt64(argv[2])!;
    if (raw < -(LONG_MAX / 2n) || raw > LONG_MAX / 2n) {
      c.reply.error(ERR.valueOutOfRange);
      return null;
    }
  }
  return l;
}
