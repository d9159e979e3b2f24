/** Bytes to whole lines: a guest's output where the host has no stdout of its own (a Worker, a
 *  browser), or for a host that asked for lines (RuntimeOptions.stdoutLines). */
export interface LineWriter {
  /** Take bytes; each line they complete goes to the log, without its "\n". A promise when the
   *  log returned one for a line (the guest's next write waits for it, as for a bytes callback). */
  (data: Uint8Array): Promise<unknown> | undefined;
  /** Give the log what is left after the last "\n" (a last line with no newline), if anything;
   *  called when the guest's run ends. */
  flush(): Promise<unknown> | undefined;
}

export function lineWriter(log: (line: string) => unknown): LineWriter {
  const decoder = new TextDecoder();
  let pending = "";
  const settle = (waits: unknown[]): Promise<unknown> | undefined => (waits.length > 0 ? Promise.all(waits) : undefined);
  const write = (data: Uint8Array): Promise<unknown> | undefined => {
    pending += decoder.decode(data, { stream: true });
    const waits: unknown[] = [];
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const r = log(pending.slice(0, nl));
      if (r instanceof Promise) waits.push(r);
      pending = pending.slice(nl + 1);
    }
    return settle(waits);
  };
  return Object.assign(write, {
    flush(): Promise<unknown> | undefined {
      pending += decoder.decode(); // an incomplete UTF-8 sequence at the end becomes U+FFFD
      if (pending === "") return undefined;
      const r = log(pending);
      pending = "";
      return settle(r instanceof Promise ? [r] : []);
    },
  });
}
