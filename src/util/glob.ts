// Glob matching with the exact rules of Redis's stringmatchlen (KEYS, SCAN MATCH, PSUBSCRIBE,
// CONFIG GET): '*', '?', '[...]' with ranges and '^' negation, '\' escapes. Binary-safe on latin1.

/** Does `str` match `pattern`? `nocase` folds ASCII case like Redis's tolower. */
export function globMatch(pattern: string, str: string, nocase: boolean): boolean {
  return matchAt(pattern, 0, str, 0, nocase, 0) === 1;
}

const lower = (c: number): number => (c >= 65 && c <= 90 ? c + 32 : c);

// Returns 1 match, 0 no match, -1 "skip longer": no match is possible for any later start either,
// which keeps patterns like "a*a*a*a*b" from going exponential.
function matchAt(p: string, pi: number, s: string, si: number, nocase: boolean, depth: number): number {
  if (depth > 1000) return -1;
  const plen = p.length;
  const slen = s.length;
  while (pi < plen && si < slen) {
    let pc = p.charCodeAt(pi);
    if (pc === 92 /* '\\' */ && pi + 1 < plen) {
      pi++;
      pc = -1; // escaped: compare literally below
    }
    switch (pc) {
      case 42: /* '*' */ {
        while (pi + 1 < plen && p.charCodeAt(pi + 1) === 42) pi++;
        if (pi + 1 === plen) return 1;
        for (let k = si; k < slen; k++) {
          const r = matchAt(p, pi + 1, s, k, nocase, depth + 1);
          if (r === 1) return 1;
          if (r === -1) return -1;
        }
        return -1;
      }
      case 63: /* '?' */
        if (si >= slen) return 0;
        si++;
        break;
      case 91: /* '[' */ {
        if (si >= slen) return 0;
        pi++;
        const not = p.charCodeAt(pi) === 94;
        if (not) pi++;
        let matched = false;
        const sc = nocase ? lower(s.charCodeAt(si)) : s.charCodeAt(si);
        for (;;) {
          if (pi >= plen) {
            pi--;
            break;
          }
          const c = p.charCodeAt(pi);
          if (c === 92 /* '\' */ && pi + 1 < plen) {
            pi++;
            if ((nocase ? lower(p.charCodeAt(pi)) : p.charCodeAt(pi)) === sc) matched = true;
          } else if (c === 93 /* ']' */) {
            break;
          } else if (pi + 2 < plen && p.charCodeAt(pi + 1) === 45 /* '-' */) {
            let start = p.charCodeAt(pi);
            let end = p.charCodeAt(pi + 2);
            if (start > end) {
              const t = start;
              start = end;
              end = t;
            }
            if (nocase) {
              start = lower(start);
              end = lower(end);
            }
            pi += 2;
            if (sc >= start && sc <= end) matched = true;
          } else if ((nocase ? lower(c) : c) === sc) {
            matched = true;
          }
          pi++;
        }
        if (not) matched = !matched;
        if (!matched) return 0;
        si++;
        break;
      }
      default: {
        if (si >= slen) return 0;
        const a = p.charCodeAt(pi);
        const b = s.charCodeAt(si);
        if (nocase ? lower(a) !== lower(b) : a !== b) return 0;
        si++;
        break;
      }
    }
    pi++;
    if (si >= slen) {
      while (pi < plen && p.charCodeAt(pi) === 42) pi++;
      break;
    }
  }
  return pi === plen && si === slen ? 1 : 0;
}
