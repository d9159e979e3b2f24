/** A component's preamble: `\0asm`, version 0x0d, layer 1 (a core module has version 1, layer 0). */
export function isComponent(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d &&
    bytes[4] === 0x0d && bytes[5] === 0 && bytes[6] === 1 && bytes[7] === 0;
}

/** Component section ids: imports (what the host must give) and exports (a 0.3 `run`). */
const IMPORT_SECTION = 10;
const EXPORT_SECTION = 11;
const P3_MARK = new TextEncoder().encode("@0.3.");

function leb(bytes: Uint8Array, at: number): [value: number, next: number] {
  let v = 0;
  let shift = 0;
  for (;;) {
    if (at >= bytes.length) return [-1, at];
    const b = bytes[at++]!;
    v += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [v, at];
    shift += 7;
    if (shift > 35) return [-1, at];
  }
}

function contains(bytes: Uint8Array, from: number, to: number, needle: Uint8Array): boolean {
  outer: for (let i = from; i + needle.length <= to; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** Whether one of the top-level sections with an id of `ids` holds `needle` (each section is skipped by its size). */
function topLevelHas(bytes: Uint8Array, ids: readonly number[], needle: Uint8Array): boolean {
  if (!isComponent(bytes)) return false;
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at]!;
    const [size, body] = leb(bytes, at + 1);
    if (size < 0 || body + size > bytes.length) return false;
    if (ids.includes(id) && contains(bytes, body, body + size, needle)) return true;
    at = body + size;
  }
  return false;
}

/**
 * A WASI 0.3 component: one of its top-level imports or exports names a `@0.3.` interface (a
 * command that imports only 0.2 but exports `wasi:cli/run@0.3.0` is one: jco's glue for its run is
 * 0.3's). Only the top level's import and export sections are read (each section is skipped by
 * its size, nested components and core modules too), so a string in the guest's data or a nested
 * component's own imports do not count. Reading a 3 MB component's section headers takes µs.
 */
export function isP3Component(bytes: Uint8Array): boolean {
  return topLevelHas(bytes, [IMPORT_SECTION, EXPORT_SECTION], P3_MARK);
}

/**
 * Whether the component imports an interface whose versioned name starts with `prefix` (as
 * `wasi:filesystem/types@0.3.`), read as isP3Component reads: the top-level import section only.
 */
export function importsInterface(bytes: Uint8Array, prefix: string): boolean {
  return topLevelHas(bytes, [IMPORT_SECTION], new TextEncoder().encode(prefix));
}
