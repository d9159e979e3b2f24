/**
 * wasi:sockets objects as jco hands them to a component, over an in-process kernel that allows
 * everything: for the ported wasmtime assertions (test/conformance/p2-*.test.ts).
 */
import { after } from "node:test";
import { Runtime } from "../../host/entries/node.js";
import { componentImports, type ImportObject } from "../../host/abi/p2/imports.js";
import type { Network } from "../../host/abi/p2/network.js";

export async function p2Imports(): Promise<{ imports: ImportObject; net: Network }> {
  const rt = new Runtime({ allow: { net: true }, stdout: () => {}, stderr: () => {}, onDeny: () => {} });
  await rt.start();
  after(() => rt.stop());
  const imports = componentImports(rt.kernel, { args: [], env: [] }, true);
  const net = (imports["wasi:sockets/instance-network"]!.instanceNetwork as () => Network)();
  return { imports, net };
}

/** The error-code a call throws (jco's result err: a case-name string), or "ok". */
export function code(f: () => unknown): string {
  try {
    f();
    return "ok";
  } catch (e) {
    if (typeof e === "string") return e;
    throw e;
  }
}
