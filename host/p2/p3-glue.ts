/**
 * jco's WASI 0.3 glue (jco-transpile 0.15), made to wake on events instead of timers.
 *
 * Its scheduler resumes a suspended guest task from a tick loop that polls every task's
 * readiness: started by a 10 ms timer, re-ticking after a resume on setTimeout(0) (≥ 1 ms on
 * Node) and, when nothing is ready, every 10 ms; a host reading a guest's stream or future polls
 * on setInterval (1 ms). So every wait the guest makes on an async socket call costs ~1–10 ms of
 * timers, whatever the host did; and an async-lowered import (the way a toolchain's guest calls)
 * answers the guest only after a setTimeout(0) of its own. What makes a task ready is almost
 * always an event set on one of its waitables (Waitable.setPendingEvent: a subtask's progress, a
 * stream or future copy), or a host operation settling. This rewrite wakes the waiters on those:
 *
 *  - an async-lowered import answers its status (returned, or started) on the next macrotask, not
 *    after a setTimeout(0) (jco's own note: which one it is, is a race either way). Not sooner:
 *    answered as soon as a send settles, the guest's next receive came before node:dgram had
 *    read the next datagram, and so waited (a subtask, an event, a tick) where after a turn it
 *    found it there; a UDP bulk echo took more CPU a datagram (docs/benchmarks.md);
 *  - the tick loop starts, and re-ticks after a resume, on the next macrotask (setImmediate where
 *    there is one): the resumed slice's microtasks have drained, as jco's setTimeout(0) ensured;
 *  - an idle tick loop, and a host's wait on a guest stream or future, sleep until a waitable gets
 *    an event or a host operation settles, and are woken on the microtask after it (an idle loop
 *    resumed nothing since its last turn, so single-flight holds); jco's own polls are kept as the
 *    fallback for readiness nothing announces, one shared 10 ms timer instead of a timer a wait;
 *  - two per-call costs beside the timers: _debugLog's read of process.env on every internal call
 *    (read once instead), and a list<u8> lowered into guest memory byte by byte (one copy instead);
 *  - stream<u8> bytes cross in one copy each way (the "u8 stream bytes" group below): a chunk the
 *    guest writes reaches the host as one Uint8Array copied from guest memory, where jco made a JS
 *    array of numbers of it, appended it to another, sliced that and made a Uint8Array of the
 *    slice; a chunk the host gives (a Uint8Array) is copied into guest memory as it is, where jco
 *    pushed it into a JS array number by number and sliced that twice;
 *  - a guest's read of a stream the host writes completes in the call when the host's source has
 *    bytes at once (the "host stream read at once" group), where jco always answered BLOCKED and
 *    the guest waited a scheduler turn for bytes already received;
 *  - stream copy buffers are not kept forever in a registry nothing reads (they kept every byte).
 *
 * Single-flight resumption (one task resumed per tick, then a macrotask) is jco's, untouched.
 * Each anchor is jco's code as 0.15 writes it; should a jco upgrade write any of the required ones
 * otherwise, the glue is left whole as jco wrote it (slow, still right), and test/e2e/p3-glue.test.ts
 * fails, so the upgrade is caught rather than silently slow.
 */

/** Part of a p3 transpile's cache key: bindings made before this rewrite, or by another version of it, are made again. */
export const WOKEN = "woken-ticks-15";

/** Defined once at the top of the glue module (function declarations hoist into jco's scope). */
const HELPERS = `// wasock (host/p2/p3-glue.ts): the scheduler wakes on events, not timers.
const _wasockTurn = typeof setImmediate === "function" ? (f) => setImmediate(f) : (f) => setTimeout(f, 0);
const _wasockSleepers = new Set();
let _wasockWaking = false;
function _wasockWake() {
  if (_wasockWaking || _wasockSleepers.size === 0) { return; }
  _wasockWaking = true;
  queueMicrotask(() => {
    _wasockWaking = false;
    for (const f of [..._wasockSleepers]) { f(); }
  });
}
// jco's own polling, kept as the fallback for readiness nothing announces: one 10 ms timer that
// runs while anyone sleeps and looks at every sleeper, so a sleep costs a set entry rather than
// a timer of its own. (jco: 10 ms for an idle tick loop; 1 ms for a host's wait on a guest
// stream or future, whose event setPendingEvent announces, and which looks before it sleeps.)
let _wasockPoll = null;
function _wasockSleep(f) {
  _wasockSleepers.add(f);
  if (_wasockPoll !== null) { return; }
  _wasockPoll = setInterval(() => {
    if (_wasockSleepers.size === 0) { clearInterval(_wasockPoll); _wasockPoll = null; return; }
    for (const g of [..._wasockSleepers]) { g(); }
  }, 10);
}
function _wasockIdle() {
  return new Promise((resolve) => {
    const done = () => { _wasockSleepers.delete(done); resolve(); };
    _wasockSleep(done);
  });
}
// A host-owned stream buffer's elements: a JS array, or (u8 from guest memory) one Uint8Array.
// Given the buffer's capacity, the array joining two chunks has room for more (twice what it
// holds, up to the capacity): a host read taking several of the guest's writes copies each about
// once. Its bytes past the end are no one's: only an append writes there.
const _wasockGrowable = new WeakSet();
function _wasockAppend(a, b, capacity = 0) {
  if (!(a instanceof Uint8Array) && !(b instanceof Uint8Array)) { return a.concat(b); }
  if (a.length === 0 && b instanceof Uint8Array) { return b; }
  const length = a.length + b.length;
  if (a instanceof Uint8Array && _wasockGrowable.has(a.buffer) && a.byteOffset + length <= a.buffer.byteLength) {
    new Uint8Array(a.buffer, a.byteOffset + a.length, b.length).set(b);
    return new Uint8Array(a.buffer, a.byteOffset, length);
  }
  const out = new Uint8Array(Math.max(length, Math.min(capacity, 2 * length)));
  out.set(a);
  out.set(b, a.length);
  if (out.length === length) { return out; }
  _wasockGrowable.add(out.buffer);
  return out.subarray(0, length);
}
// (What is left once all is read is no view of the bytes read: a buffer that outlives its read keeps nothing.)
const _wasockEmpty = new Uint8Array(0);
function _wasockSplit(data, count) {
  if (!(data instanceof Uint8Array)) { return [data.slice(0, count), data.slice(count)]; }
  return count === data.length ? [data, _wasockEmpty] : [data.subarray(0, count), data.subarray(count)];
}
// A host stream's chunk now, when it has one (host/abi/p3/streams.ts, ByteSource's READ_NOW).
const _wasockReadNow = Symbol.for("wasock.p3.readNow");
// (What it waits for may be there already: jco's own wait first looked after a 1 ms interval.)
function _wasockUntil(ready) {
  if (ready()) { return Promise.resolve(); }
  return new Promise((resolve) => {
    const check = () => {
      if (!ready()) { return; }
      _wasockSleepers.delete(check);
      resolve();
    };
    _wasockSleep(check);
  });
}
`;

interface Anchor {
  name: string;
  find: RegExp;
  to: string;
  /** Must match (exactly once); the others are rewritten wherever they occur. */
  required: boolean;
  /** Anchors that only work together: rewritten only when every one of the group matches. */
  group?: string;
  /** Not rewritten when the glue matches this. */
  unless?: RegExp;
}

/**
 * u8 stream bytes: a chunk the guest writes to a stream<u8> is taken from guest memory as one
 * Uint8Array copy (never a view: the guest reuses its buffer), kept as it is by the host's read
 * buffer (which must accept it, append it and split it), and handed to the host as that array.
 * The other way, the host's Uint8Array chunks are drained from jco's queue as views (joined only
 * when one read takes several), carried by its write and buffer as they are, and set into guest
 * memory in one copy.
 */
const U8_STREAM = "u8 stream bytes";

/**
 * Host stream reads at once: a guest's stream.read of a stream the host writes (TCP receive)
 * pulled the host's source only after a wait (jco's injected write awaits the source's next()),
 * so every read answered BLOCKED, and the guest waited in its waitable set for a turn of the
 * scheduler even with the bytes already received. A source that can answer at once (wasock's
 * ByteSource, through the READ_NOW symbol) is asked first: when it has a chunk, the write into
 * the guest's buffer is made in the call and the read completes in it. And a read given values
 * already drained from what the source gave before is answered with them, instead of waiting on
 * the source for more (which, for a socket, waits for the peer to send again).
 */
const READ_NOW = "host stream read at once";

const ANCHORS: Anchor[] = [
  {
    name: "tick loop start (setTimeout 10)",
    find: /setTimeout\(async \(\) => \{(\s*let result = this\.tick\(\);[\s\S]*?this\.#tickLoop = null;\s*)\}, 10\);/g,
    to: "_wasockTurn(async () => {$1});",
    required: true,
  },
  {
    name: "tick loop re-tick (setTimeout delay)",
    find: /await new Promise\(\(resolve\) => setTimeout\(resolve, delay\)\);/g,
    to: "await (delay === 0 ? new Promise((resolve) => _wasockTurn(resolve)) : _wasockIdle());",
    required: true,
  },
  {
    name: "Waitable.setPendingEvent",
    find: /(setPendingEvent\(fn\) \{\s*_debugLog\('\[Waitable#setPendingEvent\(\)\] args', \{[^}]*\}\);\s*this\.#pendingEventFn = fn;)/g,
    to: "$1\n        _wasockWake();",
    required: true,
  },
  {
    name: "host operation settled",
    find: /(STORE_ASYNC_STATE\.pendingHostOperations--;[\s\S]{0,300}?for \(const state of ASYNC_STATE\.values\(\)\) \{ state\.runTickLoop\(\); \})/g,
    to: "$1\n    _wasockWake();",
    required: true,
  },
  {
    // _lowerImport's async-lowered return: the status (returned, or started with its subtask) is
    // given after a timer, so an import that settles at once can report itself returned. jco
    // notes the race is CABI-legal either way; the next turn gives the import the same chance.
    name: "async-lowered import's return (setTimeout)",
    find: /(return new Promise\(\(resolve, reject\) => \{\s*)setTimeout\(\(\) => \{(\s*\/\/ NOTE: whether the import settled before this timer fires[\s\S]*?resolve\(res\);\s*\} catch \(err\) \{\s*reject\(err\);\s*\}\s*)\}, 0\);/g,
    to: "$1_wasockTurn(() => {$2});",
    required: false,
  },
  {
    // Every stream copy's ManagedBuffer is registered in BUFFER_MGR and never deleted, though
    // nothing looks one up (getBuffer is never called): each buffer, and with it the bytes it
    // carried, lived as long as the process (a TCP echo kept every byte it moved). Not
    // registered, a buffer lives as long as its copy. Applied only while no glue calls getBuffer.
    name: "stream buffers registered forever",
    find: /instanceBuffers\.set\(nextBufID, buffer\);/g,
    to: "// wasock (p3-glue.ts): not registered; nothing looks a buffer up, and deleteBuffer is never called.",
    required: false,
    unless: /\.getBuffer\(/,
  },
  {
    // Every one of jco's internal calls logs through _debugLog, which reads process.env.JCO_DEBUG
    // each time (a call into the host's environment: a fifth of the CPU of a bulk echo). Read
    // once, when the glue loads: JCO_DEBUG set later in the process is not seen.
    name: "_debugLog (process.env read per call)",
    find: /const _debugLog = \(\.\.\.args\) => \{\s*if \(!globalThis\?\.process\?\.env\?\.JCO_DEBUG\) \{ return; \}\s*console\.debug\(\.\.\.args\);\s*\};/g,
    to: "const _debugLog = globalThis?.process?.env?.JCO_DEBUG ? (...args) => { console.debug(...args); } : () => {};",
    required: false,
  },
  {
    // A list<u8> the host returns (a datagram received) is lowered into guest memory one element
    // at a time: a one-byte array and a DataView per byte. A u8 element is a byte either way;
    // Uint8Array.set converts each number as setUint8 does (modulo 256) and throws RangeError
    // out of bounds as DataView does.
    name: "list<u8> lowered byte by byte",
    find: /(const dataPtr = ctx\.realloc\(0, 0, elemAlign32, elemSize32 \* elems\.length\);[\s\S]{0,300}?ctx\.storagePtr = dataPtr;\s*)(for \(const \[idx, elem\] of elems\.entries\(\)\) \{\s*const elemPtr = dataPtr \+ idx \* elemSize32;\s*ctx\.storagePtr = elemPtr;\s*ctx\.vals = \[elem\];\s*elemLowerFn\(ctx\);\s*ctx\.storagePtr = Math\.max\(ctx\.storagePtr, elemPtr \+ elemSize32\);\s*\})/g,
    to: "$1if (typeof _lowerFlatU8 === 'function' && elemLowerFn === _lowerFlatU8) { new Uint8Array(ctx.memory.buffer, dataPtr, elems.length).set(elems); } else $2",
    required: false,
  },
  {
    name: "u8 stream chunk taken from guest memory as an array of numbers",
    find: /values = Array\.from\(new Uint8Array\(this\.#memory\.buffer, this\.#ptr, count\)\);/g,
    to: "values = new Uint8Array(this.#memory.buffer, this.#ptr, count).slice();",
    required: false,
    group: U8_STREAM,
  },
  {
    name: "stream buffer write takes only arrays",
    find: /if \(!Array\.isArray\(values\)\) \{ throw new TypeError\('values input to write\(\) must be an array'\); \}/g,
    to: "if (!Array.isArray(values) && !(values instanceof Uint8Array)) { throw new TypeError('values input to write() must be an array'); }",
    required: false,
    group: U8_STREAM,
  },
  {
    name: "host-owned stream buffer appends with concat",
    find: /this\.#hostOnlyData = this\.#hostOnlyData\.concat\(values\);/g,
    to: "this.#hostOnlyData = _wasockAppend(this.#hostOnlyData, values, this.capacity);",
    required: false,
    group: U8_STREAM,
  },
  {
    name: "host-owned stream buffer read slices twice",
    find: /values = this\.#hostOnlyData\.slice\(0, count\);\s*this\.#hostOnlyData = this\.#hostOnlyData\.slice\(count\);/g,
    to: "[values, this.#hostOnlyData] = _wasockSplit(this.#hostOnlyData, count);",
    required: false,
    group: U8_STREAM,
  },
  {
    name: "host stream read makes a typed array of the values",
    find: /const value = typedArray === undefined \? count === 1 \? values\[0\] : values : new typedArray\(values\);/g,
    to: "const value = typedArray === undefined ? count === 1 ? values[0] : values : values instanceof typedArray ? values : new typedArray(values);",
    required: false,
    group: U8_STREAM,
  },
  {
    name: "host stream chunks drained into an array element by element",
    find: /drainInto\(target, maxCount\) \{(\s*)let transferred = 0;/g,
    to: `drainInto(target, maxCount, setTarget) {$1if (setTarget !== undefined && (target instanceof Uint8Array || (target.length === 0 && this.#chunks[0] instanceof Uint8Array))) {
          let bytes = target;
          let got = 0;
          let want = Math.min(maxCount, this.#length);
          while (want > 0) {
            const chunk = this.#chunks[0];
            const take = Math.min(want, chunk.length - this.#offset);
            const part = chunk instanceof Uint8Array ? chunk.subarray(this.#offset, this.#offset + take) : Uint8Array.from(chunk.slice(this.#offset, this.#offset + take));
            bytes = _wasockAppend(bytes, part);
            this.#offset += take;
            this.#length -= take;
            got += take;
            want -= take;
            if (this.#offset === chunk.length) { this.#chunks.shift(); this.#offset = 0; }
          }
          setTarget(bytes);
          return got;
        }$1let transferred = 0;`,
    required: false,
    group: U8_STREAM,
  },
  {
    name: "host stream inject: its values a constant array",
    find: /const values = \[\];(\s*const hasPendingReadBuffer = )/g,
    to: "let values = [];$1",
    required: false,
    group: U8_STREAM,
  },
  {
    name: "host stream inject: draining its values",
    find: /count -= pendingValues\.drainInto\(values, count\);/g,
    to: "count -= pendingValues.drainInto(values, count, (v) => { values = v; });",
    required: false,
    group: U8_STREAM,
  },
  {
    name: "host stream write takes only arrays",
    find: /if \(!Array\.isArray\(values\)\) \{ throw new TypeError\("writeMany values must be an array"\); \}/g,
    to: 'if (!Array.isArray(values) && !(values instanceof Uint8Array)) { throw new TypeError("writeMany values must be an array"); }',
    required: false,
    group: U8_STREAM,
  },
  {
    name: "host-owned stream buffer made only of an array",
    find: /if \(args\.data !== undefined && !Array\.isArray\(args\.data\)\) \{/g,
    to: "if (args.data !== undefined && !Array.isArray(args.data) && !(args.data instanceof Uint8Array)) {",
    required: false,
    group: U8_STREAM,
  },
  {
    name: "host stream source: its read at once",
    find: /(readFn = \(\) => asyncIterator\.next\(\);)/g,
    to: "$1\n        readFn.readNow = typeof asyncIterator[_wasockReadNow] === 'function' ? () => asyncIterator[_wasockReadNow]() : undefined;",
    required: false,
    group: READ_NOW,
  },
  {
    name: "host stream queue: a read at once",
    find: /(\n[ \t]*)(async readSource\(\) \{\s*if \(!this\.#sourceReadPromise\) \{)/g,
    to: "$1readNow() {$1  if (this.#sourceReadPromise || this.#done || !this.#readFn.readNow) { return false; }$1  const res = this.#readFn.readNow();$1  if (res === undefined) { return false; }$1  this.appendReadValue(res.value);$1  this.#done = !!res.done;$1  return true;$1}$1$2",
    required: false,
    group: READ_NOW,
  },
  {
    name: "host stream inject: waits for the source even with values to give",
    find: /drainPendingValues\(\);(\s*)while \(count > 0 && !pendingValues\.done\) \{(\s*const appended = await pendingValues\.readSource\(\);)/g,
    to: "drainPendingValues();$1if (count > 0 && values.length === 0 && pendingValues.readNow()) { drainPendingValues(); }$1while (count > 0 && !pendingValues.done && (values.length === 0 || pendingValues.sourceIsSync)) {$2",
    required: false,
    group: READ_NOW,
  },
  {
    name: "host wait on a guest stream or future (setInterval)",
    find: /await new Promise\(\(resolve\) => \{\s*let waitInterval = setInterval\((?:async )?\(\) => \{\s*if \(!this\.hasPendingEvent\(\)\) \{ return; \}\s*clearInterval\(waitInterval\);\s*resolve\(\);\s*\}\);\s*\}\);/g,
    to: "await _wasockUntil(() => this.hasPendingEvent());",
    required: false,
  },
];

/** The required anchors `js` lacks (or has more than once): empty when wakeTicks applies. */
export function wakeTicksMisses(js: string): string[] {
  return ANCHORS.filter((a) => a.required && (js.match(a.find)?.length ?? 0) !== 1).map((a) => a.name);
}

/** The groups of anchors `js` lacks a member of (those groups are not rewritten). */
export function wakeTicksGroupMisses(js: string): string[] {
  const groups = new Set(ANCHORS.flatMap((a) => (a.group ? [a.group] : [])));
  return [...groups].filter((g) => ANCHORS.some((a) => a.group === g && (js.match(a.find)?.length ?? 0) === 0));
}

/** jco's p3 glue waking on events (above); the glue as it was when any required anchor is missing. */
export function wakeTicks(js: string): string {
  if (wakeTicksMisses(js).length > 0 || !js.includes("class ComponentAsyncState")) return js;
  const skipped = new Set(wakeTicksGroupMisses(js));
  let out = js;
  for (const a of ANCHORS) {
    if (a.group !== undefined && skipped.has(a.group)) continue;
    if (a.unless?.test(js)) continue;
    out = out.replace(a.find, a.to);
  }
  return HELPERS + out;
}
