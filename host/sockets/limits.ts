/**
 * What one guest may hold on the host, so that neither it nor its peers can make the host's
 * memory grow without bound. Each limit is reached as an errno or as backpressure, never a crash.
 */
export interface Limits {
  /** Open fds (sockets, files, directories, stdio): past it, a new one is EMFILE. */
  fds: number;
  /** Bytes a connection buffers that the guest has not read: past it the connection is paused,
   *  and TCP's window pushes back on the peer. */
  receiveBuffer: number;
  /** Bytes a connection holds that the OS has not taken yet: past it, send blocks or is EAGAIN.
   *  One send adds at most 64 KiB beyond it (a larger one is taken in pieces). */
  sendBuffer: number;
  /** Unread bytes of all the guest's connections together: past it every connection that
   *  receives is paused until the guest reads its way back below half. */
  totalReceive: number;
  /** Bytes of datagrams queued on one UDP socket: past it, arriving datagrams are dropped (and
   *  counted), as a full SO_RCVBUF drops them. */
  datagramQueue: number;
  /** Addresses one name lookup returns at most (the resolver's first ones). */
  dnsAnswers: number;
}

/** The defaults; `fds` is the runtime's soft open-files limit (RLIMIT_NOFILE) where its host can
 *  read it (NetBackend.fdLimit), this 1024 where it cannot. */
export const DEFAULT_LIMITS: Readonly<Limits> = {
  fds: 1024,
  receiveBuffer: 256 * 1024,
  sendBuffer: 1024 * 1024,
  totalReceive: 64 * 1024 * 1024,
  datagramQueue: 256 * 1024,
  dnsAnswers: 64,
};

/** A limit given as something other than a positive whole number, or an unknown one. */
export class LimitError extends Error {}

/** `defaults` with `given` applied; throws LimitError naming a bad or unknown limit. */
export function limitsFrom(given: Partial<Limits> | undefined, defaults: Readonly<Limits> = DEFAULT_LIMITS): Limits {
  const out: Limits = { ...defaults };
  for (const [name, value] of Object.entries(given ?? {})) {
    if (!Object.hasOwn(DEFAULT_LIMITS, name)) throw new LimitError(`unknown limit "${name}" (known: ${Object.keys(DEFAULT_LIMITS).join(", ")})`);
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) throw new LimitError(`limit ${name} must be a whole number ≥ 1, not ${String(value)}`);
    out[name as keyof Limits] = value;
  }
  if (out.fds < 3) throw new LimitError("limit fds must leave room for stdio (≥ 3)");
  return out;
}

/** Something paused for the total receive budget, resumed when it is freed. */
export interface BudgetWaiter {
  budgetFreed(): void;
}

/**
 * The unread bytes of one guest's connections together, against `Limits.totalReceive`.
 * Connections paused because of it wait in `waiting` and are told once usage falls below half.
 */
export class ReceiveBudget {
  used = 0;
  private readonly waiting = new Set<BudgetWaiter>();

  constructor(readonly limit: number) {}

  get exhausted(): boolean {
    return this.used >= this.limit;
  }

  add(n: number): void {
    this.used += n;
  }

  release(n: number): void {
    this.used -= n;
    if (this.waiting.size > 0 && this.used < this.limit / 2) {
      const all = [...this.waiting];
      this.waiting.clear();
      for (const w of all) w.budgetFreed();
    }
  }

  wait(w: BudgetWaiter): void {
    this.waiting.add(w);
  }

  forget(w: BudgetWaiter): void {
    this.waiting.delete(w);
  }
}
