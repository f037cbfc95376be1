// Where write effects go after a command: the replication backlog and the AOF register as sinks.
// The dispatcher calls propagate() once per executed write, with the deterministic argv.

export interface PropagationSink {
  feed(dbid: number, argv: string[]): void;
}

const sinks: PropagationSink[] = [];

export function addPropagationSink(s: PropagationSink): void {
  sinks.push(s);
}

export function propagate(dbid: number, argv: string[]): void {
  for (let i = 0; i < sinks.length; i++) sinks[i].feed(dbid, argv);
}
