/**
 * wasi:sockets/udp and udp-create-socket. Not implemented for components yet: create-udp-socket
 * answers not-supported, so a component that links them runs and sees a clear error-code.
 */
import { Abi, Errno } from "../core/enums.js";
import { SocketType } from "../sockets/api.js";
import type { P2Context } from "./context.js";
import { familyOf, type IpAddressFamily } from "./network.js";

class UdpSocket {
  [Symbol.dispose](): void {}
}
class IncomingDatagramStream {
  [Symbol.dispose](): void {}
}
class OutgoingDatagramStream {
  [Symbol.dispose](): void {}
}

export function udpImports(ctx: P2Context): Record<string, Record<string, unknown>> {
  return {
    "wasi:sockets/udp": { UdpSocket, IncomingDatagramStream, OutgoingDatagramStream },
    "wasi:sockets/udp-create-socket": {
      createUdpSocket(f: IpAddressFamily): never {
        const h = ctx.check(ctx.kernel.open(familyOf(f), SocketType.DGRAM, Abi.P2)); // access-denied without rules
        ctx.kernel.close(h);
        throw ctx.code(Errno.NOTSUP);
      },
    },
  };
}
