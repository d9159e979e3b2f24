/**
 * The native peers, built at bench time by bench/native/build.sh into the temp dir when gcc is
 * on PATH (rebuilt when a source is newer than the binaries).
 */
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root, versionOf, which } from "./env.js";

export interface NativeBuild {
  dir: string;
  compiler: string;
}

const OUTPUTS = ["http-hello", "http-hello-16k", "echo-blocking", "calls-core"];
const SOURCES = ["bench/native/build.sh", "bench/native/listen-shim.c", "bench/guests/variants.sh", "examples/c/http-hello.c", "examples/c/echo-blocking.c", "bench/guests/calls-core.c"];

/** Build (or reuse) the native binaries; a string is why there are none. */
export function buildNative(): NativeBuild | string {
  const cc = process.env.CC ?? "gcc";
  if (!which(cc)) return `${cc} not on PATH (apt-get install gcc)`;
  const dir = join(tmpdir(), "wasock-bench-native");
  const newest = Math.max(...SOURCES.map((s) => statSync(join(root, s)).mtimeMs));
  const fresh = OUTPUTS.every((o) => existsSync(join(dir, o)) && statSync(join(dir, o)).mtimeMs >= newest);
  if (!fresh) {
    const r = spawnSync("bash", [join(root, "bench/native/build.sh"), dir], { encoding: "utf8", env: { ...process.env, CC: cc } });
    if (r.status !== 0) return `native build failed: ${r.stderr.trim().split("\n").slice(-3).join(" / ")}`;
  }
  return { dir, compiler: versionOf(cc, ["--version"]) ?? cc };
}
