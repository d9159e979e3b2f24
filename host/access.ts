import { Errno, PolicyKind } from "./core/enums.js";
import type { NetBackend } from "./net/backend.js";
import { isHostName, parseRule, Policy, resolveRules, type ParsedRule } from "./policy.js";
import { SocketType, type AccessCheck } from "./sockets/kernel.js";

/** What a guest may do on the network beyond its pre-opened listeners. Deny by default. */
export interface AllowOptions {
  /** Rules for listen(): `host:port`, `host:lo-hi`, `cidr:port`, `*:port`, `host:*`, `[v6]:port`. */
  listen?: string[];
  /** Rules for connect() (and UDP send_to), same syntax. */
  connect?: string[];
  /** Name resolution: `true` for any name, or the names allowed (`*.example.com` for subdomains). */
  resolve?: boolean | string[];
  /** Everything, anywhere (`--allow-net`). */
  net?: boolean;
  /**
   * Whether the guest may create TCP sockets at all (default true; `--no-tcp`). As in wasmtime, a
   * socket can be made without a rule, and what it may do with an address is the rules' to say;
   * `false` refuses the creation itself (EACCES; wasi:sockets access-denied), wasmtime's `-S tcp=n`.
   * Pre-opened listeners and the connections they accept are not guest-created: they stay.
   */
  tcp?: boolean;
  /** The same for UDP sockets (`--no-udp`, wasmtime's `-S udp=n`). */
  udp?: boolean;
}

/**
 * Build the runtime's policy from its options: parse every rule (throws PolicyError on a bad one),
 * resolve rules written with host names through the backend once, at start.
 */
export async function buildPolicy(allow: AllowOptions, backend: NetBackend): Promise<Policy> {
  const parsed = (rules: string[] | undefined): ParsedRule[] => (rules ?? []).map(parseRule);
  const listen = parsed(allow.listen);
  const connect = parsed(allow.connect);
  const lookup = (name: string): Promise<string[]> => backend.resolve(name);
  const policy = new Policy();
  if (allow.net) policy.allowAll();
  for (const r of await resolveRules(listen, lookup)) policy.allow(PolicyKind.LISTEN, r);
  for (const r of await resolveRules(connect, lookup)) policy.allow(PolicyKind.CONNECT, r);
  if (allow.net || allow.resolve === true) policy.allowResolve();
  else if (Array.isArray(allow.resolve)) policy.allowResolve(allow.resolve);
  return policy;
}

/** The kernel's access check over a policy; every denial is reported once through `onDeny`. */
export function accessCheck(policy: Policy, onDeny: (message: string) => void): AccessCheck {
  return (kind, addr) => {
    const k = kind === "listen" ? PolicyKind.LISTEN : PolicyKind.CONNECT;
    const e = policy.check(k, addr.host, addr.port);
    if (e !== 0) {
      const where = `${addr.host.includes(":") ? `[${addr.host}]` : addr.host}:${addr.port}`;
      onDeny(`wasock: denied ${kind} on ${where}: not allowed by any rule (allow it with ${policy.describe(k, addr.host, addr.port)})`);
    }
    return e;
  };
}

/** The kernel's resolve check: names allowed by `--allow-resolve`; each denial reported once. A
 *  name that is not a host name (a NUL byte, a space, an empty label) is quoted: only allowing
 *  every name allows it. */
export function resolveCheck(policy: Policy, onDeny: (message: string) => void): (name: string) => number {
  return (name) => {
    const e = policy.checkName(name);
    if (e !== 0) {
      onDeny(isHostName(name)
        ? `wasock: denied resolving ${name}: not allowed (allow it with ${policy.describeName(name)})`
        : `wasock: denied resolving ${JSON.stringify(name)}: not a host name (only --allow-resolve for every name allows it)`);
    }
    return e;
  };
}

/** The kernel's socket-creation check: a TCP or UDP socket may be made unless its kind is off. */
export function socketCheck(allow: AllowOptions, onDeny: (message: string) => void): (type: number) => number {
  const tcp = allow.tcp !== false;
  const udp = allow.udp !== false;
  return (type) => {
    const dgram = type === SocketType.DGRAM;
    if (dgram ? udp : tcp) return 0;
    onDeny(`wasock: denied creating a ${dgram ? "UDP" : "TCP"} socket: ${dgram ? "UDP" : "TCP"} is off (${dgram ? "--no-udp" : "--no-tcp"})`);
    return Errno.ACCES;
  };
}
