/**
 * The guest's stdout on the process's own. When what reads it goes away (`wasock run x.wasm |
 * head -2`), a native program is killed by SIGPIPE at its next write and the shell reports 141;
 * the JavaScript runtimes ignore SIGPIPE and report the closed pipe as an error on the stream
 * instead (an unhandled 'error' event and a stack, on Node). wasock ends the run as the native
 * program ends: no message, exit status 141.
 */

/** Exit status of a program killed by SIGPIPE (128 + 13), as a shell reports it. */
export const SIGPIPE_EXIT = 141;

/** Errors that mean the reader of stdout has gone (the runtimes name a closed pipe differently). */
function closedPipe(e: unknown): boolean {
  const { code, name } = (e ?? {}) as { code?: string; name?: string };
  return code === "EPIPE" || code === "ERR_STREAM_DESTROYED" || name === "BrokenPipe";
}

/**
 * A writer of the guest's stdout bytes to process.stdout that calls `closed` once (and writes
 * nothing more) when the reader has gone. Another stdout error is thrown, as before. While the
 * pipe is full it answers with a promise of its drain, which holds the guest's next write (as
 * write(2) blocks on a full pipe): a guest writing faster than its reader reads is held, not
 * buffered without end.
 */
export function guestStdout(closed: () => void): (bytes: Uint8Array) => Promise<void> | undefined {
  let gone = false;
  let full: Promise<void> | undefined;
  const onError = (e: unknown): void => {
    if (!closedPipe(e)) throw e;
    if (gone) return;
    gone = true;
    closed();
  };
  // process.stdout is made at the guest's first write, not before: a guest that writes nothing
  // leaves it unmade, and a start-up does not pay for it (~1 ms).
  let attached = false;
  const drained = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const done = (): void => {
        process.stdout.off("drain", done).off("close", done).off("error", done);
        full = undefined;
        resolve();
      };
      process.stdout.once("drain", done).once("close", done).once("error", done);
    });
  return (bytes) => {
    if (gone) return undefined;
    if (!attached) {
      attached = true;
      process.stdout.on("error", onError);
    }
    try {
      if (!process.stdout.write(bytes)) full ??= drained();
    } catch (e) {
      onError(e); // a runtime that throws at the write instead of emitting 'error'
    }
    return full;
  };
}
