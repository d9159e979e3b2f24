/**
 * Connection per request (the accept rate): wrk with "Connection: close", so every request is
 * a new connection — connect, accept, one request, the server's response and close. Against
 * the same http-hello guest and peers; connections/s. 16 connections in flight.
 */
import { startServer, stopServer } from "../lib/proc.js";
import { wrk } from "../lib/wrk.js";
import type { Workload } from "../lib/workload.js";
import { NODE, OTHERS } from "./slots.js";

const CONNECTIONS = 16;

export const accept: Workload = {
  id: "accept",
  title: "Connection per request (accept rate)",
  kind: "http",
  slots: [...NODE, ...OTHERS],
  metrics: [{ key: "cps", label: "conn/s", unit: "conn/s", better: "higher", primary: true, digits: 0 }],
  params: (o) => ({ load: `wrk -t1 -c${CONNECTIONS} -H 'Connection: close'`, seconds: o.seconds, warmupSeconds: 1 }),
  async measure(p, o) {
    const s = await startServer(p.name, p.argv);
    try {
      const headers = ["Connection: close"];
      await wrk({ port: s.port, connections: CONNECTIONS, seconds: 1, headers });
      const r = await wrk({ port: s.port, connections: CONNECTIONS, seconds: o.seconds, headers });
      const bad = r.errors + r.non2xx;
      return { sample: { cps: r.rps, errors: bad }, note: bad ? `${bad} wrk errors` : undefined };
    } finally {
      await stopServer(s);
    }
  },
};
