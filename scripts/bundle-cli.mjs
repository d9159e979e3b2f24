#!/usr/bin/env node
// Bundles the `wasock` command (dist/host/cli/main.js, from tsc) and the worker bridge's two
// thread entries into dist/cli/ with esbuild, so a launch loads a handful of files instead of ~80
// modules: resolving and linking each module costs the ESM loader ~0.5 ms, and that was most of
// the start-up time wasock added to node's own (auto.js alone: ~50 ms unbundled, ~17 ms bundled;
// Node 26, compile cache on). The library (dist/host) stays unbundled.
//
// Code loaded only on demand (the worker bridge, components, --workers' primary, commander)
// becomes chunks the entries share, loaded when first needed. (Bundled apart, each thread entry
// whole, the command's start-up read 10 files instead of 15 and measured no faster, for 280 KB
// more of dist/cli.) The output is flat, so the worker host's `new URL("./worker-guest.js",
// import.meta.url)` finds the bundled thread entry beside it, as it finds the unbundled one in
// dist/host/bridge/. commander is bundled too (so it is only a devDependency, and the package
// does not ship tsc's unbundled dist/host/cli/); jco-transpile (loaded only for a component,
// ~100 MB installed, an optional peer) stays an import resolved from node_modules.
//
// Two more things a launch would otherwise pay for:
// - Node's built-in modules are taken with require(), not import: an `import … from "node:fs"`
//   makes Node build an ES module facade of node:fs, which reads every export, and node:fs's
//   lazy ones (promises, ReadStream, …) then load node's file streams and fs/promises (~3 ms).
// - Whitespace and comments are left out: the comments hold non-ASCII characters (→, …), and
//   one such character makes V8 keep the whole file as a two-byte string, decoded from UTF-8 at
//   every launch; the bundle is ASCII-only and a third smaller without them. Names are kept, so
//   an internal error's stack still names its functions.
import { build } from "esbuild";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist", "cli");
rmSync(outdir, { recursive: true, force: true });

/**
 * `import … from "node:x"` → a module of node:x's exports read from `require("node:x")` (the
 * banner's require) once. Its names are node:x's own data properties where the build runs (a
 * name the code imports that is not among them fails the build); its getters are left out, as
 * reading them is what loads the modules they stand for (node:fs's promises, ReadStream, …).
 * An ES module, not a CommonJS one: esbuild would copy a CommonJS module's every export into
 * each module that imports it (__toESM, fourteen times for node:fs).
 */
const builtinsByRequire = {
  name: "builtins-by-require",
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (a) => (a.kind === "import-statement" && a.path !== "node:module" ? { path: a.path, namespace: "builtin" } : undefined));
    b.onLoad({ filter: /.*/, namespace: "builtin" }, (a) => {
      const own = Object.getOwnPropertyDescriptors(buildRequire(a.path));
      const names = Object.keys(own).filter((k) => "value" in own[k] && bindable(k));
      return { contents: `const m = require(${JSON.stringify(a.path)});\nexport default m;\nexport const { ${names.join(", ")} } = m;\n`, loader: "js" };
    });
  },
};
const buildRequire = createRequire(import.meta.url);

/** Whether `name` can be a `const` binding (an identifier, not a reserved word). */
function bindable(name) {
  try {
    new Function(`"use strict"; const { ${name} } = {};`);
    return true;
  } catch {
    return false;
  }
}

const common = {
  outdir,
  entryNames: "[name]",
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: ["@bytecodealliance/*"],
  // commander is CommonJS and require()s node's built-ins, as the plugin's modules do; an ESM
  // bundle has no require of its own. Only built-ins are required, and process.getBuiltinModule
  // (Node >= 20.16, Deno, Bun) gives them without CommonJS's loader, whose first require() loads
  // node's trace events for its module timers (~2 ms); createRequire's require is the fallback.
  banner: {
    js:
      'import { createRequire as __wasockRequire } from "node:module"; ' +
      'const require = typeof process.getBuiltinModule === "function" ? (id) => process.getBuiltinModule(id) : __wasockRequire(import.meta.url);',
  },
  plugins: [builtinsByRequire],
  minifyWhitespace: true,
  // No source maps: the package ships none (they were 2.0 MB of its 3.6 MB unpacked); nothing reads them.
  sourcemap: false,
  logLevel: "warning",
};

await build({
  ...common,
  entryPoints: ["host/cli/main.js", "host/bridge/worker-guest.js", "host/p2/component-worker.js"].map((p) => join(root, "dist", p)),
  chunkNames: "chunk-[hash]",
  splitting: true,
});
