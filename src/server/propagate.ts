// Where write effects go after a command: the replication backlog and the AOF register as sinks.
// The dispatcher calls propagate() once per executed write, with the deterministic argv.
// Between beginAtomic() and endAtomic() (EXEC, scripts) writes are held back and then sent as one
// unit: like Redis 7.0, wrapped in MULTI ... EXEC only when there is more than one, since a single
// command is atomic by itself.

export interface PropagationSink {
  feed(dbid: number, argv: string[]): void;
}

const sinks: PropagationSink[] = [];
const MULTI = ['MULTI'];
const EXEC = ['EXEC'];

/** Nesting depth of atomic units; writes are held in `held` while it is non-zero. */
let depth = 0;
const heldDb: number[] = [];
const held: string[][] = [];

export function addPropagationSink(s: PropagationSink): void {
  sinks.push(s);
}

function feedAll(dbid: number, argv: string[]): void {
  for (let i = 0; i < sinks.length; i++) sinks[i].feed(dbid, argv);
}

/** redis.set_repl: 0 keeps a script's next writes to itself; anything else propagates them. */
let targets = 3;

export function setPropagationTargets(t: number): void {
  targets = t;
}

export function propagate(dbid: number, argv: string[]): void {
  if (targets === 0) return;
  if (depth !== 0) {
    heldDb.push(dbid);
    held.push(argv);
  } else {
    feedAll(dbid, argv);
  }
}

/** Start holding writes back: they leave together at the matching endAtomic(). */
export function beginAtomic(): void {
  depth++;
}

/** Send the writes held since the outermost beginAtomic(), wrapped when there are several. */
export function endAtomic(): void {
  if (--depth !== 0 || held.length === 0) return;
  const n = held.length;
  // MULTI goes to the first write's database and EXEC to the last's, so no extra SELECT is emitted.
  if (n > 1) feedAll(heldDb[0], MULTI);
  for (let i = 0; i < n; i++) feedAll(heldDb[i], held[i]);
  if (n > 1) feedAll(heldDb[n - 1], EXEC);
  held.length = 0;
  heldDb.length = 0;
}
