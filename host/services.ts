/**
 * What a host's entry gives the runtime: the services that differ from one host to another, so
 * that the runtime, the kernel and the WASI modules import none of them and a bundle for a host
 * without them (a browser, a Worker) carries none. Absent services have plain answers:
 *
 *   worker      absent: guests block through JSPI only
 *   components  absent: a component is refused, plainly
 *   files       absent: no pre-opened directories (wasi/files.ts, NO_FILES)
 *   stdio       absent: guest output and host notes go to the console, a line at a time
 *
 * The Node, Deno and Bun entries give them all (extensions.ts).
 */
import type { Files } from "./wasi/files.js";
import { lineWriter } from "./util/lines.js";

/** Where a guest's stdout and stderr go when the options name no callback, and the runtime's own
 *  notes (a denial line when no onDeny is given). */
export interface HostStdio {
  stdout(data: Uint8Array): void;
  stderr(data: Uint8Array): void;
  /** One line for the host's stderr. */
  note(line: string): void;
  /** Whether this process's fd 1 or 2 is a terminal (the guest sees it as one). */
  terminal(fd: 1 | 2): boolean;
  /** Write out a last line with no newline when a run ends (for stdio that writes whole lines). */
  flush?(): void;
}

export interface HostServices {
  /** The worker bridge (node:worker_threads), loaded when a guest first needs it. */
  worker?: () => Promise<typeof import("./bridge/worker-host.js")>;
  /** WASI 0.2 components (transpiled by jco), loaded when a component first runs. */
  components?: () => Promise<typeof import("./p2/run.js")>;
  files?: Files;
  /** A runtime's stdio (called once per runtime). */
  stdio?: () => HostStdio;
}

/** Stdio for a host with none of its own: the console, a line at a time; never a terminal. */
export function consoleStdio(): HostStdio {
  const stdout = lineWriter((l) => console.log(l));
  const stderr = lineWriter((l) => console.error(l));
  return {
    stdout,
    stderr,
    note: (line) => console.error(line),
    terminal: () => false,
    flush: () => void (stdout.flush(), stderr.flush()),
  };
}
