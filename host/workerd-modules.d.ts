// Module kinds only workerd (and the bundlers that target it) know; typed for host/workerd.ts.
declare module "cloudflare:sockets" {
  export const connect: import("./net/workerd/types.js").CfConnect;
}

declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
