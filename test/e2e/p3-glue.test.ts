import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { hasJspi } from "../../host/bridge/jspi.js";
import { Runtime } from "../../host/entries/node.js";
import { wakeTicks, wakeTicksGroupMisses, wakeTicksMisses } from "../../host/p2/p3-glue.js";
import { ROOT } from "../helpers/guest.js";

/**
 * host/p2/p3-glue.ts rewrites jco's WASI 0.3 glue to wake its scheduler on events instead of
 * timers. Its anchors are jco-transpile 0.15's code: should an upgrade write any of them
 * otherwise, the rewrite leaves the glue as jco wrote it (right but ~ms per call), and the first
 * test here fails, so the upgrade is caught, not silently slow. The second runs a guest through
 * the rewritten glue: bench/guests/p3-udp-echo.wat, whose every datagram is two 0.3 async calls
 * (lowered sync, and async).
 */
const skip = hasJspi() ? false : "WASI 0.3 components need JSPI (Node ≥ 24.20, Deno, Bun): this engine has none";

async function component(name: string, world: string): Promise<Uint8Array> {
  const { parse, componentEmbed, componentNew } = await import("@bytecodealliance/jco-transpile/wasm-tools");
  const core = await parse(readFileSync(join(ROOT, `${name}.wat`), "utf8"));
  const wit = readFileSync(join(ROOT, `${name}.wit`), "utf8");
  return componentNew(await componentEmbed({ binary: core, witSource: wit, world } as Parameters<typeof componentEmbed>[0]));
}

/** jco's glue for a 0.3 component, as wasock transpiles it (JSPI async mode), before any rewrite. */
async function jcoGlue(bytes: Uint8Array): Promise<string> {
  const { transpileBytes } = await import("@bytecodealliance/jco-transpile");
  const { files } = await transpileBytes(bytes, { name: "component", instantiation: "async", noTypescript: true, wasiShim: false, asyncMode: "jspi" } as Parameters<typeof transpileBytes>[1]);
  return new TextDecoder().decode(files["component.js"]);
}

describe("jco's 0.3 glue wakes on events (host/p2/p3-glue.ts)", () => {
  test("every anchor the rewrite needs is in jco's 0.3 glue, and the rewrite applies", async () => {
    const js = await jcoGlue(await component("bench/guests/p3-udp-echo", "echo"));
    assert.deepEqual(wakeTicksMisses(js), []);
    const out = wakeTicks(js);
    assert.notEqual(out, js);
    // No timer-driven tick left: the loop starts and re-ticks on a turn, idles on a wake.
    assert.doesNotMatch(out, /setTimeout\(resolve, delay\)|\}, 10\);\s*\}\s*tick\(\)/);
    assert.match(out, /_wasockWake\(\);/);
    // A wake runs on the microtask after the event, and jco's fallback polls share one timer
    // a cadence: no wait makes a timer of its own.
    assert.match(out, /function _wasockWake\(\) \{[^}]*\{ return; \}\s*_wasockWaking = true;\s*queueMicrotask\(/);
    assert.doesNotMatch(out, /setInterval\(check\)|setTimeout\(done, ms\)/);
    assert.equal(out.match(/: _wasockIdle\(\)\);/g)?.length, 1);
    // A host's wait on a guest stream looks first: the event may be there already (a wait that
    // did not would sit until the fallback poll, as sockets-echo's first read did).
    assert.match(out, /function _wasockUntil\(ready\) \{\s*if \(ready\(\)\) \{ return Promise\.resolve\(\); \}/);
    // An async-lowered call answers the guest on the next turn, not after a timer.
    assert.match(js, /\/\/ NOTE: whether the import settled before this timer fires/);
    assert.doesNotMatch(out, /setTimeout\(\(\) => \{\s*\/\/ NOTE: whether the import settled/);
    // _debugLog reads the environment once; a received datagram's list<u8> is lowered in one copy.
    assert.match(js, /if \(!globalThis\?\.process\?\.env\?\.JCO_DEBUG\) \{ return; \}/);
    assert.doesNotMatch(out, /if \(!globalThis\?\.process\?\.env\?\.JCO_DEBUG\) \{ return; \}/);
    assert.equal(out.match(/elemLowerFn === _lowerFlatU8\) \{ new Uint8Array/g)?.length, 1);
  });

  test("stream<u8> bytes cross in one copy each way (the u8 stream group applies to a TCP component's glue)", async () => {
    const js = await jcoGlue(await component("bench/guests/p3-tcp-echo", "echo"));
    assert.deepEqual(wakeTicksMisses(js), []);
    assert.deepEqual(wakeTicksGroupMisses(js), []);
    const out = wakeTicks(js);
    // Taken from guest memory as one Uint8Array copy, not an array of numbers.
    assert.match(js, /values = Array\.from\(new Uint8Array\(this\.#memory\.buffer, this\.#ptr, count\)\);/);
    assert.doesNotMatch(out, /Array\.from\(new Uint8Array\(this\.#memory\.buffer/);
    assert.equal(out.match(/new Uint8Array\(this\.#memory\.buffer, this\.#ptr, count\)\.slice\(\)/g)?.length, 1);
    // The host's read buffer keeps it, splits it without copying, and hands it on as it is.
    assert.equal(out.match(/_wasockAppend\(this\.#hostOnlyData, values, this\.capacity\)/g)?.length, 1);
    assert.equal(out.match(/_wasockSplit\(this\.#hostOnlyData, count\)/g)?.length, 1);
    assert.match(out, /values instanceof typedArray \? values : new typedArray\(values\)/);
    // The other way: the host's Uint8Array chunks are drained as views, not number by number,
    // and jco's write and buffer take them as they are.
    assert.match(js, /target\.push\(chunk\[this\.#offset \+ i\]\);/);
    assert.equal(out.match(/drainInto\(target, maxCount, setTarget\) \{\s*if \(setTarget !== undefined/g)?.length, 1);
    assert.equal(out.match(/count -= pendingValues\.drainInto\(values, count, \(v\) => \{ values = v; \}\);/g)?.length, 1);
    assert.equal(out.match(/let values = \[\];\s*const hasPendingReadBuffer/g)?.length, 1);
    assert.equal(out.match(/!\(values instanceof Uint8Array\)\) \{ throw new TypeError\("writeMany/g)?.length, 1);
    assert.equal(out.match(/!\(args\.data instanceof Uint8Array\)\) \{/g)?.length, 1);
    // A guest's read of a host stream asks the source for a chunk at once before it waits, and
    // values already drained are given without waiting on the source for more.
    assert.match(js, /while \(count > 0 && !pendingValues\.done\) \{\s*const appended = await pendingValues\.readSource\(\);/);
    assert.equal(out.match(/readFn\.readNow = typeof asyncIterator\[_wasockReadNow\] === 'function'/g)?.length, 1);
    assert.equal(out.match(/readNow\(\) \{\s*if \(this\.#sourceReadPromise \|\| this\.#done/g)?.length, 1);
    assert.equal(out.match(/if \(count > 0 && values\.length === 0 && pendingValues\.readNow\(\)\) \{ drainPendingValues\(\); \}\s*while \(count > 0 && !pendingValues\.done && \(values\.length === 0 \|\| pendingValues\.sourceIsSync\)\) \{/g)?.length, 1);
    // Stream buffers are not registered forever: nothing looks one up.
    assert.doesNotMatch(js, /\.getBuffer\(/);
    assert.equal(js.match(/instanceBuffers\.set\(nextBufID, buffer\);/g)?.length, 1);
    assert.doesNotMatch(out, /instanceBuffers\.set\(/);
  });

  test("a glue that looks its stream buffers up keeps registering them", async () => {
    const js = (await jcoGlue(await component("bench/guests/p3-tcp-echo", "echo"))) + "\nBUFFER_MGR.getBuffer(0, 1n);";
    assert.match(wakeTicks(js), /instanceBuffers\.set\(nextBufID, buffer\);/);
  });

  test("the u8 stream group is all or nothing: glue missing one of its anchors keeps jco's arrays", async () => {
    const js = (await jcoGlue(await component("bench/guests/p3-tcp-echo", "echo"))).replace("this.#hostOnlyData = this.#hostOnlyData.concat(values);", "this.#hostOnlyData = [...this.#hostOnlyData, ...values];");
    assert.deepEqual(wakeTicksGroupMisses(js), ["u8 stream bytes"]);
    const out = wakeTicks(js);
    assert.notEqual(out, js); // the rest still applies
    assert.match(out, /values = Array\.from\(new Uint8Array\(this\.#memory\.buffer, this\.#ptr, count\)\);/);
    assert.doesNotMatch(out, /_wasockSplit\(this/);
  });

  test("glue that lacks an anchor is left as jco wrote it", () => {
    const js = "class ComponentAsyncState { async runTickLoop() { setTimeout(() => {}, 10); } }";
    assert.equal(wakeTicks(js), js);
    assert.equal(wakeTicksMisses(js).length, 4);
  });

  for (const lower of ["sync", "async"]) test(`a UDP echo of 0.3 async calls (${lower}-lowered) answers every datagram through the rewritten glue`, { skip }, async () => {
    const bytes = await component("bench/guests/p3-udp-echo", "echo");
    const probe = createSocket("udp4");
    await new Promise<void>((r) => probe.bind(0, "127.0.0.1", r));
    const port = probe.address().port;
    probe.close();
    const rt = new Runtime({ args: ["echo", ...(lower === "async" ? ["async"] : []), String(port)], allow: { listen: ["127.0.0.1:*"], connect: ["127.0.0.1:*"] }, stderr: () => {} });
    const ran = rt.run(bytes);
    const sock = createSocket("udp4");
    try {
      let next = 0; // the datagram awaited: each carries its number, sent once the one before is back
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${next} echoes after 20 s`)), 20_000);
        // Until the guest is bound, pings go nowhere: the first is resent until it answers.
        const retry = setInterval(() => next === 0 && sock.send("0", port, "127.0.0.1"), 100);
        sock.on("message", (m) => {
          if (m.toString() !== String(next)) return; // a resent first ping's second echo
          if (++next === 200) {
            clearTimeout(timer);
            clearInterval(retry);
            return resolve();
          }
          sock.send(String(next), port, "127.0.0.1");
        });
        sock.send("0", port, "127.0.0.1");
      });
      assert.equal(next, 200);
    } finally {
      sock.close();
      rt.stop();
    }
    // Its receive fails once the runtime closes the socket: exit 2, as the .wat says.
    assert.equal((await ran).exitCode, 2);
  });
});
