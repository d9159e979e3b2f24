// The capability policy: which addresses a guest may listen on and connect to (UDP send_to counts
// as connect), and which names it may resolve. Deny by default: a check passes only when an allow
// rule matches. The host parses rule text (host/policy.ts) and writes addresses as bytes; every
// decision (matching, normalisation, the wildcard and port-0 rules) is made here.
//
// The core instance is shared by every runtime of a thread, so rules live in slots: a runtime
// allocates one (policy_slot_alloc), fills it and checks against it. All tables are static memory,
// fixed size; nothing here allocates.
//
// A rule: kind, family, an address with a prefix length (CIDR) and a port range lo..hi.
// A check normalises the address first:
// * an IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address a.b.c.d: it matches IPv4 rules
//   only (so it neither slips past nor is refused by the IPv4 rules); a rule written as a mapped
//   address with prefix >= 96 is stored as the IPv4 rule it means. IPv4-compatible (::a.b.c.d)
//   stays IPv6.
// * an unspecified address (0.0.0.0, ::) to listen on means every interface: only a rule for
//   everything of its family (prefix 0, the `*` rules) or for exactly that address with a full
//   prefix allows it, never a network that merely contains it (0.0.0.0/8) nor a rule for one
//   interface (127.0.0.1).
// * an unspecified address to connect to (or send to) means this host, at whichever of its
//   addresses the socket is bound to (Linux: 0.0.0.0 → the bound source or 127.0.0.1; :: → ::1, or
//   127.0.0.1 from an IPv6 socket bound to an IPv4-mapped address): only prefix-0 rules allow it,
//   IPv4's for 0.0.0.0 (and ::ffff:0.0.0.0), IPv4's and IPv6's for ::. A rule for 0.0.0.0 itself
//   (or a host name that resolved to it) allows no connect.
// * a port matches lo <= port <= hi; port 0 (an ephemeral listen) only where the range includes 0.

import { PolicyKind } from "./enums";
import { Errno } from "./errno";
import { SCRATCH } from "./codes";

/** Policy slots (one per live runtime of a thread). */
export const SLOTS = 16;
/** Address rules per slot, listen and connect together. */
export const MAX_RULES = 256;
/** Resolvable names (or `*.` suffixes) per slot. */
export const MAX_NAMES = 64;
/** Longest name, without its trailing dot (RFC 1035). */
export const NAME_MAX = 253;
/** The buffer names are written into: a name, plus a trailing dot, fits. */
export const NAME_BUF_SIZE = 256;
export const NAME_BUF = memory.data(NAME_BUF_SIZE);

// Slot header: used u8 @0, resolve-all u8 @1, rule count i32 @4, name count i32 @8.
const SLOT_HDR = 16;
const HDRS = memory.data(SLOTS * SLOT_HDR);
// Rule: address (masked to its prefix) @0..16, kind u8 @16, family u8 @17, prefix u8 @18,
// lo u16 @20, hi u16 @22.
const RULE = 24;
const RULES = memory.data(SLOTS * MAX_RULES * RULE);
// Name entry: length u8 @0, lower-case ASCII @1.. (a `*.` suffix entry keeps its `*.`).
const NAME = 256;
const NAMES = memory.data(SLOTS * MAX_NAMES * NAME);

const PORT_MAX = 65535;

@inline function hdr(slot: i32): usize {
  return HDRS + <usize>slot * SLOT_HDR;
}

@inline function rule(slot: i32, i: i32): usize {
  return RULES + (<usize>slot * MAX_RULES + <usize>i) * RULE;
}

@inline function nameAt(slot: i32, i: i32): usize {
  return NAMES + (<usize>slot * MAX_NAMES + <usize>i) * NAME;
}

/** A slot in range and allocated. */
@inline function live(slot: i32): bool {
  return <u32>slot < <u32>SLOTS && load<u8>(hdr(slot)) != 0;
}

@inline function validKind(kind: i32): bool {
  return <u32>kind < <u32>PolicyKind.COUNT;
}

@inline function bits(family: i32): i32 {
  return family == 4 ? 32 : family == 6 ? 128 : -1;
}

// ---------------------------------------------------------------------------------------------
// Slots

function reset(slot: i32): void {
  const h = hdr(slot);
  store<u8>(h, 0, 1);
  store<i32>(h, 0, 4);
  store<i32>(h, 0, 8);
}

/** A free slot, now allocated and empty (denies everything); -1 when all are in use. */
export function policySlotAlloc(): i32 {
  for (let s = 0; s < SLOTS; s++) {
    if (load<u8>(hdr(s)) == 0) {
      reset(s);
      store<u8>(hdr(s), 1);
      return s;
    }
  }
  return -1;
}

/** Give a slot back (its rules are dropped). EINVAL if it is not allocated. */
export function policySlotFree(slot: i32): i32 {
  if (!live(slot)) return Errno.INVAL;
  reset(slot);
  store<u8>(hdr(slot), 0);
  return Errno.SUCCESS;
}

/** Drop every rule and name of a slot; it denies everything again. */
export function policyClear(slot: i32): i32 {
  if (!live(slot)) return Errno.INVAL;
  reset(slot);
  return Errno.SUCCESS;
}

// ---------------------------------------------------------------------------------------------
// Addresses

/** Whether the 16 bytes at a are ::ffff:a.b.c.d. */
function isMapped(a: usize): bool {
  return load<u64>(a) == 0 && load<u16>(a, 8) == 0 && load<u16>(a, 10) == 0xffff;
}

/** Whether the first n bytes at a are all zero (n = 4 or 16). */
@inline function isZero(a: usize, family: i32): bool {
  return family == 4 ? load<u32>(a) == 0 : load<u64>(a) == 0 && load<u64>(a, 8) == 0;
}

/** Whether a and b agree on their first `prefix` bits. */
function samePrefix(a: usize, b: usize, prefix: i32): bool {
  const whole = prefix >> 3;
  for (let i = 0; i < whole; i++) {
    if (load<u8>(a + <usize>i) != load<u8>(b + <usize>i)) return false;
  }
  const rest = prefix & 7;
  if (rest == 0) return true;
  const mask = <u32>(0xff00 >> rest) & 0xff;
  return ((<u32>load<u8>(a + <usize>whole) ^ <u32>load<u8>(b + <usize>whole)) & mask) == 0;
}

/** Copy the first `prefix` bits of the 16 bytes at src to dst, zero the rest. */
function copyMasked(dst: usize, src: usize, prefix: i32): void {
  for (let i = 0; i < 16; i++) {
    const have = prefix - (i << 3);
    let b: u32 = 0;
    if (have >= 8) b = load<u8>(src + <usize>i);
    else if (have > 0) b = load<u8>(src + <usize>i) & ((0xff00 >> have) & 0xff);
    store<u8>(dst + <usize>i, <u8>b);
  }
}

// The check's normalised address (IPv4 in the first 4 bytes).
const ADDR = memory.data(16);

// ---------------------------------------------------------------------------------------------
// Rules

/**
 * Add an allow rule to a slot: the address is scratch[0..16) (IPv4 in the first 4 bytes), only its
 * first `prefix` bits count. EINVAL for a bad slot/kind/family/prefix/port range, ENOMEM when the
 * slot is full. Adding a rule the slot already has changes nothing.
 */
export function policyAdd(slot: i32, kind: i32, family: i32, prefix: i32, lo: i32, hi: i32): i32 {
  if (!live(slot) || !validKind(kind)) return Errno.INVAL;
  const max = bits(family);
  if (max < 0 || <u32>prefix > <u32>max) return Errno.INVAL;
  if (<u32>lo > <u32>PORT_MAX || <u32>hi > <u32>PORT_MAX || lo > hi) return Errno.INVAL;
  if (family == 6 && prefix >= 96 && isMapped(SCRATCH)) {
    // ::ffff:a.b.c.d/p is a.b.c.d/(p - 96): keep it where IPv4 checks look.
    store<u32>(ADDR, load<u32>(SCRATCH, 12));
    family = 4;
    prefix -= 96;
  } else {
    memory.copy(ADDR, SCRATCH, 16);
  }
  const h = hdr(slot);
  const n = load<i32>(h, 4);
  for (let i = 0; i < n; i++) {
    const r = rule(slot, i);
    if (
      <i32>load<u8>(r, 16) == kind && <i32>load<u8>(r, 17) == family && <i32>load<u8>(r, 18) == prefix &&
      <i32>load<u16>(r, 20) == lo && <i32>load<u16>(r, 22) == hi && samePrefix(r, ADDR, prefix)
    ) return Errno.SUCCESS;
  }
  if (n == MAX_RULES) return Errno.NOMEM;
  const r = rule(slot, n);
  copyMasked(r, ADDR, prefix);
  store<u8>(r, <u8>kind, 16);
  store<u8>(r, <u8>family, 17);
  store<u8>(r, <u8>prefix, 18);
  store<u8>(r, 0, 19);
  store<u16>(r, <u16>lo, 20);
  store<u16>(r, <u16>hi, 22);
  store<i32>(h, n + 1, 4);
  return Errno.SUCCESS;
}

/**
 * Whether a slot allows `kind` on the address in scratch[0..16) and `port`: 0 if a rule allows it,
 * EACCES if none does, EINVAL for a bad slot/kind/family/port (a denial too: never 0).
 */
export function policyCheck(slot: i32, kind: i32, family: i32, port: i32): i32 {
  if (!live(slot) || !validKind(kind) || bits(family) < 0 || <u32>port > <u32>PORT_MAX) return Errno.INVAL;
  if (family == 6 && isMapped(SCRATCH)) {
    store<u32>(ADDR, load<u32>(SCRATCH, 12));
    family = 4;
  } else {
    memory.copy(ADDR, SCRATCH, 16);
  }
  const full = bits(family);
  const any = isZero(ADDR, family);
  if (any && kind == PolicyKind.CONNECT) {
    // A connect to 0.0.0.0 reaches this host at the socket's bound address (127.0.0.1 when
    // unbound), one to :: reaches ::1 or, from a socket bound to an IPv4-mapped address, IPv4
    // loopback: only rules for every address of each family it may reach allow it.
    return everything(slot, kind, 4, port) && (family == 4 || everything(slot, kind, 6, port)) ? Errno.SUCCESS : Errno.ACCES;
  }
  const n = load<i32>(hdr(slot), 4);
  for (let i = 0; i < n; i++) {
    const r = rule(slot, i);
    if (<i32>load<u8>(r, 16) != kind || <i32>load<u8>(r, 17) != family) continue;
    if (port < <i32>load<u16>(r, 20) || port > <i32>load<u16>(r, 22)) continue;
    const prefix = <i32>load<u8>(r, 18);
    if (any) {
      // Every interface: a rule for everything, or for exactly this unspecified address.
      if (prefix == 0 || (prefix == full && isZero(r, family))) return Errno.SUCCESS;
      continue;
    }
    if (samePrefix(r, ADDR, prefix)) return Errno.SUCCESS;
  }
  return Errno.ACCES;
}

/** Whether a slot has a rule of `kind` for every address of `family` (prefix 0) taking `port`. */
function everything(slot: i32, kind: i32, family: i32, port: i32): bool {
  const n = load<i32>(hdr(slot), 4);
  for (let i = 0; i < n; i++) {
    const r = rule(slot, i);
    if (<i32>load<u8>(r, 16) == kind && <i32>load<u8>(r, 17) == family && load<u8>(r, 18) == 0 &&
        port >= <i32>load<u16>(r, 20) && port <= <i32>load<u16>(r, 22)) return true;
  }
  return false;
}

/** How many rules of `kind` a slot has; -EINVAL for a bad slot or kind. */
export function policyCount(slot: i32, kind: i32): i32 {
  if (!live(slot) || !validKind(kind)) return -Errno.INVAL;
  let c = 0;
  const n = load<i32>(hdr(slot), 4);
  for (let i = 0; i < n; i++) if (<i32>load<u8>(rule(slot, i), 16) == kind) c++;
  return c;
}

// ---------------------------------------------------------------------------------------------
// Names

/** Let a slot resolve every name. */
export function policyAllowResolveAll(slot: i32): i32 {
  if (!live(slot)) return Errno.INVAL;
  store<u8>(hdr(slot), 1, 1);
  return Errno.SUCCESS;
}

@inline function lower(c: u32): u32 {
  return c - 0x41 < 26 ? c | 0x20 : c;
}

/** A host-name character (after lower-casing): a-z 0-9 - _ */
@inline function nameChar(c: u32): bool {
  return c - 0x61 < 26 || c - 0x30 < 10 || c == 0x2d || c == 0x5f;
}

/** NAME_BUF[0..len) without one trailing dot; -1 when len is out of range. */
function trimmed(len: i32): i32 {
  if (len <= 0 || len > NAME_BUF_SIZE) return -1;
  if (load<u8>(NAME_BUF + <usize>(len - 1)) == 0x2e) len--;
  return len == 0 || len > NAME_MAX ? -1 : len;
}

/** Whether NAME_BUF[start..n) is labels of 1–63 name characters joined by dots (n > start). */
function validName(start: i32, n: i32): bool {
  if (start >= n) return false;
  let label = 0;
  for (let i = start; i < n; i++) {
    const c = lower(load<u8>(NAME_BUF + <usize>i));
    if (c == 0x2e) {
      if (label == 0) return false;
      label = 0;
    } else if (!nameChar(c) || ++label > 63) return false;
  }
  return label != 0;
}

/**
 * Let a slot resolve the name in the name buffer [0..len): ASCII, case-insensitive, one trailing
 * dot ignored, labels of 1–63 of a-z 0-9 - _, at most 253 bytes. A leading `*.` allows every name
 * below it (not the name itself); `*` alone allows every name. EINVAL for a malformed name, ENOMEM
 * when the slot's name table is full. Adding a name the slot has changes nothing.
 */
export function policyAddName(slot: i32, len: i32): i32 {
  if (!live(slot)) return Errno.INVAL;
  if (len == 1 && load<u8>(NAME_BUF) == 0x2a) return policyAllowResolveAll(slot);
  const n = trimmed(len);
  if (n < 0) return Errno.INVAL;
  let start = 0;
  if (n >= 2 && load<u8>(NAME_BUF) == 0x2a && load<u8>(NAME_BUF, 1) == 0x2e) start = 2;
  if (!validName(start, n)) return Errno.INVAL;
  const h = hdr(slot);
  const count = load<i32>(h, 8);
  for (let e = 0; e < count; e++) if (entryIs(nameAt(slot, e), n)) return Errno.SUCCESS;
  if (count == MAX_NAMES) return Errno.NOMEM;
  const at = nameAt(slot, count);
  store<u8>(at, <u8>n);
  for (let i = 0; i < n; i++) store<u8>(at + 1 + <usize>i, <u8>lower(load<u8>(NAME_BUF + <usize>i)));
  store<i32>(h, count + 1, 8);
  return Errno.SUCCESS;
}

/** Whether the entry at e is NAME_BUF[0..n) (case-insensitively). */
function entryIs(e: usize, n: i32): bool {
  if (<i32>load<u8>(e) != n) return false;
  return tailIs(e, 0, 0);
}

/** Whether NAME_BUF[from..from+k) equals entry bytes [k0..) where k = entry length - k0. */
function tailIs(e: usize, from: i32, k0: i32): bool {
  const k = <i32>load<u8>(e) - k0;
  for (let i = 0; i < k; i++) {
    if (lower(load<u8>(NAME_BUF + <usize>(from + i))) != <u32>load<u8>(e + 1 + <usize>(k0 + i))) return false;
  }
  return true;
}

/**
 * Whether a slot may resolve the name in the name buffer [0..len): 0 if allowed (resolve-all, an
 * equal name, or a `*.suffix` entry with at least one label before the suffix), else EACCES;
 * EINVAL for a bad slot or a length out of 1..256 (253 without the trailing dot). Unless every name
 * is allowed, a name that is not labels of a-z 0-9 - _ is EACCES: no entry can allow it, and the
 * resolver might look up something else (a NUL byte ends the name a C resolver sees, so
 * `localhost\0.example.com` would pass `*.example.com` and look up localhost).
 */
export function policyCheckName(slot: i32, len: i32): i32 {
  if (!live(slot)) return Errno.INVAL;
  const n = trimmed(len);
  if (n < 0) return Errno.INVAL;
  const h = hdr(slot);
  if (load<u8>(h, 1) != 0) return Errno.SUCCESS;
  if (!validName(0, n)) return Errno.ACCES;
  const count = load<i32>(h, 8);
  for (let e = 0; e < count; e++) {
    const at = nameAt(slot, e);
    const k = <i32>load<u8>(at);
    if (k == n && entryIs(at, n)) return Errno.SUCCESS;
    if (load<u8>(at, 1) == 0x2a) {
      // `*.suffix`: the name must end in `.suffix` (k - 1 bytes) with something before the dot.
      const tail = k - 1;
      if (n > tail && tailIs(at, n - tail, 1)) return Errno.SUCCESS;
    }
  }
  return Errno.ACCES;
}
