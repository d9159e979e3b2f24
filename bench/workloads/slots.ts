/**
 * The peer line-ups the workloads share. wasock on every runtime it has a bridge for (Node 26:
 * JSPI and worker; Node 20: worker; Deno and Bun: JSPI), each next to raw node:net on the same
 * runtime, then the native, PHP and Wasmer peers (and for echo, the component under wasock and
 * under jco's preview2-shim).
 */
import type { Slot } from "../lib/peers.js";

/** Node 26 and Node 20: raw node:net and each wasock bridge. */
export const NODE: Slot[] = [
  { impl: "raw", rt: "node26" },
  { impl: "wasock", rt: "node26", bridge: "jspi" },
  { impl: "wasock", rt: "node26", bridge: "worker" },
  { impl: "raw", rt: "node20" },
  { impl: "wasock", rt: "node20", bridge: "worker" },
];

/** Deno and Bun (JSPI): raw node:net (their node:net) and wasock. */
export const DENO_BUN: Slot[] = [
  { impl: "raw", rt: "deno" },
  { impl: "wasock", rt: "deno", bridge: "jspi" },
  { impl: "raw", rt: "bun" },
  { impl: "wasock", rt: "bun", bridge: "jspi" },
];

export const OTHERS: Slot[] = [{ impl: "native" }, { impl: "php" }, { impl: "wasmer" }];

/** The echo workloads add the WASI 0.2 component: under wasock (JSPI) and under preview2-shim. */
export const COMPONENT: Slot[] = [{ impl: "wasock", rt: "node26", bridge: "jspi", component: true }, { impl: "jco" }];
