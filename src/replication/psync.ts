// The PSYNC decision, as a pure function: can a replica asking to continue from (replid, offset)
// be served from the backlog, or does it need a full resynchronisation? Mirrors Redis's rules,
// including replid2 so replicas of a promoted sibling can continue after a failover.

export interface PsyncState {
  replid: string;
  /** The previous primary's replication id (after a promotion), or 40 zeros. */
  replid2: string;
  /** Offset up to which replid2's history is valid (+1, as Redis keeps it), -1 if none. */
  secondReplOffset: number;
  /** null when there is no backlog at all. */
  backlog: { firstByteOffset: number; histlen: number } | null;
}

export type PsyncDecision =
  | { kind: 'continue'; from: number }
  | { kind: 'full'; reason: 'no-history' | 'replid-mismatch' | 'offset-out-of-range' | 'no-backlog' };

/**
 * `reqReplid`/`reqOffset` are the PSYNC arguments: the replication id the replica followed and
 * the offset of the next byte it wants ("?" and -1 ask for a full sync).
 */
export function decidePsync(s: PsyncState, reqReplid: string, reqOffset: number): PsyncDecision {
  if (reqReplid === '?') return { kind: 'full', reason: 'no-history' };
  const sameId = reqReplid.toLowerCase() === s.replid.toLowerCase();
  const previousId = reqReplid.toLowerCase() === s.replid2.toLowerCase() && reqOffset <= s.secondReplOffset;
  if (!sameId && !previousId) return { kind: 'full', reason: 'replid-mismatch' };
  if (s.backlog === null) return { kind: 'full', reason: 'no-backlog' };
  const first = s.backlog.firstByteOffset;
  if (reqOffset < first || reqOffset > first + s.backlog.histlen) return { kind: 'full', reason: 'offset-out-of-range' };
  return { kind: 'continue', from: reqOffset };
}
