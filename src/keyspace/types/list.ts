// The list value: a ring buffer of latin1 strings with a power-of-two capacity, so pushes and pops
// at both ends are O(1) amortised and LINDEX/LSET are O(1) at any position.

import type { RedisObject } from '../db.js';

const MIN_CAPACITY = 8;

export class ListValue implements RedisObject {
  readonly type = 'list' as const;
  private buf: (string | undefined)[];
  private mask: number;
  /** Physical slot of element 0. */
  private head = 0;
  length = 0;

  constructor(capacity = MIN_CAPACITY) {
    let cap = MIN_CAPACITY;
    while (cap < capacity) cap *= 2;
    this.buf = new Array<string | undefined>(cap);
    this.mask = cap - 1;
  }

  /** Redis 7.0 stores every list as a quicklist, whatever its size. */
  encoding(): string {
    return 'quicklist';
  }

  clone(): ListValue {
    const out = new ListValue(this.length);
    for (let i = 0; i < this.length; i++) out.buf[i] = this.buf[(this.head + i) & this.mask];
    out.length = this.length;
    return out;
  }

  /** Element at index 0 <= i < length. */
  get(i: number): string {
    return this.buf[(this.head + i) & this.mask]!;
  }

  set(i: number, v: string): void {
    this.buf[(this.head + i) & this.mask] = v;
  }

  pushTail(v: string): void {
    if (this.length === this.buf.length) this.resize(this.buf.length * 2);
    this.buf[(this.head + this.length) & this.mask] = v;
    this.length++;
  }

  pushHead(v: string): void {
    if (this.length === this.buf.length) this.resize(this.buf.length * 2);
    this.head = (this.head - 1) & this.mask;
    this.buf[this.head] = v;
    this.length++;
  }

  /** Remove and return the first element; the list must not be empty. */
  popHead(): string {
    const v = this.buf[this.head]!;
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.length--;
    this.maybeShrink();
    return v;
  }

  /** Remove and return the last element; the list must not be empty. */
  popTail(): string {
    const slot = (this.head + this.length - 1) & this.mask;
    const v = this.buf[slot]!;
    this.buf[slot] = undefined;
    this.length--;
    this.maybeShrink();
    return v;
  }

  /** Insert v so that it becomes element i (0 <= i <= length), moving the shorter side. */
  insert(i: number, v: string): void {
    if (this.length === this.buf.length) this.resize(this.buf.length * 2);
    const b = this.buf;
    const m = this.mask;
    if (i < this.length / 2) {
      this.head = (this.head - 1) & m;
      for (let k = 0; k < i; k++) b[(this.head + k) & m] = b[(this.head + k + 1) & m];
    } else {
      for (let k = this.length; k > i; k--) b[(this.head + k) & m] = b[(this.head + k - 1) & m];
    }
    b[(this.head + i) & m] = v;
    this.length++;
  }

  /** Index of the first element equal to v from the head, or -1. */
  indexOf(v: string): number {
    for (let i = 0; i < this.length; i++) if (this.buf[(this.head + i) & this.mask] === v) return i;
    return -1;
  }

  /** Drop `front` elements from the head and `back` from the tail. */
  trim(front: number, back: number): void {
    const b = this.buf;
    for (let k = 0; k < front; k++) b[(this.head + k) & this.mask] = undefined;
    for (let k = this.length - back; k < this.length; k++) b[(this.head + k) & this.mask] = undefined;
    this.head = (this.head + front) & this.mask;
    this.length -= front + back;
    this.maybeShrink();
  }

  /**
   * Remove elements equal to v, at most `limit` of them (0 = all), scanning from the tail when
   * fromTail. Returns how many were removed. One compaction pass, O(n).
   */
  removeValue(v: string, limit: number, fromTail: boolean): number {
    const b = this.buf;
    const m = this.mask;
    const n = this.length;
    let removed = 0;
    if (!fromTail) {
      let w = 0;
      for (let r = 0; r < n; r++) {
        const x = b[(this.head + r) & m];
        if (x === v && (limit === 0 || removed < limit)) removed++;
        else b[(this.head + w++) & m] = x;
      }
      for (let k = w; k < n; k++) b[(this.head + k) & m] = undefined;
    } else {
      let w = n - 1;
      for (let r = n - 1; r >= 0; r--) {
        const x = b[(this.head + r) & m];
        if (x === v && (limit === 0 || removed < limit)) removed++;
        else b[(this.head + w--) & m] = x;
      }
      for (let k = 0; k <= w; k++) b[(this.head + k) & m] = undefined;
      this.head = (this.head + removed) & m;
    }
    this.length -= removed;
    this.maybeShrink();
    return removed;
  }

  private maybeShrink(): void {
    const cap = this.buf.length;
    let target = cap;
    while (target > MIN_CAPACITY && this.length < target >>> 2) target >>>= 1;
    if (target !== cap) this.resize(target);
  }

  private resize(cap: number): void {
    const nb = new Array<string | undefined>(cap);
    for (let i = 0; i < this.length; i++) nb[i] = this.buf[(this.head + i) & this.mask];
    this.buf = nb;
    this.mask = cap - 1;
    this.head = 0;
  }
}
