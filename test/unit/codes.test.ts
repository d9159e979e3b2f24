// Host error codes → WASI errno and wasi:sockets error-code: every row of the core's table,
// starting with docs/abi.md §6 (Node err.code), then the rest of libuv, c-ares, Node's ERR_* and
// Deno's error classes. The core's table must hold exactly these codes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Core } from "../../host/core/core.js";
import { Errno, ErrorCode } from "../../host/core/enums.js";

const core = Core.load();

type E = keyof typeof Errno;
type P = keyof typeof ErrorCode;
/** code, errno, error-code; `override` marks rows whose error-code is not errno_to_p2(errno). */
type Row = [code: string, errno: E, p2: P, override?: "override"];

// prettier-ignore
const SECTION_6: Row[] = [
  ["EADDRINUSE",      "ADDRINUSE",      "ADDRESS_IN_USE"],
  ["EADDRNOTAVAIL",   "ADDRNOTAVAIL",   "ADDRESS_NOT_BINDABLE"],
  ["EACCES",          "ACCES",          "ACCESS_DENIED"],
  ["EPERM",           "PERM",           "ACCESS_DENIED"],
  ["EAFNOSUPPORT",    "AFNOSUPPORT",    "INVALID_ARGUMENT"],
  ["ECONNREFUSED",    "CONNREFUSED",    "CONNECTION_REFUSED"],
  ["ECONNRESET",      "CONNRESET",      "CONNECTION_RESET"],
  ["ECONNABORTED",    "CONNABORTED",    "CONNECTION_ABORTED"],
  ["EPIPE",           "PIPE",           "UNKNOWN"],
  ["ETIMEDOUT",       "TIMEDOUT",       "TIMEOUT"],
  ["EHOSTUNREACH",    "HOSTUNREACH",    "REMOTE_UNREACHABLE"],
  ["EHOSTDOWN",       "HOSTUNREACH",    "REMOTE_UNREACHABLE"],
  ["ENETUNREACH",     "NETUNREACH",     "REMOTE_UNREACHABLE"],
  ["ENETDOWN",        "NETDOWN",        "REMOTE_UNREACHABLE"],
  ["ENOTCONN",        "NOTCONN",        "INVALID_STATE"],
  ["EISCONN",         "ISCONN",         "INVALID_STATE"],
  ["EALREADY",        "ALREADY",        "CONCURRENCY_CONFLICT"],
  ["EAGAIN",          "AGAIN",          "WOULD_BLOCK"],
  ["EWOULDBLOCK",     "AGAIN",          "WOULD_BLOCK"],
  ["EINVAL",          "INVAL",          "INVALID_ARGUMENT"],
  ["ENOTSUP",         "NOTSUP",         "NOT_SUPPORTED"],
  ["ENOPROTOOPT",     "NOPROTOOPT",     "NOT_SUPPORTED"],
  ["EPROTONOSUPPORT", "PROTONOSUPPORT", "NOT_SUPPORTED"],
  ["ENOBUFS",         "NOBUFS",         "OUT_OF_MEMORY"],
  ["ENOMEM",          "NOMEM",          "OUT_OF_MEMORY"],
  ["EMFILE",          "MFILE",          "NEW_SOCKET_LIMIT"],
  ["ENFILE",          "NFILE",          "NEW_SOCKET_LIMIT"],
  ["EMSGSIZE",        "MSGSIZE",        "DATAGRAM_TOO_LARGE"],
  ["EBADF",           "BADF",           "INVALID_STATE"],
  ["ENOTSOCK",        "NOTSOCK",        "UNKNOWN"],
  ["EDESTADDRREQ",    "DESTADDRREQ",    "INVALID_ARGUMENT"],
  ["ESHUTDOWN",       "PIPE",           "UNKNOWN"],
  ["EPROTO",          "PROTO",          "UNKNOWN"],
  ["ENOTFOUND",       "NOENT",          "NAME_UNRESOLVABLE"],
  ["EAI_AGAIN",       "TIMEDOUT",       "TEMPORARY_RESOLVER_FAILURE", "override"],
  ["EAI_FAIL",        "IO",             "PERMANENT_RESOLVER_FAILURE", "override"],
  ["EAI_ADDRFAMILY",  "NOENT",          "NAME_UNRESOLVABLE"],
  ["EAI_FAMILY",      "AFNOSUPPORT",    "INVALID_ARGUMENT"],
  ["EAI_SOCKTYPE",    "INVAL",          "INVALID_ARGUMENT"],
  ["EAI_SERVICE",     "INVAL",          "INVALID_ARGUMENT"],
  ["EAI_BADFLAGS",    "INVAL",          "INVALID_ARGUMENT"],
  ["EAI_MEMORY",      "NOMEM",          "OUT_OF_MEMORY"],
  ["ERR_SERVER_ALREADY_LISTEN", "INVAL", "INVALID_STATE",             "override"],
  ["ERR_SOCKET_BAD_PORT",       "INVAL", "INVALID_ARGUMENT"],
];

// prettier-ignore
const LIBUV_REST: Row[] = [
  ["E2BIG",           "2BIG",           "UNKNOWN"],
  ["EBUSY",           "BUSY",           "UNKNOWN"],
  ["ECANCELED",       "CANCELED",       "UNKNOWN"],
  ["ECHARSET",        "ILSEQ",          "UNKNOWN"],
  ["EEXIST",          "EXIST",          "UNKNOWN"],
  ["EFAULT",          "FAULT",          "UNKNOWN"],
  ["EFBIG",           "FBIG",           "UNKNOWN"],
  ["EINTR",           "INTR",           "UNKNOWN"],
  ["EIO",             "IO",             "UNKNOWN"],
  ["EISDIR",          "ISDIR",          "UNKNOWN"],
  ["ELOOP",           "LOOP",           "UNKNOWN"],
  ["ENAMETOOLONG",    "NAMETOOLONG",    "UNKNOWN"],
  ["ENODEV",          "NODEV",          "UNKNOWN"],
  ["ENOENT",          "NOENT",          "UNKNOWN", "override"],
  ["ENONET",          "NETUNREACH",     "REMOTE_UNREACHABLE"],
  ["ENOSPC",          "NOSPC",          "UNKNOWN"],
  ["ENOSYS",          "NOSYS",          "NOT_SUPPORTED"],
  ["ENOTDIR",         "NOTDIR",         "UNKNOWN"],
  ["ENOTEMPTY",       "NOTEMPTY",       "UNKNOWN"],
  ["EOVERFLOW",       "OVERFLOW",       "UNKNOWN"],
  ["EPROTOTYPE",      "PROTOTYPE",      "NOT_SUPPORTED"],
  ["ERANGE",          "RANGE",          "UNKNOWN"],
  ["EROFS",           "ROFS",           "UNKNOWN"],
  ["ESPIPE",          "SPIPE",          "UNKNOWN"],
  ["ESRCH",           "SRCH",           "UNKNOWN", "override"],
  ["ETXTBSY",         "TXTBSY",         "UNKNOWN"],
  ["EXDEV",           "XDEV",           "UNKNOWN"],
  ["ENXIO",           "NXIO",           "UNKNOWN"],
  ["EMLINK",          "MLINK",          "UNKNOWN"],
  ["EREMOTEIO",       "IO",             "UNKNOWN"],
  ["ENOTTY",          "NOTTY",          "UNKNOWN"],
  ["EILSEQ",          "ILSEQ",          "UNKNOWN"],
  ["ESOCKTNOSUPPORT", "NOTSUP",         "NOT_SUPPORTED"],
  ["ENOEXEC",         "NOEXEC",         "UNKNOWN"],
  ["EOPNOTSUPP",      "NOTSUP",         "NOT_SUPPORTED"],
  ["EAI_BADHINTS",    "INVAL",          "INVALID_ARGUMENT"],
  ["EAI_CANCELED",    "CANCELED",       "TEMPORARY_RESOLVER_FAILURE", "override"],
  ["EAI_NODATA",      "NOENT",          "NAME_UNRESOLVABLE"],
  ["EAI_NONAME",      "NOENT",          "NAME_UNRESOLVABLE"],
  ["EAI_OVERFLOW",    "OVERFLOW",       "PERMANENT_RESOLVER_FAILURE", "override"],
  ["EAI_PROTOCOL",    "PROTONOSUPPORT", "NOT_SUPPORTED"],
];

// c-ares (dns.resolve*): temporary vs permanent as jco sorts them.
// prettier-ignore
const CARES: Row[] = [
  ["ENODATA",         "NOENT",          "NAME_UNRESOLVABLE"],
  ["ENONAME",         "NOENT",          "NAME_UNRESOLVABLE"],
  ["EBADFAMILY",      "NOENT",          "NAME_UNRESOLVABLE"],
  ["ETIMEOUT",        "TIMEDOUT",       "TEMPORARY_RESOLVER_FAILURE", "override"],
  ["ESERVFAIL",       "IO",             "TEMPORARY_RESOLVER_FAILURE", "override"],
  ["EREFUSED",        "CONNREFUSED",    "TEMPORARY_RESOLVER_FAILURE", "override"],
  ["ECANCELLED",      "CANCELED",       "TEMPORARY_RESOLVER_FAILURE", "override"],
  ["EDESTRUCTION",    "CANCELED",       "TEMPORARY_RESOLVER_FAILURE", "override"],
  ["EFORMERR",        "IO",             "PERMANENT_RESOLVER_FAILURE", "override"],
  ["ENOTIMP",         "IO",             "PERMANENT_RESOLVER_FAILURE", "override"],
  ["EBADRESP",        "IO",             "PERMANENT_RESOLVER_FAILURE", "override"],
  ["EFILE",           "IO",             "PERMANENT_RESOLVER_FAILURE", "override"],
  ["ENOTINITIALIZED", "IO",             "PERMANENT_RESOLVER_FAILURE", "override"],
  ["EBADQUERY",       "INVAL",          "INVALID_ARGUMENT"],
  ["EBADNAME",        "INVAL",          "INVALID_ARGUMENT"],
  ["EBADSTR",         "INVAL",          "INVALID_ARGUMENT"],
  ["EBADFLAGS",       "INVAL",          "INVALID_ARGUMENT"],
  ["EBADHINTS",       "INVAL",          "INVALID_ARGUMENT"],
];

// prettier-ignore
const NODE_ERR: Row[] = [
  ["ERR_SOCKET_ALREADY_BOUND",            "INVAL",       "INVALID_STATE", "override"],
  ["ERR_SOCKET_CLOSED",                   "PIPE",        "UNKNOWN"],
  ["ERR_STREAM_DESTROYED",                "PIPE",        "UNKNOWN"],
  ["ERR_STREAM_WRITE_AFTER_END",          "PIPE",        "UNKNOWN"],
  ["ERR_SOCKET_CLOSED_BEFORE_CONNECTION", "CONNABORTED", "CONNECTION_ABORTED"],
  ["ERR_SOCKET_CONNECTION_TIMEOUT",       "TIMEDOUT",    "TIMEOUT"],
  ["ERR_INVALID_IP_ADDRESS",              "INVAL",       "INVALID_ARGUMENT"],
  ["ERR_INVALID_ADDRESS_FAMILY",          "AFNOSUPPORT", "INVALID_ARGUMENT"],
  ["ERR_SOCKET_DGRAM_NOT_CONNECTED",      "DESTADDRREQ", "INVALID_ARGUMENT"],
  ["ERR_SOCKET_DGRAM_IS_CONNECTED",       "ISCONN",      "INVALID_STATE"],
  ["ERR_SOCKET_DGRAM_NOT_RUNNING",        "BADF",        "INVALID_STATE"],
  ["ERR_SOCKET_BAD_BUFFER_SIZE",          "INVAL",       "INVALID_ARGUMENT"],
  ["ERR_SOCKET_BUFFER_SIZE",              "NOBUFS",      "OUT_OF_MEMORY"],
];

// Deno.errors.* class names (err.name).
// prettier-ignore
const DENO: Row[] = [
  ["AddrInUse",          "ADDRINUSE",    "ADDRESS_IN_USE"],
  ["AddrNotAvailable",   "ADDRNOTAVAIL", "ADDRESS_NOT_BINDABLE"],
  ["AlreadyExists",      "EXIST",        "UNKNOWN"],
  ["BadResource",        "BADF",         "INVALID_STATE"],
  ["BrokenPipe",         "PIPE",         "UNKNOWN"],
  ["Busy",               "BUSY",         "UNKNOWN"],
  ["ConnectionAborted",  "CONNABORTED",  "CONNECTION_ABORTED"],
  ["ConnectionRefused",  "CONNREFUSED",  "CONNECTION_REFUSED"],
  ["ConnectionReset",    "CONNRESET",    "CONNECTION_RESET"],
  ["FilesystemLoop",     "LOOP",         "UNKNOWN"],
  ["Interrupted",        "INTR",         "UNKNOWN"],
  ["InvalidData",        "INVAL",        "INVALID_ARGUMENT"],
  ["IsADirectory",       "ISDIR",        "UNKNOWN"],
  ["NetworkUnreachable", "NETUNREACH",   "REMOTE_UNREACHABLE"],
  ["NotADirectory",      "NOTDIR",       "UNKNOWN"],
  ["NotCapable",         "NOTCAPABLE",   "ACCESS_DENIED"],
  ["NotConnected",       "NOTCONN",      "INVALID_STATE"],
  ["NotFound",           "NOENT",        "NAME_UNRESOLVABLE"],
  ["NotSupported",       "NOTSUP",       "NOT_SUPPORTED"],
  ["PermissionDenied",   "ACCES",        "ACCESS_DENIED"],
  ["TimedOut",           "TIMEDOUT",     "TIMEOUT"],
  ["UnexpectedEof",      "PROTO",        "UNKNOWN"],
  ["WouldBlock",         "AGAIN",        "WOULD_BLOCK"],
  ["WriteZero",          "IO",           "UNKNOWN"],
];

const ALL = [...SECTION_6, ...LIBUV_REST, ...CARES, ...NODE_ERR, ...DENO];

/** Codes the table leaves out on purpose (codes.ts lists why). */
const UNMAPPED = [
  "UNKNOWN", "EOF", "EFTYPE", "EUNATCH", "ELOADIPHLPAPI", "EADDRGETNETWORKPARAMS",
  "ERR_INVALID_ARG_TYPE", "ERR_INVALID_ARG_VALUE", "ERR_OUT_OF_RANGE",
];

function check([code, errno, p2]: Row): void {
  assert.equal(core.errnoFromCode(code), Errno[errno], `${code} errno`);
  assert.equal(core.p2FromCode(code), ErrorCode[p2], `${code} error-code`);
  assert.equal(core.knowsCode(code), true, `${code} known`);
}

describe("host error codes (§6)", () => {
  for (const row of SECTION_6) it(row[0], () => check(row));
});

describe("host error codes: the rest of the table", () => {
  for (const [name, rows] of [["libuv", LIBUV_REST], ["c-ares", CARES], ["Node ERR_*", NODE_ERR], ["Deno", DENO]] as const) {
    it(name, () => rows.forEach(check));
  }

  it("the core's table holds exactly these codes, each once", () => {
    const table = core.knownCodes();
    assert.equal(new Set(table).size, table.length, "duplicate rows");
    assert.deepEqual([...table].sort(), ALL.map((r) => r[0]).sort());
  });

  it("a row's error-code is its errno's, except the overrides", () => {
    for (const [code, errno, p2, override] of ALL) {
      const derived = core.errnoToP2(Errno[errno]) === ErrorCode[p2];
      assert.equal(derived, override === undefined, `${code}: override marker`);
    }
  });
});

describe("codes the table does not know", () => {
  it("deliberately unmapped codes are EIO / unknown", () => {
    for (const code of UNMAPPED) {
      assert.equal(core.errnoFromCode(code), Errno.IO, code);
      assert.equal(core.p2FromCode(code), ErrorCode.UNKNOWN, code);
      assert.equal(core.knowsCode(code), false, code);
    }
  });

  it("near misses, empty, too long and non-ASCII are unknown", () => {
    const codes = ["", "E", "EADDRINUS", "EADDRINUSEX", "eaddrinuse", " EADDRINUSE", "EADDRINUSÉ", "ÉADDRINUSE", "X".repeat(64), "E".repeat(65), "EADDRINUSE".padEnd(200, "!")];
    for (const code of codes) {
      assert.equal(core.errnoFromCode(code), Errno.IO, JSON.stringify(code));
      assert.equal(core.knowsCode(code), false, JSON.stringify(code));
    }
  });

  it("the answer stays right past the code cache's size, and a code after a longer one", () => {
    for (let i = 0; i < 2000; i++) assert.equal(core.errnoFromCode(`ECODE${i}`), Errno.IO);
    assert.equal(core.errnoFromCode("ERR_SOCKET_CLOSED_BEFORE_CONNECTION"), Errno.CONNABORTED);
    assert.equal(core.errnoFromCode("EIO"), Errno.IO);
    assert.equal(core.errnoFromCode("EPIPE"), Errno.PIPE);
    for (const row of ALL) check(row);
  });
});

describe("errnoFromError / p2FromError", () => {
  const cases: [what: string, err: unknown, errno: number, p2: number][] = [
    ["Node system error", Object.assign(new Error("listen EADDRINUSE"), { code: "EADDRINUSE", errno: -98 }), Errno.ADDRINUSE, ErrorCode.ADDRESS_IN_USE],
    ["dns error", Object.assign(new Error("getaddrinfo ENOTFOUND x"), { code: "ENOTFOUND" }), Errno.NOENT, ErrorCode.NAME_UNRESOLVABLE],
    ["EAI_AGAIN", { code: "EAI_AGAIN" }, Errno.TIMEDOUT, ErrorCode.TEMPORARY_RESOLVER_FAILURE],
    ["RangeError with code", Object.assign(new RangeError("bad port"), { code: "ERR_SOCKET_BAD_PORT" }), Errno.INVAL, ErrorCode.INVALID_ARGUMENT],
    ["Deno class name", Object.assign(new Error("refused"), { name: "ConnectionRefused" }), Errno.CONNREFUSED, ErrorCode.CONNECTION_REFUSED],
    ["unknown code, known name", { code: "ESOMETHING", name: "TimedOut" }, Errno.TIMEDOUT, ErrorCode.TIMEOUT],
    ["known code wins over name", { code: "EPIPE", name: "ConnectionReset" }, Errno.PIPE, ErrorCode.UNKNOWN],
    ["plain Error", new Error("x"), Errno.IO, ErrorCode.UNKNOWN],
    ["TypeError", new TypeError("x"), Errno.IO, ErrorCode.UNKNOWN],
    ["numeric code", { code: 98 }, Errno.IO, ErrorCode.UNKNOWN],
    ["string", "EADDRINUSE", Errno.IO, ErrorCode.UNKNOWN],
    ["null", null, Errno.IO, ErrorCode.UNKNOWN],
    ["undefined", undefined, Errno.IO, ErrorCode.UNKNOWN],
  ];
  for (const [what, err, errno, p2] of cases) {
    it(what, () => {
      assert.equal(core.errnoFromError(err), errno);
      assert.equal(core.p2FromError(err), p2);
    });
  }
});
