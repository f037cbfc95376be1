// Values <-> the codec's neutral PlainValue. Plain strings are converted here; every other type
// (and an object representation of strings) registers its own codec, so persistence does not
// import the data types and they do not import persistence.

import type { RedisObject, Value } from '../keyspace/db.js';
import type { PlainValue } from './rdb/values.js';

export interface PlainCodec {
  toPlain(v: RedisObject): PlainValue;
  fromPlain(p: PlainValue): Value;
}

const codecs = new Map<string, PlainCodec>();

/** A type module registers how its values become PlainValue and back (at start-up). */
export function registerPlainCodec(type: RedisObject['type'], codec: PlainCodec): void {
  codecs.set(type, codec);
}

/** Thrown for a type whose module has not registered a codec: callers turn it into their error. */
export class UnsupportedTypeError extends Error {
  constructor(readonly valueType: string) {
    super(`values of type '${valueType}' cannot be serialized yet`);
  }
}

export function toPlain(v: Value): PlainValue {
  if (typeof v === 'string') return { type: 'string', value: v };
  const c = codecs.get(v.type);
  if (c === undefined) throw new UnsupportedTypeError(v.type);
  return c.toPlain(v);
}

/** Strings come back as plain latin1 strings, the canonical stored form. */
export function fromPlain(p: PlainValue): Value {
  if (p.type === 'string') return p.value;
  const c = codecs.get(p.type);
  if (c === undefined) throw new UnsupportedTypeError(p.type);
  return c.fromPlain(p);
}
