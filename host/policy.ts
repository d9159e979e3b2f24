/**
 * The capability policy, host side: rule text → addresses (`parseRule`, `resolveRules`), and
 * `Policy`, one runtime's allow rules held in a slot of the shared core. Every decision — matching,
 * IPv4-mapped normalisation, wildcard and port-0 handling, which names may be looked up — is
 * core.wasm's (assembly/policy.ts); this module only parses text.
 *
 * Rule syntax (the CLI's `--allow-listen` / `--allow-connect`):
 *   host:port  host:lo-hi  host:*  cidr:port  *:port  *:*  *     IPv6 in brackets: [::1]:8080,
 *   [2001:db8::]/32:443. `*` as host is 0.0.0.0/0 and ::/0; `*` as port is 0-65535; `*` alone is
 *   `*:*`. A host name (localhost:8080) parses to `{ name }` and is turned into addresses at
 *   start-up by `resolveRules`.
 *
 * ```ts
 * const policy = new Policy();
 * for (const rule of await resolveRules(["127.0.0.1:8000-8999", "localhost:*"].map(parseRule), lookup))
 *   policy.allow(PolicyKind.CONNECT, rule);
 * policy.check(PolicyKind.CONNECT, "127.0.0.1", 8080); // 0
 * policy.check(PolicyKind.CONNECT, "10.0.0.1", 80);    // Errno.ACCES
 * policy.describe(PolicyKind.CONNECT, "10.0.0.1", 80); // "--allow-connect 10.0.0.1:80"
 * ```
 */
import { formatIp, isV4Mapped, parseIp } from "./ip.js";
import { Core } from "./core/core.js";
import { Errno, PolicyKind } from "./core/enums.js";

/** Bad rule text, a name that cannot be resolved or allowed, or a full table. One line. */
export class PolicyError extends Error {
  override name = "PolicyError";
  /** The rule (or name) the error is about, when there is one. */
  readonly rule: string | undefined;
  constructor(message: string, rule?: string) {
    super(message);
    this.rule = rule;
  }
}

/** An address block: `bytes` (IPv4 in the first 4 of 16) and a prefix length. */
export interface Net {
  family: 4 | 6;
  bytes: Uint8Array;
  prefix: number;
}

/** A parsed allow rule: address blocks and a port range; a host-name rule has `name` and, until
 *  `resolveRules` fills them, no nets. */
export interface ParsedRule {
  /** The rule as written. */
  text: string;
  nets: Net[];
  /** The host name of a `name:port` rule (lower-case, no trailing dot). */
  name?: string;
  lo: number;
  hi: number;
}

/** Resolves a host name to its addresses, e.g. `(n) => dns.promises.lookup(n, { all: true })`. */
export type Lookup = (name: string) => Promise<ReadonlyArray<string | { address: string }>>;

const PORT_MAX = 65535;
/** Policy slots per core (assembly/policy.ts SLOTS). */
export const POLICY_SLOTS = 16;
/** Rules per policy, listen and connect together (assembly/policy.ts MAX_RULES). */
export const POLICY_MAX_RULES = 256;
/** Names per policy (assembly/policy.ts MAX_NAMES). */
export const POLICY_MAX_NAMES = 64;

// ---------------------------------------------------------------------------------------------
// Rule text

export { formatIp, isV4Mapped, parseIp };

/** `*`: every IPv4 and every IPv6 address. */
function anyNets(): Net[] {
  return [
    { family: 4, bytes: new Uint8Array(16), prefix: 0 },
    { family: 6, bytes: new Uint8Array(16), prefix: 0 },
  ];
}

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/i;

/** A DNS host name (labels of letters, digits, `-`, `_`; at most 253 bytes; one trailing dot). */
export function isHostName(name: string): boolean {
  const n = name.endsWith(".") ? name.slice(0, -1) : name;
  return n.length > 0 && n.length <= 253 && n.split(".").every((l) => LABEL.test(l));
}

function parsePorts(p: string, fail: (why: string) => never): [number, number] {
  if (p === "") return fail("missing port after ':' (write host:port, host:lo-hi or host:*)");
  if (p === "*") return [0, PORT_MAX];
  const m = /^(\d+)(?:-(\d+))?$/.exec(p);
  if (!m) return fail(`port "${p}" is not a number, a lo-hi range or *`);
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  for (const [s, v] of [[m[1]!, lo], [m[2], hi]] as const) {
    if (s !== undefined && v > PORT_MAX) fail(`port ${s} is out of range (0-65535)`);
  }
  if (lo > hi) fail(`port range ${lo}-${hi} is reversed`);
  return [lo, hi];
}

function parsePrefix(p: string, family: 4 | 6, fail: (why: string) => never): number {
  if (p === "") return fail("missing prefix length after /");
  if (!/^\d{1,3}$/.test(p)) return fail(`prefix "/${p}" is not a number`);
  const n = Number(p);
  const max = family === 4 ? 32 : 128;
  if (n > max) fail(`prefix /${p} is too long for IPv${family}`);
  return n;
}

/**
 * One rule of the CLI syntax → a ParsedRule. Throws PolicyError with a one-line reason, e.g.
 * `invalid rule "10.0.0.0/33:443": prefix /33 is too long for IPv4`.
 */
export function parseRule(text: string): ParsedRule {
  const fail = (why: string): never => {
    throw new PolicyError(`invalid rule "${text}": ${why}`, text);
  };
  if (text === "") fail("it is empty");
  if (/\s/.test(text)) fail("it contains white space");
  if (text === "*") return { text, nets: anyNets(), lo: 0, hi: PORT_MAX };
  if (text.includes("%")) fail("a zone index (%...) is not allowed in a rule");

  let host: string;
  let prefix: string | undefined;
  let ports: string;
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    if (close < 0) fail("missing ] after the IPv6 address");
    host = text.slice(1, close);
    let rest = text.slice(close + 1);
    const slash = host.indexOf("/");
    if (slash >= 0) {
      prefix = host.slice(slash + 1); // [2001:db8::/32]:443
      host = host.slice(0, slash);
    }
    if (rest.startsWith("/")) {
      if (prefix !== undefined) fail("two prefix lengths");
      const colon = rest.indexOf(":");
      prefix = rest.slice(1, colon < 0 ? undefined : colon);
      rest = colon < 0 ? "" : rest.slice(colon);
    }
    if (!rest.startsWith(":")) fail(rest === "" ? "missing :port after ]" : `unexpected "${rest}" after ]`);
    ports = rest.slice(1);
    if (host === "") fail("empty address in brackets");
  } else {
    if (text.includes("[") || text.includes("]")) fail("unbalanced brackets");
    const colon = text.lastIndexOf(":");
    if (colon < 0) fail("missing port (write host:port, host:lo-hi or host:*)");
    host = text.slice(0, colon);
    ports = text.slice(colon + 1);
    if (host.includes(":")) fail("IPv6 addresses go in brackets, e.g. [::1]:8080");
    const slash = host.indexOf("/");
    if (slash >= 0) {
      prefix = host.slice(slash + 1);
      host = host.slice(0, slash);
    }
    if (host === "") fail("missing host before ':'");
  }
  const [lo, hi] = parsePorts(ports, fail);

  if (host === "*") {
    if (prefix !== undefined) fail("* cannot have a prefix length");
    if (text.startsWith("[")) fail("* does not go in brackets");
    return { text, nets: anyNets(), lo, hi };
  }
  const bytes = new Uint8Array(16);
  const family = parseIp(host, bytes);
  if (text.startsWith("[") && family !== 6) fail(`"${host}" is not an IPv6 address`);
  if (family !== 0) {
    const bits = prefix === undefined ? (family === 4 ? 32 : 128) : parsePrefix(prefix, family, fail);
    return { text, nets: [{ family, bytes, prefix: bits }], lo, hi };
  }
  if (/^[\d.]+$/.test(host)) fail(`"${host}" is not a valid IPv4 address`);
  if (host.includes("*")) fail(`"${host}": only * alone is a wildcard host (for names: --allow-resolve=*.example.com)`);
  if (!isHostName(host)) fail(`"${host}" is neither an IP address nor a host name`);
  if (prefix !== undefined) fail("a host name cannot have a prefix length");
  return { text, nets: [], name: host.toLowerCase().replace(/\.$/, ""), lo, hi };
}

/**
 * Turn the host names of rules into addresses with `lookup` (each address its own /32 or /128);
 * rules without a name come back unchanged. Each name is looked up once. Throws PolicyError when a
 * name fails to resolve or resolves to nothing.
 */
export async function resolveRules(rules: readonly ParsedRule[], lookup: Lookup): Promise<ParsedRule[]> {
  const names = new Map<string, Promise<Net[]>>();
  const resolve = async (rule: ParsedRule, name: string): Promise<Net[]> => {
    let found: ReadonlyArray<string | { address: string }>;
    try {
      found = await lookup(name);
    } catch (err) {
      const why = err instanceof Error ? ((err as { code?: unknown }).code ?? err.message) : String(err);
      throw new PolicyError(`rule "${rule.text}": cannot resolve ${name} (${String(why)})`, rule.text);
    }
    const nets: Net[] = [];
    for (const a of found) {
      const address = typeof a === "string" ? a : a.address;
      const bytes = new Uint8Array(16);
      const family = parseIp(address, bytes);
      if (family === 0) throw new PolicyError(`rule "${rule.text}": ${name} resolved to "${address}", not an IP address`, rule.text);
      nets.push({ family, bytes, prefix: family === 4 ? 32 : 128 });
    }
    if (nets.length === 0) throw new PolicyError(`rule "${rule.text}": ${name} resolves to no address`, rule.text);
    return nets;
  };
  return Promise.all(
    rules.map(async (rule) => {
      if (rule.name === undefined || rule.nets.length > 0) return rule;
      let nets = names.get(rule.name);
      if (nets === undefined) names.set(rule.name, (nets = resolve(rule, rule.name)));
      return { ...rule, nets: await nets };
    }),
  );
}

/** `--allow-resolve=a,b` → ["a", "b"] (empty items dropped). */
export function parseNames(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

// ---------------------------------------------------------------------------------------------
// Policy

const FLAG: Record<PolicyKind, string> = { [PolicyKind.LISTEN]: "--allow-listen", [PolicyKind.CONNECT]: "--allow-connect" };

/** Frees the slot of a Policy the program dropped without `free()`. */
const slots =
  typeof FinalizationRegistry === "function"
    ? new FinalizationRegistry<{ core: Core; slot: number }>(({ core, slot }) => core.policySlotFree(slot))
    : undefined;

/**
 * One runtime's allow rules, held in a slot of the (per-thread, shared) core: deny by default.
 * `check*` answer an errno: 0 allowed, EACCES denied (EINVAL: not an address / bad argument — a
 * denial too). At most 16 live Policies per core: call `free()` when the runtime is done (a
 * dropped Policy's slot is also given back when it is garbage-collected).
 */
export class Policy {
  /** The core slot holding the rules. */
  readonly slot: number;
  private readonly core: Core;
  private readonly buf = new Uint8Array(16);
  private freed = false;

  constructor(core: Core = Core.load()) {
    const slot = core.policySlotAlloc();
    if (slot < 0) throw new PolicyError(`no free policy slot: ${POLICY_SLOTS} policies of this thread are live (free() the ones done)`);
    this.core = core;
    this.slot = slot;
    slots?.register(this, { core, slot }, this);
  }

  /** Allow `kind` on a rule's addresses and ports. A string is parsed first; a host-name rule must
   *  have been through `resolveRules`. Throws PolicyError (bad rule, table full). */
  allow(kind: PolicyKind, rule: ParsedRule | string): void {
    this.live();
    const r = typeof rule === "string" ? parseRule(rule) : rule;
    if (r.nets.length === 0) {
      throw new PolicyError(`rule "${r.text}" names a host (${r.name ?? "?"}): resolve it first (resolveRules)`, r.text);
    }
    for (const net of r.nets) {
      const e = this.core.policyAdd(this.slot, kind, net.family, net.bytes, net.prefix, r.lo, r.hi);
      if (e === Errno.NOMEM) throw new PolicyError(`rule "${r.text}": too many rules (at most ${POLICY_MAX_RULES} per runtime)`, r.text);
      if (e !== 0) throw new PolicyError(`rule "${r.text}" was refused by the core (${this.core.errnoName(e)})`, r.text);
    }
  }

  /** Allow resolving `names` (exact, or `*.example.com` for every name below it; `*` = all), or
   *  every name when none are given. Throws PolicyError for a malformed name or a full table. */
  allowResolve(names?: readonly string[]): void {
    this.live();
    if (names === undefined) {
      this.core.policyAllowResolveAll(this.slot);
      return;
    }
    for (const name of names) {
      const e = this.core.policyAddName(this.slot, name);
      if (e === Errno.NOMEM) throw new PolicyError(`name "${name}": too many names (at most ${POLICY_MAX_NAMES} per runtime)`, name);
      if (e !== 0) {
        throw new PolicyError(`invalid name "${name}": labels of a-z 0-9 - _ (1-63 each, 253 in all); *.suffix for every name below`, name);
      }
    }
  }

  /** `--allow-net`: listen and connect anywhere on any port, resolve any name. */
  allowAll(): void {
    for (const kind of [PolicyKind.LISTEN, PolicyKind.CONNECT]) this.allow(kind, { text: "*", nets: anyNets(), lo: 0, hi: PORT_MAX });
    this.allowResolve();
  }

  /** Whether `kind` on IP text `host` (a `%zone` is ignored) and `port` is allowed: 0, EACCES, or
   *  EINVAL when host is not an IP address. Allocates nothing. */
  check(kind: PolicyKind, host: string, port: number): number {
    this.live();
    const family = parseIp(host, this.buf);
    return family === 0 ? Errno.INVAL : this.core.policyCheck(this.slot, kind, family, this.buf, port);
  }

  /** `check` for an address already in bytes (a guest's sockaddr): 4 or 16 bytes. */
  checkAddress(kind: PolicyKind, family: 4 | 6, bytes: Uint8Array, port: number): number {
    this.live();
    return this.core.policyCheck(this.slot, kind, family, bytes, port);
  }

  /** Whether `name` may be resolved: 0 or EACCES (EINVAL: not ASCII or too long). IP literals are
   *  not names: a resolver answers them without asking here. */
  checkName(name: string): number {
    this.live();
    return this.core.policyCheckName(this.slot, name);
  }

  /** How many rules of `kind` this policy holds (a `*` host counts as two: IPv4 and IPv6). */
  count(kind: PolicyKind): number {
    this.live();
    return this.core.policyCount(this.slot, kind);
  }

  /** The option that would allow it, for the one-line denial message:
   *  `--allow-connect 10.0.0.1:80`, `--allow-listen [::1]:0` (a mapped address as its IPv4). A
   *  connect to 0.0.0.0 or :: reaches this host at any of its addresses, so only an every-address
   *  rule allows it: `--allow-connect 0.0.0.0/0:80`, `--allow-connect *:80` for ::. */
  describe(kind: PolicyKind, host: string, port: number): string {
    const bytes = new Uint8Array(16);
    let family = parseIp(host, bytes);
    if (family === 6 && isV4Mapped(bytes)) {
      bytes.copyWithin(0, 12, 16).fill(0, 4);
      family = 4;
    }
    let where = family === 0 ? host : family === 4 ? formatIp(4, bytes) : `[${formatIp(6, bytes)}]`;
    if (kind === PolicyKind.CONNECT && family !== 0 && bytes.every((b) => b === 0)) where = family === 4 ? "0.0.0.0/0" : "*";
    return `${FLAG[kind] ?? `--allow-? (kind ${kind})`} ${where}:${port}`;
  }

  /** The option that would allow resolving `name`: `--allow-resolve=example.com`. */
  describeName(name: string): string {
    return `--allow-resolve=${name.toLowerCase().replace(/\.$/, "")}`;
  }

  /** Drop every rule and name: deny everything again. */
  clear(): void {
    this.live();
    this.core.policyClear(this.slot);
  }

  /** Give the slot back to the core; the Policy cannot be used after. Idempotent. */
  free(): void {
    if (this.freed) return;
    this.freed = true;
    slots?.unregister(this);
    this.core.policySlotFree(this.slot);
  }

  private live(): void {
    if (this.freed) throw new PolicyError("this policy was freed");
  }
}
