// A command as RESP (a multibulk of bulk strings), one char per byte since arguments are latin1:
// the form the AOF and the replication stream carry.

export function encodeCommand(argv: readonly string[]): string {
  let s = `*${argv.length}\r\n`;
  for (let i = 0; i < argv.length; i++) s += `$${argv[i].length}\r\n${argv[i]}\r\n`;
  return s;
}
