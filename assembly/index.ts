// core.wasm's exports, and nothing else: docs/core-interface.md is the contract. Every parameter
// and result is an i32; strings are static AssemblyScript strings (UTF-16LE, byte length at p-4).
// The module has no imports: nothing here can abort, allocate or reach the host.

import { p2CheckAddress } from "./address";
import { acceptAdmit, backlogEffective } from "./backlog";
import { codeCount, codeName, errnoFromCode, p2FromCode, SCRATCH, SCRATCH_SIZE } from "./codes";
import { Errno, errnoFromLinux, errnoMessage, errnoName, errnoToLinux, errnoToP2 } from "./errno";
import { checkAcceptFlags, checkFdflags, checkRiflags, checkSiflags, shutdownOp } from "./flags";
import { ErrorCode, p2Name } from "./p2";
import {
  NAME_BUF, policyAdd, policyAddName, policyAllowResolveAll, policyCheck, policyCheckName, policyClear, policyCount,
  policySlotAlloc, policySlotFree,
} from "./policy";
import { optionDefault, optionFromAbi, optionGet, optionSet, p2DurationSecs } from "./options";
import { abiFlags, familyCheck, listenBacklog, udpSendOp } from "./rules";
import { listenerAccept, streamRecv, streamSend } from "./stream";
import { tcpStep } from "./tcp";
import { tcpStream } from "./tcp-streams";
import { udpStep } from "./udp";

// Errors
export function errno_count(): i32 { return Errno.COUNT; }
export function errno_name(e: i32): usize { return errnoName(e); }
export function errno_message(e: i32): usize { return errnoMessage(e); }
export function errno_from_linux(n: i32): i32 { return errnoFromLinux(n); }
export function errno_to_linux(e: i32): i32 { return errnoToLinux(e); }
export function errno_to_p2(e: i32): i32 { return errnoToP2(e); }
export function p2_count(): i32 { return ErrorCode.COUNT; }
export function p2_name(code: i32): usize { return p2Name(code); }

// Host error codes
export function scratch_ptr(): usize { return SCRATCH; }
export function scratch_size(): i32 { return SCRATCH_SIZE; }
export function errno_from_code(len: i32): i32 { return errnoFromCode(len); }
export function p2_from_code(len: i32): i32 { return p2FromCode(len); }
export function code_count(): i32 { return codeCount(); }
export function code_name(i: i32): usize { return codeName(i); }

// TCP state machine
export function tcp_step(abi: i32, word: i32, op: i32): i32 { return tcpStep(abi, word, op); }
// wasi:sockets 0.3: the send and receive streams of a connection (their byte beside the word)
export function tcp_stream(abi: i32, word: i32, streams: i32, op: i32): i32 { return tcpStream(abi, word, streams, op); }

// TCP data path: recv, send, accept answered now (the step included)
export function stream_recv(abi: i32, word: i32, have: i32): i32 { return streamRecv(abi, word, have); }
export function stream_send(abi: i32, word: i32, have: i32): i32 { return streamSend(abi, word, have); }
export function listener_accept(abi: i32, word: i32, have: i32): i32 { return listenerAccept(abi, word, have); }

// UDP state machine
export function udp_step(abi: i32, word: i32, op: i32): i32 { return udpStep(abi, word, op); }

// Socket options
export function option_get(abi: i32, kind: i32, word: i32, opt: i32): i32 { return optionGet(abi, kind, word, opt); }
export function option_set(abi: i32, kind: i32, word: i32, opt: i32, value: i32): i32 { return optionSet(abi, kind, word, opt, value); }
export function option_default(abi: i32, kind: i32, opt: i32): i32 { return optionDefault(abi, kind, opt); }
export function option_from_abi(abi: i32, n: i32): i32 { return optionFromAbi(abi, n); }
export function p2_duration_secs(lo: i32, hi: i32): i32 { return p2DurationSecs(lo, hi); }

// wasi:sockets 0.2 addresses (address in scratch)
export function p2_check_address(use: i32, socketFamily: i32, addrFamily: i32, port: i32): i32 { return p2CheckAddress(use, socketFamily, addrFamily, port); }

// Backlog
export function backlog_effective(requested: i32, somaxconn: i32): i32 { return backlogEffective(requested, somaxconn); }
export function accept_admit(queued: i32, backlog: i32): i32 { return acceptAdmit(queued, backlog); }

// What else differs by ABI: rows, so that the host has no ABI tests of its own
export function abi_flags(abi: i32): i32 { return abiFlags(abi); }
export function family_check(abi: i32, socketFamily: i32, addrFamily: i32): i32 { return familyCheck(abi, socketFamily, addrFamily); }
export function listen_backlog(abi: i32, requested: i32, option: i32, somaxconn: i32): i32 { return listenBacklog(abi, requested, option, somaxconn); }
export function udp_send_op(abi: i32, explicit: i32, toPeer: i32): i32 { return udpSendOp(abi, explicit, toPeer); }

// Arguments
export function check_accept_flags(abi: i32, fdflags: i32): i32 { return checkAcceptFlags(abi, fdflags); }
export function check_riflags(abi: i32, flags: i32): i32 { return checkRiflags(abi, flags); }
export function check_siflags(abi: i32, flags: i32): i32 { return checkSiflags(abi, flags); }
export function shutdown_op(abi: i32, how: i32): i32 { return shutdownOp(abi, how); }
export function check_fdflags(abi: i32, fdflags: i32): i32 { return checkFdflags(abi, fdflags); }

// Capability policy (per slot: one per runtime sharing this core)
export function policy_slot_alloc(): i32 { return policySlotAlloc(); }
export function policy_slot_free(slot: i32): i32 { return policySlotFree(slot); }
export function policy_clear(slot: i32): i32 { return policyClear(slot); }
export function policy_add(slot: i32, kind: i32, family: i32, prefix: i32, lo: i32, hi: i32): i32 { return policyAdd(slot, kind, family, prefix, lo, hi); }
export function policy_check(slot: i32, kind: i32, family: i32, port: i32): i32 { return policyCheck(slot, kind, family, port); }
export function policy_count(slot: i32, kind: i32): i32 { return policyCount(slot, kind); }
export function policy_allow_resolve_all(slot: i32): i32 { return policyAllowResolveAll(slot); }
export function policy_name_ptr(): usize { return NAME_BUF; }
export function policy_add_name(slot: i32, len: i32): i32 { return policyAddName(slot, len); }
export function policy_check_name(slot: i32, len: i32): i32 { return policyCheckName(slot, len); }
