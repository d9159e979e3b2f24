// wasi:sockets 0.2 `error-code` (docs/abi.md §4.1): discriminants and the WIT case names, which
// is how jco-transpiled components see an enum value (a string).

/** `error-code` discriminants (u8, declaration order). */
export const enum ErrorCode {
  UNKNOWN = 0,
  ACCESS_DENIED = 1,
  NOT_SUPPORTED = 2,
  INVALID_ARGUMENT = 3,
  OUT_OF_MEMORY = 4,
  TIMEOUT = 5,
  CONCURRENCY_CONFLICT = 6,
  NOT_IN_PROGRESS = 7,
  WOULD_BLOCK = 8,
  INVALID_STATE = 9,
  NEW_SOCKET_LIMIT = 10,
  ADDRESS_NOT_BINDABLE = 11,
  ADDRESS_IN_USE = 12,
  REMOTE_UNREACHABLE = 13,
  CONNECTION_REFUSED = 14,
  CONNECTION_RESET = 15,
  CONNECTION_ABORTED = 16,
  DATAGRAM_TOO_LARGE = 17,
  NAME_UNRESOLVABLE = 18,
  TEMPORARY_RESOLVER_FAILURE = 19,
  PERMANENT_RESOLVER_FAILURE = 20,
  COUNT = 21,
}

// prettier-ignore
const NAMES: StaticArray<string> = [
  "unknown",                     // 0
  "access-denied",               // 1
  "not-supported",               // 2
  "invalid-argument",            // 3
  "out-of-memory",               // 4
  "timeout",                     // 5
  "concurrency-conflict",        // 6
  "not-in-progress",             // 7
  "would-block",                 // 8
  "invalid-state",               // 9
  "new-socket-limit",            // 10
  "address-not-bindable",        // 11
  "address-in-use",              // 12
  "remote-unreachable",          // 13
  "connection-refused",          // 14
  "connection-reset",            // 15
  "connection-aborted",          // 16
  "datagram-too-large",          // 17
  "name-unresolvable",           // 18
  "temporary-resolver-failure",  // 19
  "permanent-resolver-failure",  // 20
];

/** The WIT case name of an error-code; out of range → "unknown". */
export function p2Name(code: i32): usize {
  const i = <u32>code < <u32>ErrorCode.COUNT ? code : ErrorCode.UNKNOWN;
  return changetype<usize>(unchecked(NAMES[i]));
}
