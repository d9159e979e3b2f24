/**
 * A WASI 0.3 component's imports: the 0.2 instance's (Rust's std in a wasip3 command still
 * imports wasi:io and wasi:cli 0.2) with the 0.3 interfaces merged in. jco keys imports by
 * interface name without its version, so `wasi:cli/stdout` is one object holding 0.2's
 * `getStdout` and 0.3's `writeViaStream`; where both versions name a member alike (wasi:filesystem's
 * `Descriptor` and `getDirectories`), the version the component imports is served.
 */
import type { Kernel } from "../../sockets/api.js";
import type { CliOptions } from "../p2/cli.js";
import { componentInstance, type ComponentFilesOptions, type ComponentInstance, type ImportObject } from "../p2/imports.js";
import { p3CliImports, resolveBoth } from "./cli.js";
import { p3FilesystemImports } from "./filesystem.js";
import { tcpSocketClass } from "./tcp.js";
import { udpSocketClass } from "./udp.js";

/**
 * The 0.3 imports that are synchronous in the WIT but may wait on I/O here: jco must make them
 * suspend the guest (JSPI), never block the thread. 0.3's async functions need no listing.
 */
export const P3_SUSPENDING_IMPORTS = [
  "wasi:sockets/types#[method]tcp-socket.bind",
  "wasi:sockets/types#[method]tcp-socket.listen",
  "wasi:sockets/types#[method]udp-socket.bind",
  "wasi:sockets/types#[method]udp-socket.connect",
];

function merge(into: ImportObject, more: ImportObject): ImportObject {
  for (const [name, members] of Object.entries(more)) into[name] = { ...into[name], ...members };
  return into;
}

/**
 * A 0.3 component instance over `kernel`: its imports and what closes its files. `filesystem03`:
 * the component imports wasi:filesystem@0.3 (detect.ts: importsInterface), whose `descriptor` and
 * `get-directories` then take the place of 0.2's under the same unversioned names.
 */
export function p3ComponentInstance(kernel: Kernel, opts: CliOptions, inProcess: boolean, fs?: ComponentFilesOptions, filesystem03 = false): ComponentInstance {
  const instance = componentInstance(kernel, opts, inProcess, fs);
  const { ctx, imports } = instance;
  if (filesystem03) merge(imports, p3FilesystemImports(instance.filesystem));
  const lookup = imports["wasi:sockets/ip-name-lookup"]!;
  const seed = imports["wasi:random/insecure-seed"]!;
  merge(imports, p3CliImports(ctx));
  merge(imports, {
    "wasi:sockets/types": { TcpSocket: tcpSocketClass(ctx), UdpSocket: udpSocketClass(ctx) },
    "wasi:sockets/ip-name-lookup": { resolveAddresses: resolveBoth(ctx, lookup.resolveAddresses as (n: unknown, name: string) => unknown) },
    "wasi:random/insecure-seed": { getInsecureSeed: seed.insecureSeed },
  });
  return instance;
}
