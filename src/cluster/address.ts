// Node addresses as Redis keeps them: CLUSTER MEET and handshakes accept what inet_pton accepts and
// store what inet_ntop prints, so one address has one spelling (lowercase IPv6, zeros compressed,
// IPv4 shown inside mapped/compatible IPv6 the way glibc does).

/** Dotted-quad IPv4 as inet_pton reads it (no leading zeros), as 4 bytes; null if invalid. */
function parseIpv4(s: string): number[] | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

/** IPv6 as inet_pton reads it, as 8 16-bit words; null if invalid (zone ids are not accepted). */
function parseIpv6(s: string): number[] | null {
  const double = s.indexOf('::');
  if (double !== -1 && s.indexOf('::', double + 1) !== -1) return null;
  const parseGroups = (part: string, allowV4: boolean): number[] | null => {
    if (part === '') return [];
    const groups = part.split(':');
    const words: number[] = [];
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      if (allowV4 && i === groups.length - 1 && g.includes('.')) {
        const v4 = parseIpv4(g);
        if (v4 === null) return null;
        words.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
        words.push(parseInt(g, 16));
      }
    }
    return words;
  };
  if (double === -1) {
    const w = parseGroups(s, true);
    return w !== null && w.length === 8 ? w : null;
  }
  const head = parseGroups(s.slice(0, double), false);
  const tail = parseGroups(s.slice(double + 2), true);
  // "::" stands for at least one zero group.
  if (head === null || tail === null || head.length + tail.length > 7) return null;
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/** glibc's inet_ntop for IPv6. */
function formatIpv6(w: number[]): string {
  // The first longest run of two or more zero words becomes "::".
  let bestBase = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      bestBase = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestBase = -1;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase !== -1 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    // IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d) keep their dotted quad.
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && w[5] === 0xffff))) {
      out += `${w[6] >> 8}.${w[6] & 0xff}.${w[7] >> 8}.${w[7] & 0xff}`;
      return out;
    }
    out += w[i].toString(16);
  }
  if (bestBase !== -1 && bestBase + bestLen === 8) out += ':';
  return out;
}

/** The canonical spelling of an IPv4 or IPv6 address, or null if inet_pton would refuse it. */
export function normalizeIp(ip: string): string | null {
  const v4 = parseIpv4(ip);
  if (v4 !== null) return v4.join('.');
  const v6 = parseIpv6(ip);
  return v6 === null ? null : formatIpv6(v6);
}
