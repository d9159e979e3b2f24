/**
 * Every import a jco-transpiled WASI 0.2 command needs, keyed as jco's `instantiate` wants them
 * (interface names without versions): wasi:sockets, wasi:io and the rest, all over one kernel.
 */
import type { Kernel } from "../../sockets/api.js";
import { cliImports, type CliOptions } from "./cli.js";
import { IoError, P2Context } from "./context.js";
import { networkImports } from "./network.js";
import { poll, Pollable } from "./poll.js";
import { InputStream, OutputStream } from "./streams.js";
import { tcpImports } from "./tcp.js";
import { udpImports } from "./udp.js";

export type ImportObject = Record<string, Record<string, unknown>>;

/** `inProcess`: the kernel is on this thread (the JSPI bridge), not across the worker bridge. */
export function componentImports(kernel: Kernel, opts: CliOptions, inProcess: boolean): ImportObject {
  const ctx = new P2Context(kernel, inProcess);
  return {
    "wasi:io/error": { Error: IoError },
    "wasi:io/poll": { Pollable, poll },
    "wasi:io/streams": { InputStream, OutputStream },
    ...cliImports(ctx, opts),
    ...networkImports(ctx),
    ...tcpImports(ctx),
    ...udpImports(ctx),
  };
}

/** The imports that may wait: JSPI suspends the component on them when they return a promise. */
export const BLOCKING_IMPORTS = [
  "wasi:io/poll#poll",
  "wasi:io/poll#[method]pollable.block",
  "wasi:io/streams#[method]input-stream.blocking-read",
  "wasi:io/streams#[method]input-stream.blocking-skip",
  "wasi:io/streams#[method]output-stream.blocking-flush",
  "wasi:io/streams#[method]output-stream.blocking-write-and-flush",
  "wasi:io/streams#[method]output-stream.blocking-write-zeroes-and-flush",
  "wasi:io/streams#[method]output-stream.blocking-splice",
];
