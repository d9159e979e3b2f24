// WASI preview1 errno (docs/abi.md §1.4) as data: one row per errno with its name, its message,
// the Linux errno of the same name and the wasi:sockets error-code it becomes (§6).

import { ErrorCode } from "./p2";

/** preview1 errno values (u16). Names are the WASI names upper-cased; `2big` is TOOBIG here. */
export const enum Errno {
  SUCCESS = 0, TOOBIG = 1, ACCES = 2, ADDRINUSE = 3, ADDRNOTAVAIL = 4, AFNOSUPPORT = 5, AGAIN = 6,
  ALREADY = 7, BADF = 8, BADMSG = 9, BUSY = 10, CANCELED = 11, CHILD = 12, CONNABORTED = 13,
  CONNREFUSED = 14, CONNRESET = 15, DEADLK = 16, DESTADDRREQ = 17, DOM = 18, DQUOT = 19, EXIST = 20,
  FAULT = 21, FBIG = 22, HOSTUNREACH = 23, IDRM = 24, ILSEQ = 25, INPROGRESS = 26, INTR = 27,
  INVAL = 28, IO = 29, ISCONN = 30, ISDIR = 31, LOOP = 32, MFILE = 33, MLINK = 34, MSGSIZE = 35,
  MULTIHOP = 36, NAMETOOLONG = 37, NETDOWN = 38, NETRESET = 39, NETUNREACH = 40, NFILE = 41,
  NOBUFS = 42, NODEV = 43, NOENT = 44, NOEXEC = 45, NOLCK = 46, NOLINK = 47, NOMEM = 48, NOMSG = 49,
  NOPROTOOPT = 50, NOSPC = 51, NOSYS = 52, NOTCONN = 53, NOTDIR = 54, NOTEMPTY = 55,
  NOTRECOVERABLE = 56, NOTSOCK = 57, NOTSUP = 58, NOTTY = 59, NXIO = 60, OVERFLOW = 61,
  OWNERDEAD = 62, PERM = 63, PIPE = 64, PROTO = 65, PROTONOSUPPORT = 66, PROTOTYPE = 67, RANGE = 68,
  ROFS = 69, SPIPE = 70, SRCH = 71, STALE = 72, TIMEDOUT = 73, TXTBSY = 74, XDEV = 75,
  NOTCAPABLE = 76,
  COUNT = 77,
}

const ROW = 16; // name ptr, message ptr, linux errno, error-code
const ROWS = memory.data(<i32>Errno.COUNT * ROW);
let rows = 0;

/** No Linux errno of the same name. */
const NONE = -1;
/** Not an error, so no error-code. */
const OK = -1;
/** The error-codes wasock gives meaning to where §6 has no row (see p2.ts). */
const UNKNOWN = ErrorCode.UNKNOWN;

/** Whether every code unit of s is printable ASCII (the host decodes names and messages as such). */
export function printable(s: string): bool {
  for (let i = 0, n = s.length; i < n; i++) {
    const c = <u32>s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/** One table row. Rows must come in errno order: a gap, a swap or a non-ASCII text traps at
 *  instantiation, so a broken table cannot load. */
function row(e: i32, name: string, message: string, linux: i32, code: i32): void {
  if (e != rows || !printable(name) || !printable(message)) unreachable();
  const at = ROWS + <usize>e * ROW;
  store<usize>(at, changetype<usize>(name));
  store<usize>(at, changetype<usize>(message), 4);
  store<i32>(at, linux, 8);
  store<i32>(at, code, 12);
  rows++;
}

// prettier-ignore
{
//   #   name               message                                                     Linux  wasi:sockets error-code
row(0,  "SUCCESS",        "No error occurred. System call completed successfully.",      0, OK);
row(1,  "E2BIG",          "Argument list too long.",                                     7, UNKNOWN);
row(2,  "EACCES",         "Permission denied.",                                         13, ErrorCode.ACCESS_DENIED);
row(3,  "EADDRINUSE",     "Address in use.",                                            98, ErrorCode.ADDRESS_IN_USE);
row(4,  "EADDRNOTAVAIL",  "Address not available.",                                     99, ErrorCode.ADDRESS_NOT_BINDABLE);
row(5,  "EAFNOSUPPORT",   "Address family not supported.",                              97, ErrorCode.INVALID_ARGUMENT); // §6: bind/connect
row(6,  "EAGAIN",         "Resource unavailable, or operation would block.",            11, ErrorCode.WOULD_BLOCK);
row(7,  "EALREADY",       "Connection already in progress.",                           114, ErrorCode.CONCURRENCY_CONFLICT);
row(8,  "EBADF",          "Bad file descriptor.",                                        9, ErrorCode.INVALID_STATE);
row(9,  "EBADMSG",        "Bad message.",                                               74, UNKNOWN);
row(10, "EBUSY",          "Device or resource busy.",                                   16, UNKNOWN);
row(11, "ECANCELED",      "Operation canceled.",                                       125, UNKNOWN);
row(12, "ECHILD",         "No child processes.",                                        10, UNKNOWN);
row(13, "ECONNABORTED",   "Connection aborted.",                                       103, ErrorCode.CONNECTION_ABORTED);
row(14, "ECONNREFUSED",   "Connection refused.",                                       111, ErrorCode.CONNECTION_REFUSED);
row(15, "ECONNRESET",     "Connection reset.",                                         104, ErrorCode.CONNECTION_RESET);
row(16, "EDEADLK",        "Resource deadlock would occur.",                             35, UNKNOWN);
row(17, "EDESTADDRREQ",   "Destination address required.",                              89, ErrorCode.INVALID_ARGUMENT); // wasmtime: invalid-state
row(18, "EDOM",           "Mathematics argument out of domain of function.",            33, UNKNOWN);
row(19, "EDQUOT",         "Reserved.",                                                 122, UNKNOWN);
row(20, "EEXIST",         "File exists.",                                               17, UNKNOWN);
row(21, "EFAULT",         "Bad address.",                                               14, UNKNOWN);
row(22, "EFBIG",          "File too large.",                                            27, UNKNOWN);
row(23, "EHOSTUNREACH",   "Host is unreachable.",                                      113, ErrorCode.REMOTE_UNREACHABLE);
row(24, "EIDRM",          "Identifier removed.",                                        43, UNKNOWN);
row(25, "EILSEQ",         "Illegal byte sequence.",                                     84, UNKNOWN);
row(26, "EINPROGRESS",    "Operation in progress.",                                    115, UNKNOWN); // start-connect reports it as ok
row(27, "EINTR",          "Interrupted function.",                                       4, UNKNOWN);
row(28, "EINVAL",         "Invalid argument.",                                          22, ErrorCode.INVALID_ARGUMENT);
row(29, "EIO",            "I/O error.",                                                  5, UNKNOWN);
row(30, "EISCONN",        "Socket is connected.",                                      106, ErrorCode.INVALID_STATE);
row(31, "EISDIR",         "Is a directory.",                                            21, UNKNOWN);
row(32, "ELOOP",          "Too many levels of symbolic links.",                         40, UNKNOWN);
row(33, "EMFILE",         "File descriptor value too large.",                           24, ErrorCode.NEW_SOCKET_LIMIT);
row(34, "EMLINK",         "Too many links.",                                            31, UNKNOWN);
row(35, "EMSGSIZE",       "Message too large.",                                         90, ErrorCode.DATAGRAM_TOO_LARGE);
row(36, "EMULTIHOP",      "Reserved.",                                                  72, UNKNOWN);
row(37, "ENAMETOOLONG",   "Filename too long.",                                         36, UNKNOWN);
row(38, "ENETDOWN",       "Network is down.",                                          100, ErrorCode.REMOTE_UNREACHABLE);
row(39, "ENETRESET",      "Connection aborted by network.",                            102, ErrorCode.CONNECTION_ABORTED);
row(40, "ENETUNREACH",    "Network unreachable.",                                      101, ErrorCode.REMOTE_UNREACHABLE);
row(41, "ENFILE",         "Too many files open in system.",                             23, ErrorCode.NEW_SOCKET_LIMIT);
row(42, "ENOBUFS",        "No buffer space available.",                                105, ErrorCode.OUT_OF_MEMORY);
row(43, "ENODEV",         "No such device.",                                            19, UNKNOWN);
row(44, "ENOENT",         "No such file or directory.",                                  2, ErrorCode.NAME_UNRESOLVABLE); // wasock: "no such name"
row(45, "ENOEXEC",        "Executable file format error.",                               8, UNKNOWN);
row(46, "ENOLCK",         "No locks available.",                                        37, UNKNOWN);
row(47, "ENOLINK",        "Reserved.",                                                  67, UNKNOWN);
row(48, "ENOMEM",         "Not enough space.",                                          12, ErrorCode.OUT_OF_MEMORY);
row(49, "ENOMSG",         "No message of the desired type.",                            42, UNKNOWN);
row(50, "ENOPROTOOPT",    "Protocol not available.",                                    92, ErrorCode.NOT_SUPPORTED);
row(51, "ENOSPC",         "No space left on device.",                                   28, UNKNOWN);
row(52, "ENOSYS",         "Function not supported.",                                    38, ErrorCode.NOT_SUPPORTED);
row(53, "ENOTCONN",       "The socket is not connected.",                              107, ErrorCode.INVALID_STATE);
row(54, "ENOTDIR",        "Not a directory or a symbolic link to a directory.",         20, UNKNOWN);
row(55, "ENOTEMPTY",      "Directory not empty.",                                       39, UNKNOWN);
row(56, "ENOTRECOVERABLE","State not recoverable.",                                    131, UNKNOWN);
row(57, "ENOTSOCK",       "Not a socket.",                                              88, UNKNOWN);
row(58, "ENOTSUP",        "Not supported, or operation not supported on socket.",       95, ErrorCode.NOT_SUPPORTED);
row(59, "ENOTTY",         "Inappropriate I/O control operation.",                       25, UNKNOWN);
row(60, "ENXIO",          "No such device or address.",                                  6, UNKNOWN);
row(61, "EOVERFLOW",      "Value too large to be stored in data type.",                 75, UNKNOWN);
row(62, "EOWNERDEAD",     "Previous owner died.",                                      130, UNKNOWN);
row(63, "EPERM",          "Operation not permitted.",                                    1, ErrorCode.ACCESS_DENIED);
row(64, "EPIPE",          "Broken pipe.",                                               32, UNKNOWN); // p2: the stream is closed, not an error-code
row(65, "EPROTO",         "Protocol error.",                                            71, UNKNOWN);
row(66, "EPROTONOSUPPORT","Protocol not supported.",                                    93, ErrorCode.NOT_SUPPORTED);
row(67, "EPROTOTYPE",     "Protocol wrong type for socket.",                            91, ErrorCode.NOT_SUPPORTED);
row(68, "ERANGE",         "Result too large.",                                          34, UNKNOWN);
row(69, "EROFS",          "Read-only file system.",                                     30, UNKNOWN);
row(70, "ESPIPE",         "Invalid seek.",                                              29, UNKNOWN);
row(71, "ESRCH",          "No such process.",                                            3, ErrorCode.NOT_IN_PROGRESS); // wasock: finish-* with nothing started
row(72, "ESTALE",         "Reserved.",                                                 116, UNKNOWN);
row(73, "ETIMEDOUT",      "Connection timed out.",                                     110, ErrorCode.TIMEOUT);
row(74, "ETXTBSY",        "Text file busy.",                                            26, UNKNOWN);
row(75, "EXDEV",          "Cross-device link.",                                         18, UNKNOWN);
row(76, "ENOTCAPABLE",    "Extension: Capabilities insufficient.",                    NONE, ErrorCode.ACCESS_DENIED);
}
if (rows != <i32>Errno.COUNT) unreachable();

/**
 * Linux errnos that have no WASI errno of their own, and the one that stands for them. Every other
 * Linux errno not in the table above becomes EIO. (EWOULDBLOCK = EAGAIN, EOPNOTSUPP = ENOTSUP and
 * EDEADLOCK = EDEADLK share their numbers on Linux, so they need no row.)
 */
// prettier-ignore
const LINUX_ALIASES: StaticArray<u8> = [
  // Linux  WASI
     112,   <u8>Errno.HOSTUNREACH,    // EHOSTDOWN (§6: use hostunreach)
     108,   <u8>Errno.PIPE,           // ESHUTDOWN (send after shutdown; WASIX's own 77 is outside 0–76)
      64,   <u8>Errno.NETUNREACH,     // ENONET (wasmtime: remote-unreachable)
      94,   <u8>Errno.NOTSUP,         // ESOCKTNOSUPPORT
      96,   <u8>Errno.AFNOSUPPORT,    // EPFNOSUPPORT
];

@inline function inRange(e: i32): bool {
  return <u32>e < <u32>Errno.COUNT;
}

/** "EADDRINUSE"-style name; 0 is "SUCCESS"; out of range "EUNKNOWN". */
export function errnoName(e: i32): usize {
  return inRange(e) ? load<usize>(ROWS + <usize>e * ROW) : changetype<usize>("EUNKNOWN");
}

/** The WASI message ("Address in use."); out of range "Unknown error.". */
export function errnoMessage(e: i32): usize {
  return inRange(e) ? load<usize>(ROWS + <usize>e * ROW, 4) : changetype<usize>("Unknown error.");
}

/** WASI errno → Linux errno; 0 → 0; none of the same name (ENOTCAPABLE, out of range) → -1. */
export function errnoToLinux(e: i32): i32 {
  return inRange(e) ? load<i32>(ROWS + <usize>e * ROW, 8) : NONE;
}

/**
 * Linux errno → WASI errno. A negative n is read as -n (libuv's err.errno is -errno on Linux);
 * 0 → SUCCESS; anything without a row or an alias → EIO.
 */
export function errnoFromLinux(n: i32): i32 {
  if (n < 0) n = -n;
  if (n == 0) return Errno.SUCCESS;
  for (let e = 1; e < <i32>Errno.COUNT; e++) {
    if (load<i32>(ROWS + <usize>e * ROW, 8) == n) return e;
  }
  for (let i = 0; i < LINUX_ALIASES.length; i += 2) {
    if (<i32>unchecked(LINUX_ALIASES[i]) == n) return unchecked(LINUX_ALIASES[i + 1]);
  }
  return Errno.IO;
}

/** WASI errno → wasi:sockets error-code; SUCCESS → -1; out of range → unknown. */
export function errnoToP2(e: i32): i32 {
  return inRange(e) ? load<i32>(ROWS + <usize>e * ROW, 12) : ErrorCode.UNKNOWN;
}
