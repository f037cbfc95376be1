// Where write effects go after a command: the replication backlog and the AOF register as sinks.
// The dispatcher calls propagate() once per executed write, with the deterministic argv.
// Between beginAtomic() and endAtomic() (EXEC, scripts) writes are held back and then sent as one
// unit: like Redis 7.0, wrapped in MULTI ... EXEC only when there is more than one, since a single
// command is atomic by itself.

/** Where a write goes (Redis's PROPAGATE_AOF and PROPAGATE_REPL). */
export const PROPAGATE_AOF = 1;
export const PROPAGATE_REPL = 2;
export const PROPAGATE_ALL = PROPAGATE_AOF | PROPAGATE_REPL;

export interface PropagationSink {
  /** PROPAGATE_AOF or PROPAGATE_REPL: the writes addressed to it reach it. */
  readonly target: number;
  feed(dbid: number, argv: string[]): void;
}

const sinks: PropagationSink[] = [];
const MULTI = ['MULTI'];
const EXEC = ['EXEC'];

/** Nesting depth of atomic units; writes are held in `held` while it is non-zero. */
let depth = 0;
/**
 * The writes held: the first heldCount slots of these arrays, which are reused rather than
 * truncated (setting a length runs through V8's slow path: 0.8% of an EVALSHA profile).
 */
const heldDb: number[] = [];
const held: string[][] = [];
const heldTo: number[] = [];
let heldCount = 0;
const NONE: string[] = [];

export function addPropagationSink(s: PropagationSink): void {
  sinks.push(s);
}

function feedAll(dbid: number, argv: string[], to: number): void {
  for (let i = 0; i < sinks.length; i++) if (sinks[i].target & to) sinks[i].feed(dbid, argv);
}

/** redis.set_repl: where a script's next writes may go (a PROPAGATE_* mask). */
let targets = PROPAGATE_ALL;

export function setPropagationTargets(t: number): void {
  targets = t;
}

/** Send a write to the AOF and the replicas, or to those `to` names. */
export function propagate(dbid: number, argv: string[], to = PROPAGATE_ALL): void {
  to &= targets;
  if (to === 0) return;
  if (depth !== 0) {
    heldDb[heldCount] = dbid;
    held[heldCount] = argv;
    heldTo[heldCount] = to;
    heldCount++;
  } else {
    feedAll(dbid, argv, to);
  }
}

/** Start holding writes back: they leave together at the matching endAtomic(). */
export function beginAtomic(): void {
  depth++;
}

/** Inside EXEC or a script (their writes are held back). */
export function inAtomic(): boolean {
  return depth !== 0;
}

/** Send the writes held since the outermost beginAtomic(), wrapped when there are several. */
export function endAtomic(): void {
  if (--depth !== 0 || heldCount === 0) return;
  const n = heldCount;
  heldCount = 0;
  // MULTI goes to the first write's database and EXEC to the last's, so no extra SELECT is emitted.
  if (n > 1) feedAll(heldDb[0], MULTI, PROPAGATE_ALL);
  for (let i = 0; i < n; i++) {
    feedAll(heldDb[i], held[i], heldTo[i]);
    held[i] = NONE;
  }
  if (n > 1) feedAll(heldDb[n - 1], EXEC, PROPAGATE_ALL);
}
