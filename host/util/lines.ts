/** Bytes to a log, a line at a time: a guest's output where the host has no stdout of its own
 *  (a Worker, a browser), each line written once it is complete. */
export function lineWriter(log: (line: string) => void): (data: Uint8Array) => void {
  const decoder = new TextDecoder();
  let pending = "";
  return (data) => {
    pending += decoder.decode(data, { stream: true });
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      log(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
    }
  };
}
