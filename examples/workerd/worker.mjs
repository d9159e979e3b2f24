// A Cloudflare Worker whose logic is a WASI guest: examples/wasmedge-client.wasm connects to the
// host:port in env.PEER, sends a line, half-closes and prints the reply, which becomes the
// response. With wrangler, put the .wasm beside this file (wrangler compiles `import x from
// "./x.wasm"`). test/e2e/workerd.test.ts runs this file under workerd.
import { Runtime } from "wasock/workerd";
import client from "./wasmedge-client.wasm";

export default {
  async fetch(request, env) {
    let out = "";
    const rt = new Runtime({ args: ["client", env.PEER, "hello from a Worker"], allow: { connect: [env.PEER] },
                             stdout: (d) => (out += new TextDecoder().decode(d)) });
    const { exitCode } = await rt.run(client);
    return new Response(out, { status: exitCode === 0 ? 200 : 502 });
  },
};
