/** IP address text ⇄ network-order bytes, runtime-neutral (no node:net). */

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}

/** Dotted quad t[s..e) into out[o..o+4): four decimal parts 0–255, no leading zeros. */
function parseV4(t: string, s: number, e: number, out: Uint8Array, o: number): boolean {
  let part = 0;
  let val = 0;
  let digits = 0;
  for (let i = s; i <= e; i++) {
    const c = i < e ? t.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (digits === 0 || part === 4) return false;
      out[o + part++] = val;
      val = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && val === 0) return false; // a leading zero (octal to inet_aton)
      val = val * 10 + (c - 0x30);
      if (val > 255) return false;
      digits++;
    } else return false;
  }
  return part === 4;
}

/** IPv6 t[s..e) into out[0..16): hex groups, at most one `::`, an optional dotted-quad tail. */
function parseV6(t: string, s: number, e: number, out: Uint8Array): boolean {
  let words = 0;
  let gap = -1;
  let i = s;
  if (i === e) return false;
  if (t.charCodeAt(i) === 0x3a) {
    if (i + 1 >= e || t.charCodeAt(i + 1) !== 0x3a) return false;
    gap = 0;
    i += 2;
  }
  while (i < e) {
    let j = i;
    let val = 0;
    for (let h = 0; j < e && (h = hexDigit(t.charCodeAt(j))) >= 0; j++) val = val * 16 + h;
    if (j < e && t.charCodeAt(j) === 0x2e) {
      // the embedded IPv4 tail (::ffff:1.2.3.4): two words, and the end
      if (words > 6 || !parseV4(t, i, e, out, words * 2)) return false;
      words += 2;
      break;
    }
    if (j === i || j - i > 4 || words === 8) return false;
    out[words * 2] = val >> 8;
    out[words * 2 + 1] = val & 0xff;
    words++;
    if (j === e) break;
    if (t.charCodeAt(j) !== 0x3a) return false;
    i = j + 1;
    if (i < e && t.charCodeAt(i) === 0x3a) {
      if (gap >= 0) return false;
      gap = words;
      i++;
    } else if (i === e) return false; // a trailing single colon
  }
  if (gap < 0) return words === 8;
  if (words >= 8) return false; // `::` stands for at least one group
  const tail = (words - gap) * 2;
  for (let k = tail - 1; k >= 0; k--) out[16 - tail + k] = out[gap * 2 + k]!;
  for (let k = gap * 2; k < 16 - tail; k++) out[k] = 0;
  return true;
}

/**
 * IP text → bytes in `out` (16 bytes; IPv4 in the first 4, the rest zeroed): 4, 6, or 0 when the
 * text is not an address. IPv4 is a strict dotted quad; IPv6 takes `::` compression, an embedded
 * IPv4 tail and a `%zone` suffix (ignored). Allocates nothing when `out` is given.
 */
export function parseIp(text: string, out: Uint8Array = new Uint8Array(16)): 0 | 4 | 6 {
  let e = text.length;
  const pct = text.indexOf("%");
  if (pct >= 0) {
    if (pct === e - 1) return 0;
    e = pct;
  }
  if (pct < 0 && text.indexOf(":") < 0) {
    if (!parseV4(text, 0, e, out, 0)) return 0;
    out.fill(0, 4, 16);
    return 4;
  }
  return parseV6(text, 0, e, out) ? 6 : 0;
}

/** Whether the 16 bytes are ::ffff:a.b.c.d. */
export function isV4Mapped(bytes: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/** Bytes → text: a dotted quad, or RFC 5952 IPv6 (lower case, the longest run of 2+ zero groups as
 *  `::`, ::ffff:1.2.3.4 for a mapped address). */
export function formatIp(family: 4 | 6, bytes: Uint8Array): string {
  if (family === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  if (isV4Mapped(bytes)) return `::ffff:${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push((bytes[i * 2]! << 8) | bytes[i * 2 + 1]!);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]) => a.map((x) => x.toString(16)).join(":");
  return best < 0 ? hex(w) : `${hex(w.slice(0, best))}::${hex(w.slice(best + bestLen))}`;
}

/** The 4 or 16 bytes of an address, or undefined when the text is not one. */
export function ipToBytes(text: string): Uint8Array | undefined {
  const out = new Uint8Array(16);
  const family = parseIp(text, out);
  return family === 0 ? undefined : family === 4 ? out.subarray(0, 4) : out;
}

/** Text of 4 or 16 address bytes. */
export function bytesToIp(bytes: Uint8Array): string {
  return formatIp(bytes.length === 4 ? 4 : 6, bytes);
}

/** 0.0.0.0 or :: (every interface), as text. */
export function isUnspecifiedHost(host: string): boolean {
  return host === "0.0.0.0" || host === "::";
}

/** 127.0.0.0/8 or ::1, as text. */
export function isLoopbackHost(host: string): boolean {
  return host.startsWith("127.") || host === "::1";
}
