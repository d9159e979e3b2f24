/** IP address text ⇄ network-order bytes (4 or 16), runtime-neutral (no node:net). */

/** Bytes of an IPv4 dotted quad or an IPv6 address (with `::` and embedded IPv4), or undefined. */
export function ipToBytes(text: string): Uint8Array | undefined {
  return text.includes(":") ? ipv6ToBytes(text) : ipv4ToBytes(text);
}

function ipv4ToBytes(text: string): Uint8Array | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    if (!/^(0|[1-9]\d{0,2})$/.test(parts[i]!)) return undefined;
    const n = Number(parts[i]);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

function ipv6ToBytes(text: string): Uint8Array | undefined {
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  let tail: Uint8Array | undefined;
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    tail = ipv4ToBytes(text.slice(lastColon + 1));
    if (!tail) return undefined;
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const group = (s: string): number[] | undefined => {
    if (s === "") return [];
    const gs = s.split(":");
    if (gs.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
    return gs.map((g) => parseInt(g, 16));
  };
  const head = group(halves[0]!);
  const rest = halves.length === 2 ? group(halves[1]!) : [];
  if (!head || !rest) return undefined;
  const fill = 8 - head.length - rest.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return undefined;
  const words = [...head, ...new Array<number>(fill).fill(0), ...rest];
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  if (tail) out.set(tail, 12);
  return out;
}

/** Text of 4 or 16 address bytes (IPv6 in RFC 5952 form, IPv4-mapped as ::ffff:a.b.c.d). */
export function bytesToIp(b: Uint8Array): string {
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  const words = Array.from({ length: 8 }, (_, i) => (b[2 * i]! << 8) | b[2 * i + 1]!);
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}
