/**
 * wasi:sockets/udp and udp-create-socket. Not implemented for components yet: create-udp-socket
 * answers not-supported, so a component that links them runs and sees a clear error-code.
 */
import { Errno } from "../core/enums.js";
import type { P2Context } from "./context.js";

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
      createUdpSocket(): never {
        throw ctx.code(Errno.NOTSUP);
      },
    },
  };
}
