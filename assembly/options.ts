// Socket options: which exist for each ABI and kind of socket, which may be read or written, their
// defaults and what a write stores. The kernel keeps one i32 per option and socket; an ABI layer
// maps its guest's numbering to SockOpt (option_from_abi) and its guest's types to that i32.
//
// One table per ABI: a row per SockOpt, get errnos for the four kinds then set errnos
// (kinds: TCP, LISTENER, STREAM, UDP; enums.ts SockKind). A few rules that depend on the family or
// the state are code (optionError). Values: optionSet returns what the kernel stores, which is what a
// later get reads back (Linux doubles buffer sizes, booleans read 1, wasi:sockets clamps).
//
// Value conventions (the i32 the kernel keeps):
// * flags: 0 / 1. Timeouts (RCVTIMEO, SNDTIMEO, CONNECT_TIMEOUT, ACCEPT_TIMEOUT): milliseconds,
//   0 = none. LINGER: 0 = off, 1 + seconds = on. KEEPIDLE / KEEPINTVL: seconds (P2: the layer
//   converts its nanoseconds with p2_duration_secs). BINDTODEVICE: the name's length.
// * P2 and WASIX values are unsigned: the layer saturates them to i32::MAX; negative is EINVAL.

import { Abi, OptClass, SockKind, SockOpt, wasiSockets, Word } from "./enums";
import { Errno } from "./errno";

const OPTS = <i32>SockOpt.COUNT;
const KINDS = <i32>SockKind.COUNT;
const ROW = 2 * KINDS;
const I32_MAX = 0x7fffffff;

// Errnos in the tables.
const O: u8 = 0;
const I: u8 = <u8>Errno.INVAL;
const N: u8 = <u8>Errno.NOTSUP;
const P: u8 = <u8>Errno.NOPROTOOPT;
const X: u8 = <u8>Errno.IO;
const S: u8 = <u8>Errno.BADF; // P2 invalid-state

// prettier-ignore
const LINUX: StaticArray<u8> = [
// Linux 6.18 getsockopt/setsockopt, probed on loopback (IPv4 view; IPv6 differences in optionError).
//                   get: TCP LSN STR UDP   set: TCP LSN STR UDP
/* NOOP           */      P,  P,  P,  P,         P,  P,  P,  P,   // no such option
/* ERROR          */      O,  O,  O,  O,         P,  P,  P,  P,   // read-only
/* TYPE           */      O,  O,  O,  O,         P,  P,  P,  P,
/* ACCEPTCONN     */      O,  O,  O,  O,         P,  P,  P,  P,
/* REUSEADDR      */      O,  O,  O,  O,         O,  O,  O,  O,
/* KEEPALIVE      */      O,  O,  O,  O,         O,  O,  O,  O,   // SOL_SOCKET: UDP too
/* RCVBUF         */      O,  O,  O,  O,         O,  O,  O,  O,
/* SNDBUF         */      O,  O,  O,  O,         O,  O,  O,  O,
/* NODELAY        */      O,  O,  O,  N,         O,  O,  O,  P,   // IPPROTO_TCP on UDP: get EOPNOTSUPP, set ENOPROTOOPT
/* LINGER         */      O,  O,  O,  O,         O,  O,  O,  O,
/* BROADCAST      */      O,  O,  O,  O,         O,  O,  O,  O,
/* DONTROUTE      */      O,  O,  O,  O,         O,  O,  O,  O,
/* OOBINLINE      */      O,  O,  O,  O,         O,  O,  O,  O,
/* RCVLOWAT       */      O,  O,  O,  O,         O,  O,  O,  O,
/* RCVTIMEO       */      O,  O,  O,  O,         O,  O,  O,  O,
/* SNDTIMEO       */      O,  O,  O,  O,         O,  O,  O,  O,
/* KEEPIDLE       */      O,  O,  O,  N,         O,  O,  O,  P,
/* KEEPINTVL      */      O,  O,  O,  N,         O,  O,  O,  P,
/* KEEPCNT        */      O,  O,  O,  N,         O,  O,  O,  P,
/* TTL            */      O,  O,  O,  O,         O,  O,  O,  O,
/* V6ONLY         */      O,  O,  O,  O,         O,  O,  O,  O,   // IPv6 sockets only; set before bind only
/* LISTEN_BACKLOG */      P,  P,  P,  P,         P,  P,  P,  P,   // listen()'s argument, not an option
/* REUSEPORT      */      O,  O,  O,  O,         O,  O,  O,  O,
/* SNDLOWAT       */      O,  O,  O,  O,         P,  P,  P,  P,   // reads 1, cannot be changed
/* MULTICAST_LOOP_V4 */   O,  O,  O,  O,         O,  O,  O,  O,
/* MULTICAST_LOOP_V6 */   O,  O,  O,  O,         O,  O,  O,  O,   // IPv6 sockets only
/* MULTICAST_TTL_V4  */   O,  O,  O,  O,         I,  I,  I,  O,   // set on SOCK_STREAM: EINVAL
/* CONNECT_TIMEOUT   */   P,  P,  P,  P,         P,  P,  P,  P,
/* ACCEPT_TIMEOUT    */   P,  P,  P,  P,         P,  P,  P,  P,
/* PROMISCUOUS    */      P,  P,  P,  P,         P,  P,  P,  P,
/* PROTOCOL       */      O,  O,  O,  O,         P,  P,  P,  P,
/* BINDTODEVICE   */      O,  O,  O,  O,         O,  O,  O,  O,
];

// prettier-ignore
const WASIX: StaticArray<u8> = [
// Wasmer net/socket.rs, per kind of InodeSocket: TCP = pre-socket (an unbound UDP socket is one too),
// LSN = TcpListener, STR = TcpStream, UDP = UdpSocket. Rows are for the option's own family (FAMILY);
// another family's function gives optionError's wrong-family answer.
//                   get: TCP LSN STR UDP   set: TCP LSN STR UDP
/* NOOP           */      I,  N,  I,  I,         I,  I,  I,  I,   // flag functions' "anything else"
/* ERROR          */      I,  N,  I,  I,         I,  I,  I,  I,   // last_error: sock_status/SO_ERROR, not an option
/* TYPE           */      I,  N,  I,  I,         I,  I,  I,  I,   // wasix-libc reads it from fd_fdstat_get
/* ACCEPTCONN     */      I,  N,  I,  I,         I,  I,  I,  I,   // listening
/* REUSEADDR      */      O,  N,  I,  I,         O,  I,  I,  I,
/* KEEPALIVE      */      O,  N,  O,  I,         O,  I,  O,  I,
/* RCVBUF         */      O,  N,  O,  N,         O,  N,  O,  N,   // size
/* SNDBUF         */      O,  N,  O,  N,         O,  N,  O,  N,   // size
/* NODELAY        */      O,  N,  O,  I,         O,  I,  O,  I,
/* LINGER         */      I,  I,  I,  N,         X,  I,  I,  N,   // time; set on a pre-socket: EIO
/* BROADCAST      */      I,  N,  I,  O,         I,  I,  I,  O,
/* DONTROUTE      */      I,  N,  O,  I,         O,  I,  O,  I,   // a pre-socket takes it but cannot read it
/* OOBINLINE      */      I,  N,  I,  I,         I,  I,  I,  I,
/* RCVLOWAT       */      I,  N,  I,  I,         I,  I,  I,  I,
/* RCVTIMEO       */      O,  I,  O,  N,         O,  I,  O,  N,   // time
/* SNDTIMEO       */      O,  I,  O,  N,         O,  I,  O,  N,   // time
/* KEEPIDLE       */      I,  I,  I,  I,         I,  I,  I,  I,   // not a WASIX option
/* KEEPINTVL      */      I,  I,  I,  I,         I,  I,  I,  I,
/* KEEPCNT        */      I,  I,  I,  I,         I,  I,  I,  I,
/* TTL            */      X,  N,  O,  O,         X,  N,  O,  O,   // size; pre-socket: EIO
/* V6ONLY         */      O,  N,  I,  I,         O,  I,  I,  I,
/* LISTEN_BACKLOG */      I,  I,  I,  I,         I,  I,  I,  I,
/* REUSEPORT      */      O,  N,  I,  I,         O,  I,  I,  I,
/* SNDLOWAT       */      I,  N,  I,  I,         I,  I,  I,  I,
/* MULTICAST_LOOP_V4 */   I,  N,  I,  O,         I,  I,  I,  O,
/* MULTICAST_LOOP_V6 */   I,  N,  I,  O,         I,  I,  I,  O,
/* MULTICAST_TTL_V4  */   X,  N,  N,  O,         X,  N,  N,  O,   // size
/* CONNECT_TIMEOUT   */   O,  I,  I,  N,         O,  I,  I,  N,   // time
/* ACCEPT_TIMEOUT    */   O,  O,  I,  N,         O,  O,  I,  N,   // time
/* PROMISCUOUS    */      I,  N,  I,  I,         I,  I,  I,  I,   // raw sockets only
/* PROTOCOL       */      I,  I,  I,  I,         I,  I,  I,  I,   // size functions' "anything else"
/* BINDTODEVICE   */      I,  I,  I,  I,         I,  I,  I,  I,
];

// prettier-ignore
const P2: StaticArray<u8> = [
// wasi:sockets 0.2 tcp-socket / udp-socket option methods; N = no such method (not-supported).
//                   get: TCP LSN STR UDP   set: TCP LSN STR UDP
/* NOOP           */      N,  N,  N,  N,         N,  N,  N,  N,
/* ERROR          */      N,  N,  N,  N,         N,  N,  N,  N,
/* TYPE           */      N,  N,  N,  N,         N,  N,  N,  N,
/* ACCEPTCONN     */      N,  N,  N,  N,         N,  N,  N,  N,   // is-listening never fails: the host answers
/* REUSEADDR      */      N,  N,  N,  N,         N,  N,  N,  N,
/* KEEPALIVE      */      O,  O,  O,  N,         O,  O,  O,  N,   // keep-alive-enabled
/* RCVBUF         */      O,  O,  O,  O,         O,  O,  O,  O,   // receive-buffer-size
/* SNDBUF         */      O,  O,  O,  O,         O,  O,  O,  O,   // send-buffer-size
/* NODELAY        */      N,  N,  N,  N,         N,  N,  N,  N,
/* LINGER         */      N,  N,  N,  N,         N,  N,  N,  N,
/* BROADCAST      */      N,  N,  N,  N,         N,  N,  N,  N,
/* DONTROUTE      */      N,  N,  N,  N,         N,  N,  N,  N,
/* OOBINLINE      */      N,  N,  N,  N,         N,  N,  N,  N,
/* RCVLOWAT       */      N,  N,  N,  N,         N,  N,  N,  N,
/* RCVTIMEO       */      N,  N,  N,  N,         N,  N,  N,  N,
/* SNDTIMEO       */      N,  N,  N,  N,         N,  N,  N,  N,
/* KEEPIDLE       */      O,  O,  O,  N,         O,  O,  O,  N,   // keep-alive-idle-time
/* KEEPINTVL      */      O,  O,  O,  N,         O,  O,  O,  N,   // keep-alive-interval
/* KEEPCNT        */      O,  O,  O,  N,         O,  O,  O,  N,   // keep-alive-count
/* TTL            */      O,  O,  O,  O,         O,  O,  O,  O,   // hop-limit, unicast-hop-limit
/* V6ONLY         */      N,  N,  N,  N,         N,  N,  N,  N,   // IPv6 sockets are always v6-only
/* LISTEN_BACKLOG */      N,  N,  N,  N,         O,  O,  S,  N,   // set-listen-backlog-size only; connected: invalid-state
/* REUSEPORT      */      N,  N,  N,  N,         N,  N,  N,  N,
/* SNDLOWAT       */      N,  N,  N,  N,         N,  N,  N,  N,
/* MULTICAST_LOOP_V4 */   N,  N,  N,  N,         N,  N,  N,  N,
/* MULTICAST_LOOP_V6 */   N,  N,  N,  N,         N,  N,  N,  N,
/* MULTICAST_TTL_V4  */   N,  N,  N,  N,         N,  N,  N,  N,
/* CONNECT_TIMEOUT   */   N,  N,  N,  N,         N,  N,  N,  N,
/* ACCEPT_TIMEOUT    */   N,  N,  N,  N,         N,  N,  N,  N,
/* PROMISCUOUS    */      N,  N,  N,  N,         N,  N,  N,  N,
/* PROTOCOL       */      N,  N,  N,  N,         N,  N,  N,  N,
/* BINDTODEVICE   */      N,  N,  N,  N,         N,  N,  N,  N,
];

const F = <u8>OptClass.FLAG;
const T = <u8>OptClass.TIME;
const Z = <u8>OptClass.SIZE;
const NONE: u8 = 0;

/** WASIX: the family of functions each option belongs to (sock_*_opt_flag/time/size), NONE if no
 *  WASIX option names it. Options no function handles belong where wasix-libc sends them. */
// prettier-ignore
const FAMILY: StaticArray<u8> = [
  F,    F,    F,    F,    F,    F,    Z,    Z,    // NOOP ERROR TYPE ACCEPTCONN REUSEADDR KEEPALIVE RCVBUF SNDBUF
  F,    T,    F,    F,    F,    F,    T,    T,    // NODELAY LINGER BROADCAST DONTROUTE OOBINLINE RCVLOWAT RCVTIMEO SNDTIMEO
  NONE, NONE, NONE, Z,    F,    NONE, F,    F,    // KEEPIDLE KEEPINTVL KEEPCNT TTL V6ONLY LISTEN_BACKLOG REUSEPORT SNDLOWAT
  F,    F,    Z,    T,    T,    F,    Z,    NONE, // MCAST_LOOP_V4 MCAST_LOOP_V6 MCAST_TTL_V4 CONNECT_TIMEOUT ACCEPT_TIMEOUT PROMISCUOUS PROTOCOL BINDTODEVICE
];

/** WasmEdge sock_{get,set}sockopt names 0–14 (SOL_SOCKET; docs/abi.md §2.3). */
// prettier-ignore
const WASMEDGE_NAMES: StaticArray<i32> = [
  SockOpt.REUSEADDR, SockOpt.TYPE, SockOpt.ERROR, SockOpt.DONTROUTE, SockOpt.BROADCAST, SockOpt.SNDBUF,
  SockOpt.RCVBUF, SockOpt.KEEPALIVE, SockOpt.OOBINLINE, SockOpt.LINGER, SockOpt.RCVLOWAT, SockOpt.RCVTIMEO,
  SockOpt.SNDTIMEO, SockOpt.ACCEPTCONN, SockOpt.BINDTODEVICE,
];

/** WASIX sock_option 0–26 (docs/abi.md §3.2). */
// prettier-ignore
const WASIX_NAMES: StaticArray<i32> = [
  SockOpt.NOOP, SockOpt.REUSEPORT, SockOpt.REUSEADDR, SockOpt.NODELAY, SockOpt.DONTROUTE, SockOpt.V6ONLY,
  SockOpt.BROADCAST, SockOpt.MULTICAST_LOOP_V4, SockOpt.MULTICAST_LOOP_V6, SockOpt.PROMISCUOUS,
  SockOpt.ACCEPTCONN, SockOpt.ERROR, SockOpt.KEEPALIVE, SockOpt.LINGER, SockOpt.OOBINLINE, SockOpt.RCVBUF,
  SockOpt.SNDBUF, SockOpt.RCVLOWAT, SockOpt.SNDLOWAT, SockOpt.RCVTIMEO, SockOpt.SNDTIMEO,
  SockOpt.CONNECT_TIMEOUT, SockOpt.ACCEPT_TIMEOUT, SockOpt.TTL, SockOpt.MULTICAST_TTL_V4, SockOpt.TYPE,
  SockOpt.PROTOCOL,
];

// Tables of the wrong size trap at instantiation, so they cannot load.
if (LINUX.length != OPTS * ROW || WASIX.length != OPTS * ROW || P2.length != OPTS * ROW || FAMILY.length != OPTS) unreachable();

// Linux's defaults (sysctls as a stock kernel has them) and limits.
/** net.core.rmem_max / wmem_max: the largest SO_RCVBUF / SO_SNDBUF a process may ask for. */
const RMEM_MAX = 212992;
const WMEM_MAX = 212992;
/** SOCK_MIN_RCVBUF / SOCK_MIN_SNDBUF on x86-64 (2048 + sk_buff overhead; probed). */
const MIN_RCVBUF = 2304;
const MIN_SNDBUF = 4608;
/** TCP caps SO_RCVLOWAT at tcp_rmem[2] / 2 (stock tcp_rmem[2] = 6 MiB). */
const TCP_RCVLOWAT_MAX = 3145728;
/** MAX_TCP_KEEPIDLE = MAX_TCP_KEEPINTVL = 32767 s, MAX_TCP_KEEPCNT = 127. */
const KEEP_TIME_MAX = 32767;
const KEEPCNT_MAX = 127;

const NS_PER_SEC: u64 = 1_000_000_000;

@inline function validKind(kind: i32): bool {
  return (kind & ~(<i32>SockKind.INET6 | 3)) == 0;
}

@inline function validWord(word: i32): bool {
  return <u32>word <= <u32>Word.MAX && (word & Word.STATE) < 8;
}

/** WASIX's view of a socket: an unbound UDP socket is a pre-socket like an unconnected TCP one. */
@inline function wasixKind(kind: i32, state: i32): i32 {
  return kind == SockKind.UDP && state == 0 ? <i32>SockKind.TCP : kind;
}

/**
 * The errno of reading (set = false) or writing an option, 0 if allowed. `opt` is a SockOpt, for
 * WASIX with an OptClass in bits 8–9 (the function the guest called); `value` matters only for
 * WASIX flags (a bool other than 0/1 is EINVAL first, as Wasmer decodes it).
 */
function optionError(abi: i32, kind: i32, word: i32, arg: i32, set: bool, value: i32): i32 {
  const opt = arg & 0xff;
  const cls = arg >>> OptClass.SHIFT;
  if (<u32>abi >= <u32>Abi.COUNT || !validKind(kind) || !validWord(word) || opt >= OPTS || <u32>cls > <u32>OptClass.SIZE) return Errno.INVAL;
  if (cls != OptClass.ANY && abi != Abi.WASIX) return Errno.INVAL;
  const state = word & Word.STATE;
  if (state == 7) return Errno.BADF; // CLOSED: a closed fd (LINUX/WASIX), invalid-state (P2)
  const k = kind & 3;
  const v6 = (kind & SockKind.INET6) != 0;
  const col = opt * ROW + (set ? KINDS : 0);

  if (abi == Abi.LINUX) {
    // IPv6-level options do not exist on an IPv4 socket (ip_getsockopt: EOPNOTSUPP; ip_setsockopt: ENOPROTOOPT).
    if ((opt == SockOpt.V6ONLY || opt == SockOpt.MULTICAST_LOOP_V6) && !v6) return set ? Errno.NOPROTOOPT : Errno.NOTSUP;
    const e = <i32>unchecked(LINUX[col + k]);
    // An IPv6 UDP socket answers a TCP-level get with ENOPROTOOPT (ipv6_getsockopt), IPv4 EOPNOTSUPP.
    if (e == Errno.NOTSUP && v6) return Errno.NOPROTOOPT;
    // IPV6_V6ONLY once the socket has a local port (bound, listening, connected): EINVAL.
    if (e == 0 && set && opt == SockOpt.V6ONLY && state != 0) return Errno.INVAL;
    return e;
  }

  if (abi == Abi.WASIX) {
    const wk = wasixKind(k, state);
    const own = <i32>unchecked(FAMILY[opt]);
    const fam = cls == OptClass.ANY ? own : cls;
    if (set && fam == OptClass.FLAG && <u32>value > 1) return Errno.INVAL; // Bool decodes first
    if (own == NONE) return Errno.INVAL;
    if (fam != own) {
      // The wrong function: the flag ones answer per kind (a listener reads nothing: ENOTSUP), the
      // time and size ones reject the option before looking at the socket.
      return fam == OptClass.FLAG && !set && wk == SockKind.LISTENER ? Errno.NOTSUP : Errno.INVAL;
    }
    return <i32>unchecked(WASIX[col + wk]);
  }

  // P2: options are invalid-state while connecting (wasmtime's as_std_view) and once closed.
  if (state == 5) return Errno.BADF;
  return <i32>unchecked(P2[col + k]);
}

/** Whether the guest may read `opt` now: 0 or the errno. */
export function optionGet(abi: i32, kind: i32, word: i32, opt: i32): i32 {
  return optionError(abi, kind, word, opt, false, 0);
}

/** Linux's SO_RCVBUF / SO_SNDBUF: the request, as u32, capped at the sysctl, doubled, at least the minimum. */
@inline function linuxBuffer(value: i32, max: u32, min: i32): i32 {
  let u = <u32>value;
  if (u > max) u = max;
  const v = <i32>(u * 2);
  return v < min ? min : v;
}

/** IP_TTL: -1 = the default (64), 1–255; else EINVAL. */
@inline function linuxTtl(value: i32): i32 {
  if (value == -1) return 64;
  return value >= 1 && value <= 255 ? value : -Errno.INVAL;
}

/** IP_MULTICAST_TTL: -1 = the default (1), 0–255; else EINVAL. */
@inline function linuxMulticastTtl(value: i32): i32 {
  if (value == -1) return 1;
  return value >= 0 && value <= 255 ? value : -Errno.INVAL;
}

/** wasi:sockets: 0 is invalid-argument, the rest clamped to lo..hi (a negative value is a host bug). */
@inline function p2Clamp(value: i32, lo: i32, hi: i32): i32 {
  if (value <= 0) return -Errno.INVAL;
  return value < lo ? lo : value > hi ? hi : value;
}

/** The value a permitted write stores (>= 0), or -errno for a value the ABI rejects. */
function optionValue(abi: i32, kind: i32, word: i32, opt: i32, value: i32): i32 {
  const k = kind & 3;
  if (wasiSockets(abi)) {
    switch (opt) {
      case SockOpt.KEEPALIVE: return value != 0 ? 1 : 0;
      case SockOpt.KEEPIDLE:
      case SockOpt.KEEPINTVL: return p2Clamp(value, 1, KEEP_TIME_MAX);
      case SockOpt.KEEPCNT: return p2Clamp(value, 1, KEEPCNT_MAX);
      case SockOpt.TTL: return p2Clamp(value, 1, 255);
      default: return p2Clamp(value, 1, I32_MAX); // RCVBUF, SNDBUF, LISTEN_BACKLOG
    }
  }
  if (abi == Abi.WASIX) {
    const wk = wasixKind(k, word & Word.STATE);
    switch (<i32>unchecked(FAMILY[opt])) {
      case OptClass.FLAG: return value; // 0 or 1 (checked)
      case OptClass.TIME: return value < 0 ? 0 : value;
      default: break;
    }
    if (value < 0) return -Errno.INVAL;
    switch (opt) {
      // A pre-socket keeps the size as asked; a connection hands it to the host's setsockopt.
      case SockOpt.RCVBUF: return wk == SockKind.TCP ? value : linuxBuffer(value, RMEM_MAX, MIN_RCVBUF);
      case SockOpt.SNDBUF: return wk == SockKind.TCP ? value : linuxBuffer(value, WMEM_MAX, MIN_SNDBUF);
      case SockOpt.TTL: return linuxTtl(value);
      default: return linuxMulticastTtl(value); // MULTICAST_TTL_V4
    }
  }
  // LINUX
  switch (opt) {
    case SockOpt.RCVBUF: return linuxBuffer(value, RMEM_MAX, MIN_RCVBUF);
    case SockOpt.SNDBUF: return linuxBuffer(value, WMEM_MAX, MIN_SNDBUF);
    case SockOpt.RCVLOWAT: {
      // Negative means INT_MAX, 0 means 1; TCP caps it at tcp_rmem[2] / 2.
      let v = value < 0 ? I32_MAX : value == 0 ? 1 : value;
      if (k != SockKind.UDP && v > TCP_RCVLOWAT_MAX) v = TCP_RCVLOWAT_MAX;
      return v;
    }
    // tv_sec < 0 reads back 0 on Linux (and then times out at once; here it is no timeout).
    case SockOpt.RCVTIMEO:
    case SockOpt.SNDTIMEO: return value < 0 ? 0 : value;
    case SockOpt.LINGER: return value < 0 ? -Errno.INVAL : value;
    case SockOpt.KEEPIDLE:
    case SockOpt.KEEPINTVL: return value >= 1 && value <= KEEP_TIME_MAX ? value : -Errno.INVAL;
    case SockOpt.KEEPCNT: return value >= 1 && value <= KEEPCNT_MAX ? value : -Errno.INVAL;
    case SockOpt.TTL: return linuxTtl(value);
    case SockOpt.MULTICAST_TTL_V4: return linuxMulticastTtl(value);
    // No device can be named: the empty name (unbind) is fine, any other ENODEV.
    case SockOpt.BINDTODEVICE: return value == 0 ? 0 : value > 0 ? -Errno.NODEV : -Errno.INVAL;
    default: return value != 0 ? 1 : 0; // the flags
  }
}

/** A write: the value to store (what a get then reads), or -errno. */
export function optionSet(abi: i32, kind: i32, word: i32, opt: i32, value: i32): i32 {
  const e = optionError(abi, kind, word, opt, true, value);
  return e != 0 ? -e : optionValue(abi, kind, word, opt & 0xff, value);
}

/** What a get reads before any set, or -EINVAL for an abi, kind or option out of range. */
export function optionDefault(abi: i32, kind: i32, opt: i32): i32 {
  if (<u32>abi >= <u32>Abi.COUNT || !validKind(kind) || <u32>opt >= <u32>OPTS) return -Errno.INVAL;
  const k = kind & 3;
  const udp = k == SockKind.UDP;
  if (wasiSockets(abi)) {
    switch (opt) {
      // wasmtime reads Linux's values and halves the buffer sizes (so a set reads back).
      case SockOpt.RCVBUF: return udp ? 106496 : 65536;
      case SockOpt.SNDBUF: return udp ? 106496 : 8192;
      case SockOpt.LISTEN_BACKLOG: return 128;
      default: break;
    }
  } else if (abi == Abi.WASIX) {
    switch (opt) {
      // A pre-socket reports the size it keeps (none: 0); a connection the host socket's.
      case SockOpt.RCVBUF: return k == SockKind.STREAM ? 131072 : 0;
      case SockOpt.SNDBUF: return k == SockKind.STREAM ? 16384 : 0;
      case SockOpt.NODELAY: return k == SockKind.STREAM ? 1 : 0;
      default: break;
    }
  }
  switch (opt) {
    case SockOpt.TYPE: return udp ? 2 : 1; // SOCK_DGRAM, SOCK_STREAM
    case SockOpt.ACCEPTCONN: return k == SockKind.LISTENER ? 1 : 0;
    case SockOpt.PROTOCOL: return udp ? 17 : 6;
    case SockOpt.RCVBUF: return udp ? 212992 : 131072;
    case SockOpt.SNDBUF: return udp ? 212992 : 16384;
    // wasock's TCP sockets run with Nagle off (the backends set noDelay), so that is what reads back.
    case SockOpt.NODELAY: return udp ? 0 : 1;
    case SockOpt.RCVLOWAT:
    case SockOpt.SNDLOWAT:
    case SockOpt.MULTICAST_LOOP_V4:
    case SockOpt.MULTICAST_LOOP_V6:
    case SockOpt.MULTICAST_TTL_V4: return 1;
    case SockOpt.KEEPIDLE: return 7200;
    case SockOpt.KEEPINTVL: return 75;
    case SockOpt.KEEPCNT: return 9;
    case SockOpt.TTL: return 64;
    default: return 0;
  }
}

/** A guest's option number → SockOpt: LINUX = WasmEdge's names 0–14, WASIX = sock_option 0–26;
 *  P2 has no numbering. Anything else: -EINVAL (as both runtimes answer an unknown name). */
export function optionFromAbi(abi: i32, n: i32): i32 {
  if (abi == Abi.LINUX && <u32>n < <u32>WASMEDGE_NAMES.length) return unchecked(WASMEDGE_NAMES[n]);
  if (abi == Abi.WASIX && <u32>n < <u32>WASIX_NAMES.length) return unchecked(WASIX_NAMES[n]);
  return -Errno.INVAL;
}

/**
 * A wasi:sockets duration (u64 nanoseconds as two u32 halves) → whole seconds for KEEPIDLE /
 * KEEPINTVL: 0 stays 0 (invalid-argument), anything else is at least 1 s and rounds down
 * (wasmtime: clamp to 1 s…, then the kernel's seconds), saturating at i32::MAX.
 */
export function p2DurationSecs(lo: i32, hi: i32): i32 {
  const ns = (<u64><u32>hi << 32) | <u64><u32>lo;
  if (ns == 0) return 0;
  const s = ns / NS_PER_SEC;
  return s == 0 ? 1 : s > <u64>I32_MAX ? I32_MAX : <i32>s;
}
