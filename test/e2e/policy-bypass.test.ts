// Policy bypass attempts (issue 7 §5), each made from inside a real guest and each blocked by the
// allow rules: IPv4-mapped IPv6 against IPv4 and IPv6 rules, 0.0.0.0 / :: as a destination (Linux
// connects them to this host) and as a listen address, names that resolve to denied addresses, a
// name whose resolution changes (DNS rebinding), port 0, and the other spellings of 127.0.0.1.
//
// test/guests/policy_bypass.c makes each attempt through the WasmEdge and the WASIX ABI and
// asserts the errno itself (`ok - <step>` / `not ok - <step>: got … want …`); here every expected
// EACCES must also have put exactly one `wasock: denied …` line out, so a step can only pass by
// being refused by the policy. Each refusal sits next to a control the same rules allow, which
// reaches a real listener (its greeting is checked), so the refused attempt was no dead end.
// Over real loopback through the CLI (port 0 for every real listener) and, for what needs names
// that change or addresses this machine has not got, over the in-memory network.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as net from "node:net";
import { MemoryNetwork, Runtime, type AllowOptions } from "../../host/entries/memory.js";
import type { NetStream } from "../../host/net/backend.js";
import { BRIDGES, runCli, wasm } from "../helpers/guest.js";
import { RUNTIME } from "../helpers/runtime.js";

const GUEST = wasm("test/guests/policy_bypass.wasm");
const guestBytes = readFileSync(GUEST);
/** The CLI's network is node:net (not the Deno.listen / Bun.listen adapters): a connect from a
 *  chosen local address is the OS's own, so the route Linux takes can be shown end to end. */
const NODE_NET = !process.env.WASOCK_NET || process.env.WASOCK_NET === "node";

/** Each step for both ABIs: "connect ::1 80 EACCES" → "we connect …", "wx connect …". */
const both = (...steps: string[]): string[] => steps.flatMap((s) => [`we ${s}`, `wx ${s}`]);

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The guest's verdicts: exit 0, no `not ok`, one `ok` per step (or per address of `$*`), and one
 *  denial line per EACCES the steps expected — the policy refused each, nothing else did. */
function verdicts(r: Outcome, steps: string[], denials: string[]): { greetings: string[] } {
  const lines = r.stdout.split("\n");
  const fails = lines.filter((l) => l.startsWith("not ok"));
  assert.deepEqual(fails, [], `guest checks failed:\n${r.stdout}\nstderr:\n${r.stderr}`);
  assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  const oks = lines.filter((l) => l.startsWith("ok - "));
  for (const s of steps.filter((x) => !/ wait$/.test(x))) assert.ok(oks.some((l) => l === `ok - ${s}` || l.startsWith(`ok - ${s} (`) || l.startsWith(`ok - ${s} # SKIP`)), `no verdict for "${s}"`);
  const refused = oks.filter((l) => / EACCES( \(|$)/.test(l)).length;
  assert.equal(denials.length, refused, `${refused} EACCES, ${denials.length} denial lines:\n${denials.join("\n")}`);
  for (const d of denials) assert.match(d, /^wasock: denied (connect|listen|resolving) .*(not allowed|not a host name)/);
  return { greetings: lines.filter((l) => l.startsWith("# greeting ")) };
}

/** Run the guest through the CLI (under this test's runtime) with these flags and steps. */
async function cli(bridge: string, flags: string[], steps: string[]): Promise<{ greetings: string[]; stderr: string }> {
  const r = await runCli(["run", "--bridge", bridge, ...flags, GUEST, ...steps], 30000);
  const denials = r.stderr.split("\n").filter((l) => l.startsWith("wasock: denied"));
  const { greetings } = verdicts(r, steps, denials);
  return { greetings, stderr: r.stderr };
}

/** A real listener that greets every connection with `text` and closes it. */
function greeter(host: string, port: number, text: string): Promise<net.Server | undefined> {
  return new Promise((resolve) => {
    const s = net.createServer((c) => {
      c.on("error", () => {}); // a guest may reset it
      c.resume(); // read (and drop) what the guest sends, so its FIN is seen and the socket closes
      c.end(text);
    });
    s.once("error", () => resolve(undefined)); // e.g. no IPv6 here: the steps that need it are left out
    s.listen({ host, port }, () => resolve(s));
  });
}

const close = (s: net.Server | undefined): Promise<void> => new Promise((r) => (s ? s.close(() => r()) : r()));

// S1 on 127.0.0.1:P, and where this machine lets us, S2 on 127.0.0.2:P and S6 on [::1]:P. (Made
// before the suites: Deno registers no tests a describe callback adds after an await.)
const s1 = (await greeter("127.0.0.1", 0, "S1"))!;
const P = (s1.address() as net.AddressInfo).port;
const s2 = await greeter("127.0.0.2", P, "S2");
const s6 = await greeter("::1", P, "S6");
const v6 = s6 !== undefined;

describe("policy bypass attempts over real loopback (the CLI)", () => {
  for (const bridge of BRIDGES) {
    describe(`${bridge} bridge`, () => {
      test("IPv4-mapped, IPv4-compatible, 0.0.0.0, ::, other 127/8 addresses and port 0 against an IPv4 rule", async () => {
        const steps = both(
          `connect 127.0.0.1 ${P} ESUCCESS`, // the control: the rule's own address
          `connect ::ffff:127.0.0.1 ${P} ESUCCESS`, // the mapped form is that IPv4 address: allowed alike
          `connect ::ffff:127.0.0.2 ${P} EACCES`,
          `connect ::ffff:10.0.0.1 ${P} EACCES`,
          `connect ::127.0.0.1 ${P} EACCES`, // IPv4-compatible: an IPv6 address
          `connect 127.0.0.2 ${P} EACCES`,
          `connect 127.0.0.0 ${P} EACCES`,
          `connect 127.1.0.1 ${P} EACCES`,
          `connect 127.255.255.255 ${P} EACCES`,
          `connect 0.0.0.0 ${P} EACCES`, // Linux would connect it to 127.0.0.1
          `connect ::ffff:0.0.0.0 ${P} EACCES`,
          `connect :: ${P} EACCES`,
          `connect :: ${P} from ::ffff:127.0.0.1 0 EACCES`, // Linux: to 127.0.0.1
          `connect 0.0.0.0 ${P} from 127.0.0.1 0 EACCES`,
          `connect 127.0.0.1 0 EACCES`,
          `sendto 127.0.0.1 ${P} ESUCCESS`,
          `sendto ::ffff:127.0.0.1 ${P} !EACCES`,
          `sendto ::ffff:127.0.0.2 ${P} EACCES`,
          `sendto 127.0.0.2 ${P} EACCES`,
          `sendto 0.0.0.0 ${P} EACCES`,
          `sendto ::ffff:0.0.0.0 ${P} EACCES`,
          `sendto :: ${P} EACCES`,
          `sendto 127.0.0.1 0 EACCES`,
          `udp-connect 0.0.0.0 ${P} EACCES`,
          `udp-connect ::ffff:127.0.0.2 ${P} EACCES`,
        );
        const { greetings, stderr } = await cli(bridge, ["--allow-connect", `127.0.0.1:${P}`], steps);
        assert.deepEqual(greetings, [`# greeting 127.0.0.1 ${P}: S1`, `# greeting ::ffff:127.0.0.1 ${P}: S1`].flatMap((g) => [g, g]));
        // the denial names the rule that would allow it; for 0.0.0.0 / :: that is an every-address rule
        assert.match(stderr, new RegExp(`^wasock: denied connect on 0\\.0\\.0\\.0:${P}: .*\\(allow it with --allow-connect 0\\.0\\.0\\.0/0:${P}\\)$`, "m"));
        assert.match(stderr, new RegExp(`^wasock: denied connect on \\[::\\]:${P}: .*\\(allow it with --allow-connect \\*:${P}\\)$`, "m"));
        assert.match(stderr, new RegExp(`^wasock: denied connect on \\[::ffff:127\\.0\\.0\\.2\\]:${P}: .*--allow-connect 127\\.0\\.0\\.2:${P}\\)$`, "m"));
      });

      test("IPv6 rules: ::1 is not 127.0.0.1; every IPv6 address does not reach IPv4 through :: or a mapped address", async () => {
        const one = both(
          ...(v6 ? [`connect ::1 ${P} ESUCCESS`] : []),
          `connect ::ffff:127.0.0.1 ${P} EACCES`,
          `connect 127.0.0.1 ${P} EACCES`,
          `connect :: ${P} EACCES`, // Linux would connect it to ::1
          `connect ::2 ${P} EACCES`,
          `connect ::1 0 EACCES`,
          `sendto ::ffff:127.0.0.1 ${P} EACCES`,
          `sendto :: ${P} EACCES`,
        );
        const a = await cli(bridge, ["--allow-connect", `[::1]:${P}`], one);
        assert.deepEqual(a.greetings, v6 ? [`# greeting ::1 ${P}: S6`, `# greeting ::1 ${P}: S6`] : []);
        const every = both(
          ...(v6 ? [`connect ::1 ${P} ESUCCESS`] : []),
          // the bypass this found: bound to ::ffff:127.0.0.1, a connect to :: goes to IPv4 127.0.0.1
          `connect :: ${P} from ::ffff:127.0.0.1 0 EACCES`,
          `connect :: ${P} EACCES`,
          `connect ::ffff:127.0.0.1 ${P} EACCES`,
          `connect ::ffff:0.0.0.0 ${P} EACCES`,
          `sendto :: ${P} EACCES`,
          `sendto ::ffff:127.0.0.1 ${P} EACCES`,
        );
        await cli(bridge, ["--allow-connect", "[::]/0:*"], every);
      });

      test("the routes refused above are real: with every address allowed, 0.0.0.0 and :: reach 127.0.0.1", async () => {
        const steps = both(`connect 0.0.0.0 ${P} ESUCCESS`, `connect :: ${P} from ::ffff:127.0.0.1 0 ${NODE_NET ? "ESUCCESS" : "!EACCES"}`);
        const { greetings } = await cli(bridge, ["--allow-connect", `*:${P}`], steps);
        const want = [`# greeting 0.0.0.0 ${P}: S1`, ...(NODE_NET ? [`# greeting :: ${P}: S1`] : [])];
        for (const g of want) assert.equal(greetings.filter((x) => x === g).length, 2, `${g} in\n${greetings.join("\n")}`);
      });

      test("a rule for 0.0.0.0 or :: itself (what a sinkholed name resolves to) allows no connect", async () => {
        const steps = both(
          `connect 0.0.0.0 ${P} EACCES`, `connect :: ${P} EACCES`, `connect ::ffff:0.0.0.0 ${P} EACCES`,
          `connect 127.0.0.1 ${P} EACCES`, `connect 0.0.0.0 ${P} from 127.0.0.1 0 EACCES`, `sendto 0.0.0.0 ${P} EACCES`,
        );
        await cli(bridge, ["--allow-connect", `0.0.0.0:${P}`, "--allow-connect", `[::]:${P}`], steps);
      });

      test("listen: the wildcard, IPv4-mapped, other loopback addresses; port 0 where only a port is allowed", async () => {
        const one = both(
          "listen 127.0.0.1 0 ESUCCESS",
          "listen ::ffff:127.0.0.1 0 !EACCES", // the mapped form is 127.0.0.1: allowed (the host may still refuse it)
          "listen 0.0.0.0 0 EACCES", "listen :: 0 EACCES", "listen ::ffff:0.0.0.0 0 EACCES",
          "listen ::1 0 EACCES", "listen 127.0.0.2 0 EACCES", "listen ::ffff:127.0.0.2 0 EACCES",
        );
        await cli(bridge, ["--allow-listen", "127.0.0.1:*"], one);
        // only port P may be listened on (the guest never binds it: S1 has it); an ephemeral port is another port
        const port0 = both("listen 127.0.0.1 0 EACCES", "listen ::ffff:127.0.0.1 0 EACCES", "listen 0.0.0.0 0 EACCES");
        await cli(bridge, ["--allow-listen", `127.0.0.1:${P}`], port0);
        const six = both(...(v6 ? ["listen ::1 0 ESUCCESS"] : []), "listen :: 0 EACCES", "listen ::ffff:127.0.0.1 0 EACCES", "listen 127.0.0.1 0 EACCES", "listen ::ffff:0.0.0.0 0 EACCES");
        await cli(bridge, ["--allow-listen", "[::1]:*"], six);
      });

      test("names: resolving one makes none of its addresses connectable; 127.1, 2130706433, 0x7f000001 are names", async () => {
        const listed = both(
          "resolve localhost ESUCCESS",
          `connect $* ${P} EACCES`,
          `sendto $* ${P} EACCES`,
          "resolve localhost. !EACCES", // one trailing dot: the same name to the policy
          "resolve LOCALHOST !EACCES",
          // wasock parses only the strict dotted quad as a literal: these are names, and not allowed ones
          "resolve 127.1 EACCES", "resolve 2130706433 EACCES", "resolve 0x7f000001 EACCES", "resolve 0177.0.0.1 EACCES",
          "resolve 127.0.0.1. EACCES", "resolve localhost.localdomain EACCES", "resolve example.com EACCES",

          // literals need no rule, and their addresses still need a connect rule
          "resolve 127.0.0.1 ESUCCESS", `connect $0 ${P} EACCES`,
          "resolve ::ffff:127.0.0.1 ESUCCESS", `connect $0 ${P} EACCES`,
          "resolve ::1%lo ESUCCESS", `connect $0 ${P} EACCES`, // the zone is dropped
          "resolve [::1] ESUCCESS", `connect $0 ${P} EACCES`,
        );
        // A NUL ends the name a C resolver sees: WASIX's length-delimited "localhost\0.evil.org" must
        // not pass as a name below evil.org (Node 20 would look up localhost). WasmEdge's
        // getaddrinfo takes the name up to the NUL, as WasmEdge does: "localhost", allowed here.
        listed.push("wx resolve localhost\\0.evil.org EACCES", "we resolve localhost\\0.evil.org ESUCCESS", "we resolve localhos\\0t EACCES");
        const a = await cli(bridge, ["--allow-resolve=localhost,*.evil.org", "--allow-connect", `127.0.0.2:${P}`], listed);
        assert.match(a.stderr, /^wasock: denied resolving "localhost\\u0000\.evil\.org": not a host name/m);
        assert.match(a.stderr, /^wasock: denied resolving 127\.1: not allowed \(allow it with --allow-resolve=127\.1\)$/m);
        // with every name allowed, the OS resolver reads them as 127.0.0.1 (glibc's inet_aton does):
        // still not connectable without a connect rule
        const all = both(
          "resolve 127.1 !EACCES", `connect $* ${P} EACCES`,
          "resolve 2130706433 !EACCES", `connect $* ${P} EACCES`,
          "resolve 0x7f000001 !EACCES", `connect $* ${P} EACCES`,
          "resolve localhost ESUCCESS", `connect $* ${P} EACCES`,
          ...(s2 ? ["resolve 127.0.0.2 ESUCCESS", `connect $0 ${P} ESUCCESS`] : []), // the control
        );
        const b = await cli(bridge, ["--allow-resolve=*", "--allow-connect", `127.0.0.2:${P}`], all);
        assert.deepEqual(b.greetings, s2 ? [`# greeting 127.0.0.2 ${P}: S2`, `# greeting 127.0.0.2 ${P}: S2`] : []);
      });

      test("a connect rule written with a name allows the addresses it had at start, nothing near them, and no lookups", async () => {
        for (const rule of [`localhost:${P}`, `LocalHost.:${P}`]) {
          const steps = both(
            `connect 127.0.0.1 ${P} ESUCCESS`,
            `connect ::ffff:127.0.0.1 ${P} ESUCCESS`,
            `connect 127.0.0.2 ${P} EACCES`, `connect 0.0.0.0 ${P} EACCES`, `connect :: ${P} EACCES`,
            `connect 127.0.0.1 0 EACCES`, `connect 127.0.0.1 ${P === 65535 ? P - 1 : P + 1} EACCES`,
            "resolve localhost EACCES", // a connect rule is not a resolve rule
          );
          const { greetings } = await cli(bridge, ["--allow-connect", rule], steps);
          assert.equal(greetings.filter((g) => g.endsWith(": S1")).length, 4, rule);
        }
      });
    });
  }

  test("rules spelling 127.0.0.1 another way, with a zone or unbracketed IPv6 are refused at start", async () => {
    for (const [rule, why] of [
      [`127.1:${P}`, /"127\.1" is not a valid IPv4 address/],
      [`2130706433:${P}`, /"2130706433" is not a valid IPv4 address/],
      [`127.000.000.001:${P}`, /is not a valid IPv4 address/],
      [`[::1%lo]:${P}`, /a zone index/],
      [`::1:${P}`, /IPv6 addresses go in brackets/],
      [`[127.0.0.1]:${P}`, /is not an IPv6 address/],
    ] as const) {
      const r = await runCli(["run", "--allow-connect", rule, GUEST, `we connect 127.0.0.1 ${P} ESUCCESS`]);
      assert.notEqual(r.code, 0, rule);
      assert.match(r.stderr, why, rule);
      assert.doesNotMatch(r.stdout, /^ok/m, `${rule}: the guest ran`);
    }
  });

  test("the example clients (WasmEdge, WASIX): 0.0.0.0 and 127.0.0.2 refused, the name rule's address served", async () => {
    for (const client of ["examples/wasmedge-client.wasm", "examples/wasix-client.wasm"]) {
      const name = client.slice(9, -5);
      for (const [rule, target] of [[`0.0.0.0:${P}`, `0.0.0.0:${P}`], [`127.0.0.1:${P}`, `0.0.0.0:${P}`], [`localhost:${P}`, `127.0.0.2:${P}`]] as const) {
        const r = await runCli(["run", "--allow-connect", rule, wasm(client), target, "hi"]);
        assert.equal(r.code, 1, `${name} ${rule} → ${target}: ${r.stderr}`);
        assert.match(r.stderr, new RegExp(`^wasock: denied connect on ${target.replace(/\./g, "\\.")}: not allowed by any rule`, "m"));
        assert.match(r.stderr, new RegExp(`^${name}: sock_connect: Permission denied$`, "m"));
      }
      const ok = await runCli(["run", "--allow-connect", `localhost:${P}`, wasm(client), `127.0.0.1:${P}`, "hi"]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(ok.stdout, "S1", name);
    }
  });

  test("servers closed", async () => {
    await Promise.all([close(s1), close(s2), close(s6)]);
  });
});

// ---------------------------------------------------------------------------------------------
// The in-memory network: names that change between calls, addresses this machine has not got.

/** Wildcard listeners on `port` (IPv4 and IPv6: the in-memory network has one listener per family
 *  and port) that greet each connection with the address it was made to. */
function greeters(network: MemoryNetwork, port: number): void {
  for (const any of ["0.0.0.0", "::"]) network.listen(any, port).onConnection = (s: NetStream) => {
    s.write(new TextEncoder().encode(`at ${s.local.host}`));
    s.end();
  };
}

/**
 * Run the guest in-process on `network`. On each `#peer next` the next of `turns` runs (it may
 * change the network's names) and the guest is let go on.
 */
async function inMemory(network: MemoryNetwork, bridge: "jspi" | "worker", allow: AllowOptions, steps: string[], turns: (() => void)[] = []) {
  let out = "", err = "";
  const denials: string[] = [];
  let waiting: (() => void) | undefined;
  let released = 0;
  const stdin = {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        await new Promise<void>((r) => (released > 0 ? (released--, r()) : (waiting = r)));
        yield new TextEncoder().encode("\n");
      }
    },
  };
  const release = (): void => {
    const w = waiting;
    waiting = undefined;
    if (w) w();
    else released++;
  };
  let seen = 0;
  const rt = new Runtime(network, {
    args: ["policy_bypass", ...steps], bridge, allow, stdin,
    onDeny: (m) => denials.push(m),
    stderr: (d) => void (err += Buffer.from(d).toString()),
    stdout: (d) => {
      out += Buffer.from(d).toString();
      const n = out.split("\n").filter((l) => l === "#peer next").length;
      for (; seen < n; seen++) {
        turns[seen]?.();
        release();
      }
    },
  });
  const { exitCode } = await rt.run(guestBytes);
  assert.equal(seen, turns.length, `the guest waited ${seen} times, the test has ${turns.length} turns`);
  return verdicts({ code: exitCode, stdout: out, stderr: err }, steps, denials);
}

for (const bridge of BRIDGES) {
  describe(`policy bypass attempts on the in-memory network (${bridge} bridge)`, () => {
    test("a name rule resolving to several addresses allows each, and only those it had at start", async () => {
      const network = new MemoryNetwork();
      network.names.set("multi.test", ["10.0.0.1", "10.0.0.2", "::ffff:10.0.0.3"]);
      greeters(network, 80);
      const steps = [
        // the mapped answer is the IPv4 rule 10.0.0.3: reached by either spelling
        ...both("resolve multi.test ESUCCESS", "connect $* 80 ESUCCESS", "connect 10.0.0.3 80 ESUCCESS", "connect 10.0.0.4 80 EACCES", "connect ::ffff:10.0.0.4 80 EACCES"),
        "we wait", // the name now points elsewhere: the rule stays what it was
        ...both("resolve multi.test ESUCCESS", "connect $* 80 EACCES", "connect 10.0.0.1 80 ESUCCESS", "connect 10.0.0.66 80 EACCES"),
      ];
      const { greetings } = await inMemory(network, bridge, { connect: ["multi.test:80"], resolve: ["multi.test"] }, steps, [
        () => network.names.set("multi.test", ["10.0.0.66"]),
      ]);
      const at = (a: string): number => greetings.filter((g) => g.endsWith(`: at ${a}`)).length;
      assert.deepEqual([at("10.0.0.1"), at("10.0.0.2"), at("::ffff:10.0.0.3"), at("10.0.0.3"), at("10.0.0.66")], [4, 2, 2, 2, 0]);
    });

    test("DNS rebinding: what is checked is the address the guest connects to, whatever the name says now", async () => {
      const network = new MemoryNetwork();
      network.names.set("rebind.test", ["10.0.0.1"]);
      greeters(network, 80);
      const steps = [
        "wx resolve rebind.test ESUCCESS", "wx connect $0 80 ESUCCESS", // 10.0.0.1: allowed
        "wx wait", // rebound to 127.0.0.1 between the lookup and the next connect
        "wx connect $0 80 ESUCCESS", // the guest connects by address: still 10.0.0.1, never looked up again
        "wx resolve rebind.test ESUCCESS", "wx connect $0 80 EACCES", "wx sendto $0 80 EACCES", "wx udp-connect $0 80 EACCES",
        "we resolve rebind.test ESUCCESS", "we connect $0 80 EACCES",
        "we wait", // and to the unspecified address, which Linux would connect to this host
        "we resolve rebind.test ESUCCESS", "we connect $0 80 EACCES", "wx resolve rebind.test ESUCCESS", "wx sendto $0 80 EACCES",
      ];
      const { greetings } = await inMemory(network, bridge, { connect: ["10.0.0.1:80"], resolve: ["rebind.test"] }, steps, [
        () => network.names.set("rebind.test", ["127.0.0.1"]),
        () => network.names.set("rebind.test", ["0.0.0.0"]),
      ]);
      assert.deepEqual(greetings, ["# greeting 10.0.0.1 80: at 10.0.0.1", "# greeting 10.0.0.1 80: at 10.0.0.1"]);
    });

    test("a name rule whose name is later rebound does not follow it; one resolving to 0.0.0.0 opens nothing", async () => {
      const network = new MemoryNetwork();
      network.names.set("svc.test", ["10.0.0.1"]);
      network.names.set("sinkholed.test", ["0.0.0.0", "::"]);
      greeters(network, 80);
      const steps = [
        ...both("connect 10.0.0.1 80 ESUCCESS"),
        "we wait",
        ...both("connect 10.0.0.1 80 ESUCCESS", "connect 127.0.0.1 80 EACCES", "connect 0.0.0.0 80 EACCES", "connect :: 80 EACCES", "connect ::ffff:0.0.0.0 80 EACCES"),
      ];
      await inMemory(network, bridge, { connect: ["svc.test:80", "sinkholed.test:80"] }, steps, [() => network.names.set("svc.test", ["127.0.0.1"])]);
    });

    test("listen and bind: port 0 or another port where one port is allowed, the wildcard, mapped and other addresses", async () => {
      const network = new MemoryNetwork();
      const steps = both(
        "listen 127.0.0.1 8080 ESUCCESS",
        "listen 127.0.0.1 0 EACCES", "listen 127.0.0.1 8081 EACCES",
        "listen 0.0.0.0 8080 EACCES", "listen :: 8080 EACCES", "listen ::ffff:0.0.0.0 8080 EACCES",
        "listen 127.0.0.2 8080 EACCES", "listen ::1 8080 EACCES", "listen ::ffff:127.0.0.2 8080 EACCES",
        "connect 10.0.0.1 0 EACCES", "sendto 10.0.0.1 0 EACCES", "connect 10.0.0.1 80 ECONNREFUSED",
      );
      await inMemory(network, bridge, { listen: ["127.0.0.1:8080"], connect: ["10.0.0.1:1-65535"] }, steps);
      // the mapped spelling of the allowed address is that address (a fresh network: 8080 is free again)
      await inMemory(new MemoryNetwork(), bridge, { listen: ["127.0.0.1:8080"] }, ["we listen ::ffff:127.0.0.1 8080 ESUCCESS"]);
    });

    // Found here: the kernel asked the policy at listen(), connect() and send_to, never at bind(),
    // and a bound UDP socket receives from anyone — a listener in all but name. bind() asks now.
    test("UDP: binding a chosen port needs a listen rule", async () => {
      // the example UDP echo server, with no listen rule, must not get its port
      const network = new MemoryNetwork();
      let err = "";
      const rt = new Runtime(network, { args: ["udp-echo", "0.0.0.0:5353"], bridge, allow: {}, onDeny: () => {}, stdout: () => {}, stderr: (d) => void (err += Buffer.from(d).toString()) });
      const running = rt.run(readFileSync(wasm("examples/udp-echo.wasm")));
      const bound = await Promise.race([running.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 500))]);
      if (bound) rt.stop();
      assert.deepEqual(await running, { exitCode: 1 });
      assert.match(err, /^udp-echo: sock_bind failed: errno 2$/m);
      const steps = both("udp-bind 0.0.0.0 5353 EACCES", "udp-bind 127.0.0.1 5354 EACCES", "udp-bind :: 5355 EACCES");
      await inMemory(new MemoryNetwork(), bridge, { connect: ["10.0.0.1:53"] }, steps);
    });

    test("TCP: binding a chosen port before connecting needs a listen rule (binding probes the host)", async () => {
      await inMemory(new MemoryNetwork(), bridge, { connect: ["127.0.0.1:80"] }, both("connect 127.0.0.1 80 from 127.0.0.1 5000 EACCES"));
      await inMemory(new MemoryNetwork(), bridge, { connect: ["127.0.0.1:80"], listen: ["127.0.0.1:5000"] }, both("connect 127.0.0.1 80 from 127.0.0.1 5000 !EACCES").slice(0, 1));
    });

    test("UDP: a chosen port with a listen rule for it binds (the control of the test above)", async () => {
      await inMemory(new MemoryNetwork(), bridge, { listen: ["127.0.0.1:5354"] }, both("udp-bind 127.0.0.1 5354 ESUCCESS").slice(0, 1));
    });
  });
}
