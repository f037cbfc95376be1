// Differential testing: the same command script against Shoal and a real redis-server, replies
// compared byte for byte. Usage in a test file:
//
//   differential('strings', {
//     'set and get': [['SET', 'k', 'v'], ['GET', 'k']],
//   });
//
// Each script starts from FLUSHALL on a fresh connection; scripts run in RESP2 and, with
// { resp3: true } (the default), once more after HELLO 3.

import { describe, expect, it } from 'vitest';
import { RespConn, requireRedis, serverPair } from './server.js';

export type Script = (string | Buffer)[][];

export interface DifferentialOptions {
  /** Also run every script in RESP3 (default true). */
  resp3?: boolean;
  /** Extra args for both servers, e.g. ['--enable-debug-command', 'yes']. */
  serverArgs?: string[];
}

export async function runScript(port: number, script: Script, resp: 2 | 3): Promise<string[]> {
  const c = await RespConn.connect(port);
  try {
    await c.call('FLUSHALL');
    if (resp === 3) await c.call('HELLO', '3');
    const out: string[] = [];
    for (const cmd of script) out.push(await c.call(...cmd));
    return out;
  } finally {
    c.close();
  }
}

/** Render frames with the command that produced each, so a failure shows where they diverge. */
function transcript(script: Script, replies: string[]): string[] {
  return replies.map((r, i) => `${script[i].map((a) => (typeof a === 'string' ? a : `<${a.length} bytes>`)).join(' ')}  =>  ${JSON.stringify(r)}`);
}

export function differential(name: string, scripts: Record<string, Script>, opts: DifferentialOptions = {}): void {
  const enabled = requireRedis();
  describe.skipIf(!enabled)(`differential: ${name}`, () => {
    const { shoal, redis } = serverPair({ args: opts.serverArgs });
    const protocols: (2 | 3)[] = opts.resp3 === false ? [2] : [2, 3];
    for (const [title, script] of Object.entries(scripts)) {
      for (const resp of protocols) {
        it(`${title} (RESP${resp})`, async () => {
          const [got, want] = await Promise.all([runScript(shoal.port, script, resp), runScript(redis.port, script, resp)]);
          expect(transcript(script, got)).toEqual(transcript(script, want));
        });
      }
    }
  });
}
