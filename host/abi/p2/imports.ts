/**
 * Every import a jco-transpiled WASI 0.2 command needs, keyed as jco's `instantiate` wants them
 * (interface names without versions): wasi:sockets, wasi:io and the rest, all over one kernel.
 */
import type { Kernel } from "../../sockets/api.js";
import type { Files } from "../../wasi/files.js";
import type { HostDir, Preopen } from "../../wasi/fs/handles.js";
import { cliImports, type CliOptions } from "./cli.js";
import { IoError, P2Context } from "./context.js";
import { filesystemImports, type FilesystemImports } from "./filesystem.js";
import { networkImports } from "./network.js";
import { poll, Pollable } from "./poll.js";
import { InputStream, OutputStream } from "./streams.js";
import { tcpImports } from "./tcp.js";
import { udpImports } from "./udp.js";

export type ImportObject = Record<string, Record<string, unknown>>;

/** A component's files: its host's (absent: none) and the checked pre-opened directories. */
export interface ComponentFilesOptions {
  files?: Files;
  dirs: readonly Preopen[];
}

/** `inProcess`: the kernel is on this thread (the JSPI bridge), not across the worker bridge. */
export function componentImports(kernel: Kernel, opts: CliOptions, inProcess: boolean): ImportObject {
  return componentInstance(kernel, opts, inProcess).imports;
}

/** One instance's imports, what closes its files, and the context its resources share. */
export interface ComponentInstance {
  imports: ImportObject;
  close(): void;
  ctx: P2Context;
  /** Its wasi:filesystem (0.3's is served over it: abi/p3/filesystem.ts). */
  filesystem: FilesystemImports;
}

/**
 * The imports of one component instance, and `close` for when it ends: the host fds of its
 * pre-opened directories (opened here, for this instance: PreopenError if one cannot be) and of
 * the files and directories it left open.
 */
export function componentInstance(kernel: Kernel, opts: CliOptions, inProcess: boolean, fs?: ComponentFilesOptions): ComponentInstance {
  const ctx = new P2Context(kernel, inProcess);
  const files = fs?.files;
  const dirs: [Preopen, HostDir][] = [];
  try {
    for (const p of fs?.dirs ?? []) if (files) dirs.push([p, files.open(p)]);
  } catch (e) {
    for (const [, d] of dirs) files!.release({ kind: "dir", dir: d, flags: 0 });
    throw e;
  }
  const filesystem = filesystemImports(ctx, files?.component, dirs);
  return {
    imports: {
      "wasi:io/error": { Error: IoError },
      "wasi:io/poll": { Pollable, poll },
      "wasi:io/streams": { InputStream, OutputStream },
      ...cliImports(ctx, opts),
      ...filesystem.imports,
      ...networkImports(ctx),
      ...tcpImports(ctx),
      ...udpImports(ctx),
    },
    close: filesystem.close,
    ctx,
    filesystem,
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
