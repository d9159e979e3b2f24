/**
 * What every entry exports besides its own Runtime: one block, so the entries cannot drift apart.
 * An entry adds only what is its own (its network backend, the in-memory network).
 */
export { GuestError, GuestTrap, ListenError, PreopenError, type RuntimeOptions, type Listening, type BridgeName } from "../runtime.js";
export type { SocketRow } from "../sockets/table.js";
export type { TrapFrame } from "../wasm/backtrace.js";
export type { AllowOptions } from "../access.js";
export { PolicyError } from "../policy.js";
export { TranspilerMissingError } from "../p2/errors.js";
export { DEFAULT_LIMITS, LimitError, type Limits } from "../sockets/limits.js";
export type { NetBackend, NetStream, NetListener, SockAddr } from "../net/backend.js";
export { Core } from "../core/core.js";
