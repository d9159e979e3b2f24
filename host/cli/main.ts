#!/usr/bin/env node
/**
 * The `wasock` command. This entry turns on V8's code cache for the modules it loads next (Node
 * ≥ 22.1: `module.enableCompileCache()`, kept in the OS temp dir or NODE_COMPILE_CACHE), which
 * halves the time to compile wasock's own JavaScript on every launch after the first; then it
 * runs the CLI. Other runtimes have no such call, or cache on their own.
 */
import module from "node:module";

(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
await import("./command-line.js");
