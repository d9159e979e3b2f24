#!/usr/bin/env node
// Bundles the `wasock` command (dist/host/cli/main.js, from tsc) and the worker bridge's two
// thread entries into dist/cli/ with esbuild, so a launch loads a handful of files instead of ~80
// modules: resolving and linking each module costs the ESM loader ~0.5 ms, and that was most of
// the start-up time wasock added to node's own (auto.js alone: ~50 ms unbundled, ~17 ms bundled;
// Node 26, compile cache on). The library (dist/host) stays unbundled.
//
// Code loaded only on demand (the worker bridge, components, --workers' primary) becomes chunks
// the entries share, loaded when first needed. The output is flat, so the worker host's
// `new URL("./worker-guest.js", import.meta.url)` finds the bundled thread entries beside it, as
// it finds the unbundled ones in dist/host/bridge/. commander is bundled too (so it is only a
// devDependency, and the package does not ship tsc's unbundled dist/host/cli/); jco-transpile
// (loaded only for a component, ~100 MB installed, an optional peer) stays an import resolved from
// node_modules.
import { build } from "esbuild";
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist", "cli");
rmSync(outdir, { recursive: true, force: true });

await build({
  entryPoints: ["host/cli/main.js", "host/bridge/worker-guest.js", "host/p2/component-worker.js"].map((p) => join(root, "dist", p)),
  outdir,
  entryNames: "[name]",
  chunkNames: "chunk-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: ["@bytecodealliance/*"],
  // commander is CommonJS and require()s node's built-ins; an ESM bundle has no require of its own.
  banner: { js: 'import { createRequire as __wasockRequire } from "node:module"; const require = __wasockRequire(import.meta.url);' },
  // No source maps: the package ships none (they were 2.0 MB of its 3.6 MB unpacked); nothing reads them.
  sourcemap: false,
  logLevel: "warning",
});
