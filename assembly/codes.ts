// Host error codes → WASI errno and wasi:sockets error-code: the one table (docs/abi.md §6).
// A host reads `err.code` (Node, Bun, Deno's node:net; c-ares for dns.resolve*) or, for Deno's
// native API, the class name `err.name`, writes it as ASCII into the scratch buffer and asks.
//
// Deliberately unmapped (they answer EIO, and p2_from_code answers -1):
//   UNKNOWN                       libuv's "unknown error": nothing better than EIO to say.
//   EOF                           libuv/c-ares end of stream: not an error; the host handles it first.
//   EFTYPE, EUNATCH               libuv file/driver codes that sockets never produce.
//   ELOADIPHLPAPI, EADDRGETNETWORKPARAMS   Windows-only c-ares start-up failures.
//   ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE, ERR_OUT_OF_RANGE
//                                 Node programming errors: a host bug, which the host should throw.

import { Errno, errnoToP2, printable } from "./errno";
import { ErrorCode } from "./p2";

const ROW = 12; // code ptr, errno, error-code (DERIVE: the errno's own)
const MAX = 160;
const ROWS = memory.data(MAX * ROW);
const DERIVE = -2;
let rows = 0;

/** Bytes the host may write into the scratch buffer. */
export const SCRATCH_SIZE = 64;
export const SCRATCH = memory.data(SCRATCH_SIZE);

/** A code whose error-code is its errno's (errno.ts). */
function code(name: string, e: Errno): void {
  codeP2(name, e, DERIVE);
}

/** A code whose error-code is not its errno's. */
function codeP2(name: string, e: Errno, p2: i32): void {
  if (rows == MAX || name.length > SCRATCH_SIZE || !printable(name)) unreachable();
  const at = ROWS + <usize>rows * ROW;
  store<usize>(at, changetype<usize>(name));
  store<i32>(at, e, 4);
  store<i32>(at, p2, 8);
  rows++;
}

// prettier-ignore
{
// libuv (Node's err.code, and Bun's and Deno's node:net), in uv.h order.
code("E2BIG",           Errno.TOOBIG);
code("EACCES",          Errno.ACCES);
code("EADDRINUSE",      Errno.ADDRINUSE);
code("EADDRNOTAVAIL",   Errno.ADDRNOTAVAIL);
code("EAFNOSUPPORT",    Errno.AFNOSUPPORT);
code("EAGAIN",          Errno.AGAIN);
code("EALREADY",        Errno.ALREADY);
code("EBADF",           Errno.BADF);
code("EBUSY",           Errno.BUSY);
code("ECANCELED",       Errno.CANCELED);
code("ECHARSET",        Errno.ILSEQ);
code("ECONNABORTED",    Errno.CONNABORTED);
code("ECONNREFUSED",    Errno.CONNREFUSED);
code("ECONNRESET",      Errno.CONNRESET);
code("EDESTADDRREQ",    Errno.DESTADDRREQ);
code("EEXIST",          Errno.EXIST);
code("EFAULT",          Errno.FAULT);
code("EFBIG",           Errno.FBIG);
code("EHOSTUNREACH",    Errno.HOSTUNREACH);
code("EINTR",           Errno.INTR);
code("EINVAL",          Errno.INVAL);
code("EIO",             Errno.IO);
code("EISCONN",         Errno.ISCONN);
code("EISDIR",          Errno.ISDIR);
code("ELOOP",           Errno.LOOP);
code("EMFILE",          Errno.MFILE);
code("EMSGSIZE",        Errno.MSGSIZE);
code("ENAMETOOLONG",    Errno.NAMETOOLONG);
code("ENETDOWN",        Errno.NETDOWN);
code("ENETUNREACH",     Errno.NETUNREACH);
code("ENFILE",          Errno.NFILE);
code("ENOBUFS",         Errno.NOBUFS);
code("ENODEV",          Errno.NODEV);
codeP2("ENOENT",        Errno.NOENT, ErrorCode.UNKNOWN);  // a file's, not a host name's
code("ENOMEM",          Errno.NOMEM);
code("ENONET",          Errno.NETUNREACH);
code("ENOPROTOOPT",     Errno.NOPROTOOPT);
code("ENOSPC",          Errno.NOSPC);
code("ENOSYS",          Errno.NOSYS);
code("ENOTCONN",        Errno.NOTCONN);
code("ENOTDIR",         Errno.NOTDIR);
code("ENOTEMPTY",       Errno.NOTEMPTY);
code("ENOTSOCK",        Errno.NOTSOCK);
code("ENOTSUP",         Errno.NOTSUP);
code("EOVERFLOW",       Errno.OVERFLOW);
code("EPERM",           Errno.PERM);
code("EPIPE",           Errno.PIPE);
code("EPROTO",          Errno.PROTO);
code("EPROTONOSUPPORT", Errno.PROTONOSUPPORT);
code("EPROTOTYPE",      Errno.PROTOTYPE);
code("ERANGE",          Errno.RANGE);
code("EROFS",           Errno.ROFS);
code("ESHUTDOWN",       Errno.PIPE);                      // §6: no p1 code; a closed stream
code("ESPIPE",          Errno.SPIPE);
codeP2("ESRCH",         Errno.SRCH, ErrorCode.UNKNOWN);   // a process's, not an operation's
code("ETIMEDOUT",       Errno.TIMEDOUT);
code("ETXTBSY",         Errno.TXTBSY);
code("EXDEV",           Errno.XDEV);
code("ENXIO",           Errno.NXIO);
code("EMLINK",          Errno.MLINK);
code("EHOSTDOWN",       Errno.HOSTUNREACH);               // §6: no p1 code; use hostunreach
code("EREMOTEIO",       Errno.IO);
code("ENOTTY",          Errno.NOTTY);
code("EILSEQ",          Errno.ILSEQ);
code("ESOCKTNOSUPPORT", Errno.NOTSUP);
code("ENOEXEC",         Errno.NOEXEC);
// Other spellings hosts use for the same errors.
code("EWOULDBLOCK",     Errno.AGAIN);
code("EOPNOTSUPP",      Errno.NOTSUP);

// getaddrinfo through libuv (dns.lookup, net.connect with a host name). No preview1 errno names
// a resolver failure: a missing name is ENOENT ("no such name", which errno_to_p2 turns into
// name-unresolvable), a temporary failure ETIMEDOUT (never EAGAIN, which would make a P2 guest
// poll forever), a permanent one EIO.
code("ENOTFOUND",       Errno.NOENT);                     // Node: EAI_NONAME or EAI_NODATA
code("EAI_ADDRFAMILY",  Errno.NOENT);
codeP2("EAI_AGAIN",     Errno.TIMEDOUT, ErrorCode.TEMPORARY_RESOLVER_FAILURE);
code("EAI_BADFLAGS",    Errno.INVAL);
code("EAI_BADHINTS",    Errno.INVAL);
codeP2("EAI_CANCELED",  Errno.CANCELED, ErrorCode.TEMPORARY_RESOLVER_FAILURE);
codeP2("EAI_FAIL",      Errno.IO, ErrorCode.PERMANENT_RESOLVER_FAILURE);
code("EAI_FAMILY",      Errno.AFNOSUPPORT);
code("EAI_MEMORY",      Errno.NOMEM);
code("EAI_NODATA",      Errno.NOENT);
code("EAI_NONAME",      Errno.NOENT);
codeP2("EAI_OVERFLOW",  Errno.OVERFLOW, ErrorCode.PERMANENT_RESOLVER_FAILURE);
code("EAI_PROTOCOL",    Errno.PROTONOSUPPORT);
code("EAI_SERVICE",     Errno.INVAL);
code("EAI_SOCKTYPE",    Errno.INVAL);

// c-ares (dns.resolve*, dns.Resolver); ENOTFOUND, ENOMEM, ECONNREFUSED and EOF are above.
// Temporary vs permanent as jco sorts them.
code("ENODATA",         Errno.NOENT);
code("ENONAME",         Errno.NOENT);
code("EBADFAMILY",      Errno.NOENT);                     // jco: name-unresolvable
codeP2("ETIMEOUT",      Errno.TIMEDOUT, ErrorCode.TEMPORARY_RESOLVER_FAILURE);
codeP2("ESERVFAIL",     Errno.IO, ErrorCode.TEMPORARY_RESOLVER_FAILURE);
codeP2("EREFUSED",      Errno.CONNREFUSED, ErrorCode.TEMPORARY_RESOLVER_FAILURE);
codeP2("ECANCELLED",    Errno.CANCELED, ErrorCode.TEMPORARY_RESOLVER_FAILURE);
codeP2("EDESTRUCTION",  Errno.CANCELED, ErrorCode.TEMPORARY_RESOLVER_FAILURE);
codeP2("EFORMERR",      Errno.IO, ErrorCode.PERMANENT_RESOLVER_FAILURE);
codeP2("ENOTIMP",       Errno.IO, ErrorCode.PERMANENT_RESOLVER_FAILURE);
codeP2("EBADRESP",      Errno.IO, ErrorCode.PERMANENT_RESOLVER_FAILURE);
codeP2("EFILE",         Errno.IO, ErrorCode.PERMANENT_RESOLVER_FAILURE);
codeP2("ENOTINITIALIZED", Errno.IO, ErrorCode.PERMANENT_RESOLVER_FAILURE);
code("EBADQUERY",       Errno.INVAL);
code("EBADNAME",        Errno.INVAL);
code("EBADSTR",         Errno.INVAL);
code("EBADFLAGS",       Errno.INVAL);
code("EBADHINTS",       Errno.INVAL);

// Node's own codes (thrown or emitted by node:net / node:dgram, not by the system).
code("ERR_SOCKET_BAD_PORT",            Errno.INVAL);      // RangeError: port outside 0–65535
codeP2("ERR_SERVER_ALREADY_LISTEN",    Errno.INVAL, ErrorCode.INVALID_STATE);
codeP2("ERR_SOCKET_ALREADY_BOUND",     Errno.INVAL, ErrorCode.INVALID_STATE);
code("ERR_SOCKET_CLOSED",              Errno.PIPE);       // write/connect after destroy()
code("ERR_STREAM_DESTROYED",           Errno.PIPE);
code("ERR_STREAM_WRITE_AFTER_END",     Errno.PIPE);
code("ERR_SOCKET_CLOSED_BEFORE_CONNECTION", Errno.CONNABORTED);
code("ERR_SOCKET_CONNECTION_TIMEOUT",  Errno.TIMEDOUT);   // autoSelectFamily gave up
code("ERR_INVALID_IP_ADDRESS",         Errno.INVAL);
code("ERR_INVALID_ADDRESS_FAMILY",     Errno.AFNOSUPPORT);
code("ERR_SOCKET_DGRAM_NOT_CONNECTED", Errno.DESTADDRREQ);
code("ERR_SOCKET_DGRAM_IS_CONNECTED",  Errno.ISCONN);
code("ERR_SOCKET_DGRAM_NOT_RUNNING",   Errno.BADF);
code("ERR_SOCKET_BAD_BUFFER_SIZE",     Errno.INVAL);
code("ERR_SOCKET_BUFFER_SIZE",         Errno.NOBUFS);

// Deno's native API: the class names of Deno.errors.* (err.name), §6.
code("AddrInUse",         Errno.ADDRINUSE);
code("AddrNotAvailable",  Errno.ADDRNOTAVAIL);
code("AlreadyExists",     Errno.EXIST);
code("BadResource",       Errno.BADF);
code("BrokenPipe",        Errno.PIPE);
code("Busy",              Errno.BUSY);
code("ConnectionAborted", Errno.CONNABORTED);
code("ConnectionRefused", Errno.CONNREFUSED);
code("ConnectionReset",   Errno.CONNRESET);
code("FilesystemLoop",    Errno.LOOP);
code("Interrupted",       Errno.INTR);
code("InvalidData",       Errno.INVAL);
code("IsADirectory",      Errno.ISDIR);
code("NetworkUnreachable", Errno.NETUNREACH);
code("NotADirectory",     Errno.NOTDIR);
code("NotCapable",        Errno.NOTCAPABLE);
code("NotConnected",      Errno.NOTCONN);
code("NotFound",          Errno.NOENT);                   // Deno.connect/resolveDns: no such host
code("NotSupported",      Errno.NOTSUP);
code("PermissionDenied",  Errno.ACCES);
code("TimedOut",          Errno.TIMEDOUT);
code("UnexpectedEof",     Errno.PROTO);                   // Wasmer maps it the same way
code("WouldBlock",        Errno.AGAIN);
code("WriteZero",         Errno.IO);
}

/** The row of the code in scratch[0..len), or -1. */
function find(len: i32): i32 {
  if (<u32>len > <u32>SCRATCH_SIZE) return -1;
  for (let r = 0; r < rows; r++) {
    const s = load<usize>(ROWS + <usize>r * ROW);
    if (<i32>(load<u32>(s - 4) >>> 1) != len) continue;
    let i = 0;
    while (i < len && <u32>load<u8>(SCRATCH + <usize>i) == <u32>load<u16>(s + (<usize>i << 1))) i++;
    if (i == len) return r;
  }
  return -1;
}

/** errno of the code in scratch[0..len); a code not in the table → EIO. */
export function errnoFromCode(len: i32): i32 {
  const r = find(len);
  return r < 0 ? Errno.IO : load<i32>(ROWS + <usize>r * ROW, 4);
}

/** wasi:sockets error-code of the code in scratch[0..len); a code not in the table → -1. */
export function p2FromCode(len: i32): i32 {
  const r = find(len);
  if (r < 0) return -1;
  const at = ROWS + <usize>r * ROW;
  const p2 = load<i32>(at, 8);
  return p2 == DERIVE ? errnoToP2(load<i32>(at, 4)) : p2;
}

/** How many codes the table knows. */
export function codeCount(): i32 {
  return rows;
}

/** The i-th code of the table (for tests and diagnostics); out of range → "". */
export function codeName(i: i32): usize {
  return <u32>i < <u32>rows ? load<usize>(ROWS + <usize>i * ROW) : changetype<usize>("");
}
