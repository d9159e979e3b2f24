#!/usr/bin/env node
// The `wasock` command's bin: the bundled CLI (dist/cli/main.js, built by `npm run build`). The
// published package ships it built. A clone has no dist/ until it is built, and no install script
// builds it (`prepare` made `npx wasock` rebuild silently for ~20 s, and npm flags install scripts
// in published packages): there this says what to run instead of failing on a missing module.
import { existsSync } from "node:fs";

const main = new URL("../dist/cli/main.js", import.meta.url);
if (existsSync(main)) {
  await import(main.href);
} else {
  process.stderr.write("wasock: not built yet (a clone of the repository): run `npm run build` first (about 20 s)\n");
  process.exitCode = 1;
}
