/**
 * `wasock run <module.wasm>`: reading the module file. Only a regular file is read (a device, a
 * FIFO or a socket could be read without end, or block), its header is checked before the rest
 * is read, and no more than MAX_MODULE_BYTES are read. Each refusal is one line's message.
 */
import { closeSync, fstatSync, openSync, readSync, statSync, type Stats } from "node:fs";
import { isComponent } from "../p2/detect.js";
import { importTypeMismatch } from "../bridge/link.js";

/** The largest module read: V8's own limit on a WebAssembly module's size (1 GiB). */
export const MAX_MODULE_BYTES = 1024 * 1024 * 1024;

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** What a path that is not a regular file is, for the message. */
function kind(st: Stats): string {
  if (st.isDirectory()) return "a directory";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isFIFO()) return "a FIFO";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

/** A refusal for a file that is not a regular one of a module's size, else undefined. */
function refuse(path: string, st: Stats): string | undefined {
  if (st.isDirectory()) return `${path}: is a directory, not a .wasm file`;
  if (!st.isFile()) return `${path}: not a regular file (${kind(st)}), not a .wasm file`;
  if (st.size > MAX_MODULE_BYTES) return `${path}: too large for a WebAssembly module (${st.size} bytes; at most ${MAX_MODULE_BYTES})`;
  return undefined;
}

/** Read `n` bytes from `fd` at `pos` (fewer if the file ends first). */
function readAt(fd: number, n: number, pos: number): Uint8Array {
  const buf = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const r = readSync(fd, buf, got, n - got, pos + got);
    if (r === 0) break;
    got += r;
  }
  return buf.subarray(0, got);
}

/** The module file's bytes, or the message saying why it cannot be. */
function readModule(path: string): Uint8Array | string {
  let fd: number | undefined;
  try {
    // stat before open: opening a FIFO blocks until a writer comes.
    const first = refuse(path, statSync(path));
    if (first !== undefined) return first;
    fd = openSync(path, "r");
    const st = fstatSync(fd); // what was opened, should the path have changed since
    const again = refuse(path, st);
    if (again !== undefined) return again;
    const head = readAt(fd, 8, 0);
    if (head.length < 8 || WASM_MAGIC.some((b, i) => head[i] !== b)) return `${path}: not a WebAssembly file (no \\0asm header)`;
    const bytes = new Uint8Array(st.size);
    bytes.set(head);
    const rest = readAt(fd, st.size - 8, 8);
    bytes.set(rest, 8);
    return bytes.subarray(0, 8 + rest.length);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return `${path}: no such file`;
    if (code === "EISDIR") return `${path}: is a directory, not a .wasm file`;
    return `${path}: cannot read (${code ?? String(e)})`;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Load and validate the module: one clear line for a missing, unreadable or non-WASM file, checked
 * here so a bad module is one line before any listener opens. run() compiles the bytes itself
 * (with yield points added: util/turns.ts).
 */
export function load(path: string): Uint8Array | string {
  const bytes = readModule(path);
  if (typeof bytes === "string") return bytes;
  if (isComponent(bytes)) return bytes; // transpiled (and validated) by jco when it runs
  if (!WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)) {
    try {
      new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>); // only for its message
    } catch (e) {
      return `${path}: invalid WebAssembly module: ${(e as Error).message}`;
    }
  }
  const mismatch = importTypeMismatch(bytes);
  return mismatch === undefined ? bytes : `${path}: ${mismatch}`;
}
