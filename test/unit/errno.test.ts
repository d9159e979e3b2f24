// The WASI errno table, entry by entry, against docs/abi.md §1.4 (number, name, message, Linux
// errno), plus the wasi:sockets error-code each errno becomes (§6 and the core's own choices).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Core } from "../../host/core/core.js";
import { Errno, ErrorCode } from "../../host/core/enums.js";

const core = Core.load();

type Row = [errno: number, wasiName: string, message: string, linux: number | null, p2: string | null];

// §1.4, copied row by row; the last column is errno_to_p2 (null: success is not an error).
// prettier-ignore
const ERRNO: Row[] = [
  [0, "success", "No error occurred. System call completed successfully.", null, null],
  [1, "2big", "Argument list too long.", 7, "unknown"],
  [2, "acces", "Permission denied.", 13, "access-denied"],
  [3, "addrinuse", "Address in use.", 98, "address-in-use"],
  [4, "addrnotavail", "Address not available.", 99, "address-not-bindable"],
  [5, "afnosupport", "Address family not supported.", 97, "invalid-argument"],
  [6, "again", "Resource unavailable, or operation would block.", 11, "would-block"],
  [7, "already", "Connection already in progress.", 114, "concurrency-conflict"],
  [8, "badf", "Bad file descriptor.", 9, "invalid-state"],
  [9, "badmsg", "Bad message.", 74, "unknown"],
  [10, "busy", "Device or resource busy.", 16, "unknown"],
  [11, "canceled", "Operation canceled.", 125, "unknown"],
  [12, "child", "No child processes.", 10, "unknown"],
  [13, "connaborted", "Connection aborted.", 103, "connection-aborted"],
  [14, "connrefused", "Connection refused.", 111, "connection-refused"],
  [15, "connreset", "Connection reset.", 104, "connection-reset"],
  [16, "deadlk", "Resource deadlock would occur.", 35, "unknown"],
  [17, "destaddrreq", "Destination address required.", 89, "invalid-argument"],
  [18, "dom", "Mathematics argument out of domain of function.", 33, "unknown"],
  [19, "dquot", "Reserved.", 122, "unknown"],
  [20, "exist", "File exists.", 17, "unknown"],
  [21, "fault", "Bad address.", 14, "unknown"],
  [22, "fbig", "File too large.", 27, "unknown"],
  [23, "hostunreach", "Host is unreachable.", 113, "remote-unreachable"],
  [24, "idrm", "Identifier removed.", 43, "unknown"],
  [25, "ilseq", "Illegal byte sequence.", 84, "unknown"],
  [26, "inprogress", "Operation in progress.", 115, "unknown"],
  [27, "intr", "Interrupted function.", 4, "unknown"],
  [28, "inval", "Invalid argument.", 22, "invalid-argument"],
  [29, "io", "I/O error.", 5, "unknown"],
  [30, "isconn", "Socket is connected.", 106, "invalid-state"],
  [31, "isdir", "Is a directory.", 21, "unknown"],
  [32, "loop", "Too many levels of symbolic links.", 40, "unknown"],
  [33, "mfile", "File descriptor value too large.", 24, "new-socket-limit"],
  [34, "mlink", "Too many links.", 31, "unknown"],
  [35, "msgsize", "Message too large.", 90, "datagram-too-large"],
  [36, "multihop", "Reserved.", 72, "unknown"],
  [37, "nametoolong", "Filename too long.", 36, "unknown"],
  [38, "netdown", "Network is down.", 100, "remote-unreachable"],
  [39, "netreset", "Connection aborted by network.", 102, "connection-aborted"],
  [40, "netunreach", "Network unreachable.", 101, "remote-unreachable"],
  [41, "nfile", "Too many files open in system.", 23, "new-socket-limit"],
  [42, "nobufs", "No buffer space available.", 105, "out-of-memory"],
  [43, "nodev", "No such device.", 19, "unknown"],
  [44, "noent", "No such file or directory.", 2, "name-unresolvable"],
  [45, "noexec", "Executable file format error.", 8, "unknown"],
  [46, "nolck", "No locks available.", 37, "unknown"],
  [47, "nolink", "Reserved.", 67, "unknown"],
  [48, "nomem", "Not enough space.", 12, "out-of-memory"],
  [49, "nomsg", "No message of the desired type.", 42, "unknown"],
  [50, "noprotoopt", "Protocol not available.", 92, "not-supported"],
  [51, "nospc", "No space left on device.", 28, "unknown"],
  [52, "nosys", "Function not supported.", 38, "not-supported"],
  [53, "notconn", "The socket is not connected.", 107, "invalid-state"],
  [54, "notdir", "Not a directory or a symbolic link to a directory.", 20, "unknown"],
  [55, "notempty", "Directory not empty.", 39, "unknown"],
  [56, "notrecoverable", "State not recoverable.", 131, "unknown"],
  [57, "notsock", "Not a socket.", 88, "unknown"],
  [58, "notsup", "Not supported, or operation not supported on socket.", 95, "not-supported"],
  [59, "notty", "Inappropriate I/O control operation.", 25, "unknown"],
  [60, "nxio", "No such device or address.", 6, "unknown"],
  [61, "overflow", "Value too large to be stored in data type.", 75, "unknown"],
  [62, "ownerdead", "Previous owner died.", 130, "unknown"],
  [63, "perm", "Operation not permitted.", 1, "access-denied"],
  [64, "pipe", "Broken pipe.", 32, "unknown"],
  [65, "proto", "Protocol error.", 71, "unknown"],
  [66, "protonosupport", "Protocol not supported.", 93, "not-supported"],
  [67, "prototype", "Protocol wrong type for socket.", 91, "not-supported"],
  [68, "range", "Result too large.", 34, "unknown"],
  [69, "rofs", "Read-only file system.", 30, "unknown"],
  [70, "spipe", "Invalid seek.", 29, "unknown"],
  [71, "srch", "No such process.", 3, "not-in-progress"],
  [72, "stale", "Reserved.", 116, "unknown"],
  [73, "timedout", "Connection timed out.", 110, "timeout"],
  [74, "txtbsy", "Text file busy.", 26, "unknown"],
  [75, "xdev", "Cross-device link.", 18, "unknown"],
  [76, "notcapable", "Extension: Capabilities insufficient.", null, "access-denied"],
];

/** wasi:sockets error-code names in discriminant order (docs/abi.md §4.1). */
// prettier-ignore
const P2_NAMES = [
  "unknown", "access-denied", "not-supported", "invalid-argument", "out-of-memory", "timeout",
  "concurrency-conflict", "not-in-progress", "would-block", "invalid-state", "new-socket-limit",
  "address-not-bindable", "address-in-use", "remote-unreachable", "connection-refused",
  "connection-reset", "connection-aborted", "datagram-too-large", "name-unresolvable",
  "temporary-resolver-failure", "permanent-resolver-failure",
];

/** Linux errnos with no WASI errno of the same name, and the one the core answers (errno.ts). */
const LINUX_ALIASES: [linux: number, linuxName: string, wasi: number][] = [
  [112, "EHOSTDOWN", Errno.HOSTUNREACH],
  [108, "ESHUTDOWN", Errno.PIPE],
  [64, "ENONET", Errno.NETUNREACH],
  [94, "ESOCKTNOSUPPORT", Errno.NOTSUP],
  [96, "EPFNOSUPPORT", Errno.AFNOSUPPORT],
];

const OUT_OF_RANGE = [-1, 77, 78, 1000, 0x7fffffff, -0x80000000];

describe("errno table (§1.4)", () => {
  it("has 77 rows, numbered 0–76 in order", () => {
    assert.equal(core.errnoCount, 77);
    assert.equal(ERRNO.length, 77);
    ERRNO.forEach(([n], i) => assert.equal(n, i));
  });

  for (const [n, name, message, linux, p2] of ERRNO) {
    it(`${n} ${name}`, () => {
      assert.equal(core.errnoName(n), n === 0 ? "SUCCESS" : `E${name.toUpperCase()}`);
      assert.equal(core.strerror(n), message);
      assert.equal(core.errnoToLinux(n), n === 0 ? 0 : (linux ?? -1));
      if (linux !== null) assert.equal(core.errnoFromLinux(linux), n);
      assert.equal(core.errnoToP2(n), p2 === null ? -1 : P2_NAMES.indexOf(p2));
      assert.equal((Errno as Record<string, number>)[name.toUpperCase()], n);
    });
  }

  it("enums.ts Errno has exactly the 77 names", () => {
    assert.deepEqual(
      Object.entries(Errno).map(([k, v]) => [k, v]),
      ERRNO.map(([n, name]) => [name.toUpperCase(), n]),
    );
  });

  it("out-of-range errnos", () => {
    for (const e of OUT_OF_RANGE) {
      assert.equal(core.errnoName(e), "EUNKNOWN", `name ${e}`);
      assert.equal(core.strerror(e), "Unknown error.", `message ${e}`);
      assert.equal(core.errnoToLinux(e), -1, `linux ${e}`);
      assert.equal(core.errnoToP2(e), ErrorCode.UNKNOWN, `p2 ${e}`);
    }
  });
});

describe("Linux errno → WASI errno", () => {
  it("0 is success; every Linux errno of §1.4 maps back, also negated (libuv's err.errno)", () => {
    assert.equal(core.errnoFromLinux(0), Errno.SUCCESS);
    for (const [n, , , linux] of ERRNO) {
      if (linux === null) continue;
      assert.equal(core.errnoFromLinux(linux), n, `${linux}`);
      assert.equal(core.errnoFromLinux(-linux), n, `-${linux}`);
    }
  });

  it("Linux errnos without a WASI twin", () => {
    for (const [linux, name, wasi] of LINUX_ALIASES) assert.equal(core.errnoFromLinux(linux), wasi, name);
  });

  it("round trip over 0–200: a Linux errno maps to its twin, an alias, or EIO", () => {
    const twins = new Map(ERRNO.filter((r) => r[3] !== null).map((r) => [r[3]!, r[0]]));
    const aliases = new Map(LINUX_ALIASES.map(([l, , w]) => [l, w]));
    for (let linux = 1; linux <= 200; linux++) {
      const e = core.errnoFromLinux(linux);
      const twin = twins.get(linux);
      if (twin !== undefined) {
        assert.equal(e, twin, `${linux}`);
        assert.equal(core.errnoToLinux(e), linux, `${linux} back`);
      } else {
        assert.equal(e, aliases.get(linux) ?? Errno.IO, `${linux}`);
      }
    }
    assert.equal(core.errnoFromLinux(-0x80000000), Errno.IO);
    assert.equal(core.errnoFromLinux(0x7fffffff), Errno.IO);
  });

  it("EWOULDBLOCK, EOPNOTSUPP and EDEADLOCK share their twins' numbers", () => {
    assert.equal(core.errnoFromLinux(11), Errno.AGAIN);
    assert.equal(core.errnoFromLinux(95), Errno.NOTSUP);
    assert.equal(core.errnoFromLinux(35), Errno.DEADLK);
  });
});

describe("wasi:sockets error-code (§4.1)", () => {
  it("21 names in discriminant order, matching enums.ts ErrorCode", () => {
    P2_NAMES.forEach((name, i) => assert.equal(core.p2Name(i), name));
    assert.deepEqual(
      Object.entries(ErrorCode).map(([k, v]) => [k.toLowerCase().replaceAll("_", "-"), v]),
      P2_NAMES.map((name, i) => [name, i]),
    );
  });

  it("out-of-range codes read as unknown", () => {
    for (const c of [-1, 21, 255, 0x7fffffff]) assert.equal(core.p2Name(c), "unknown");
  });

  it("every error-code the state machine and resolver need has an errno that maps to it", () => {
    const reached = new Set(ERRNO.map((r) => r[4]).filter((p) => p !== null));
    const missing = P2_NAMES.filter((p) => !reached.has(p));
    // The two resolver failures have no errno; p2_from_code gives them (codes.test.ts).
    assert.deepEqual(missing, ["temporary-resolver-failure", "permanent-resolver-failure"]);
  });
});
