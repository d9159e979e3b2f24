import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as net from "node:net";
import { spawn } from "node:child_process";
import { BRIDGES, ROOT, runCli, startGuest, wasm } from "../helpers/guest.js";
import { cli, RUNTIME } from "../helpers/runtime.js";
import { Runtime } from "../../host/entries/node.js";
import { connect, ended } from "../helpers/clients.js";

const tmp = mkdtempSync(join(tmpdir(), "wasock-cli-"));

/** Exactly one line on stderr, starting with "wasock: ". */
function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `expected one line, got:\n${stderr}`);
  assert.match(lines[0]!, /^wasock: /);
  return lines[0]!;
}

describe("wasock run: bad input gets one clear line and a non-zero exit", () => {
  test("missing file", async () => {
    const r = await runCli(["run", join(tmp, "nope.wasm")]);
    assert.notEqual(r.code, 0);
    assert.match(oneLine(r.stderr), /no such file/);
  });

  test("a file that is not WebAssembly", async () => {
    const f = join(tmp, "text.wasm");
    writeFileSync(f, "hello, I am text\n");
    const r = await runCli(["run", f]);
    assert.notEqual(r.code, 0);
    assert.match(oneLine(r.stderr), /not a WebAssembly file/);
  });

  test("a truncated module", async () => {
    const f = join(tmp, "trunc.wasm");
    writeFileSync(f, Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 9]));
    const r = await runCli(["run", f]);
    assert.notEqual(r.code, 0);
    assert.match(oneLine(r.stderr), /invalid WebAssembly module/);
  });

  test("a bad listen address", async () => {
    for (const bad of ["127.0.0.1", "127.0.0.1:99999", "nonsense", ":80"]) {
      const r = await runCli(["run", "--listen", bad, wasm("examples/echo-blocking.wasm")]);
      assert.notEqual(r.code, 0, bad);
      assert.match(oneLine(r.stderr), /--listen/, bad);
    }
  });

  test("an address in use", async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const r = await runCli(["run", "--listen", `127.0.0.1:${port}`, wasm("examples/echo-blocking.wasm")]);
      assert.notEqual(r.code, 0);
      assert.match(oneLine(r.stderr), new RegExp(`--listen 127\\.0\\.0\\.1:${port}: .*in use.*EADDRINUSE`, "i"));
    } finally {
      server.close();
    }
  });

  test("an unknown flag", async () => {
    const r = await runCli(["run", "--frobnicate", wasm("examples/echo-blocking.wasm")]);
    assert.notEqual(r.code, 0);
    assert.match(oneLine(r.stderr), /unknown option/);
  });

  test("a device is refused before it is read: /dev/zero", async () => {
    const started = performance.now();
    const r = await runCli(["run", "/dev/zero"], 10000);
    assert.notEqual(r.code, 0);
    assert.match(oneLine(r.stderr), /^wasock: \/dev\/zero: not a regular file \(a character device\)/);
    assert.ok(performance.now() - started < 10000, "it read /dev/zero");
  });

  test("an empty component (its 8 header bytes) is one line naming the problem, not an internal error", async () => {
    const f = join(tmp, "empty.component.wasm");
    writeFileSync(f, Buffer.from([0, 0x61, 0x73, 0x6d, 0x0d, 0, 0x01, 0]));
    const r = await runCli(["run", f], 60000);
    assert.equal(r.code, 1, r.stderr);
    // A first run transpiles it and says so on two status lines before the error (packed.test.ts
    // holds them to their words); a run that finds it cached (the cache is shared by the runtimes
    // a test run tries) prints none.
    const status = /^wasock: transpil(ing|ed) .*empty\.component\.wasm (for the first time \(cached after\)…|in \d+\.\d s)\n/gm;
    assert.match(oneLine(r.stderr.replace(status, "")), /empty\.component\.wasm: the component exports no wasi:cli\/run$/);
  });

  test("--limit takes only the limits' own names, not inherited ones (constructor, toString, …)", async () => {
    for (const spec of ["constructor=5", "toString=1", "hasOwnProperty=1", "valueOf=1"]) {
      const r = await runCli(["run", "--limit", spec, wasm("examples/echo-blocking.wasm")]);
      assert.equal(r.code, 2, spec);
      assert.match(oneLine(r.stderr), new RegExp(`^wasock: --limit: unknown limit "${spec.split("=")[0]}"`), spec);
    }
  });

  test("a --listen host name that does not resolve says so", async () => {
    for (const host of ["nonexistent.invalid", "ünïcödé"]) {
      const r = await runCli(["run", "--listen", `${host}:1`, wasm("examples/echo-blocking.wasm")]);
      assert.equal(r.code, 1, host);
      const line = oneLine(r.stderr);
      assert.equal(line, `wasock: --listen ${host}:1: host name ${host} does not resolve (ENOTFOUND)`);
    }
  });

  test("a guest importing something wasock lacks", async () => {
    // (module (import "env" "magic" (func)) (memory (export "memory") 1) (func (export "_start")))
    const f = join(tmp, "env.wasm");
    writeFileSync(f, Buffer.from("0061736d01000000010401600000020d0103656e76056d616769630000030201000503010001071302066d656d6f72790200065f737461727400010a040102000b", "hex"));
    const r = await runCli(["run", f]);
    assert.notEqual(r.code, 0);
    assert.match(oneLine(r.stderr), /env\.magic/);
  });
});

describe("wasock run: a trapping guest", () => {
  for (const bridge of BRIDGES) {
    test(`is reported as a guest trap with exit 134 (${bridge} bridge)`, async () => {
      // (module (memory (export "memory") 1) (func (export "_start") unreachable))
      const f = join(tmp, "trap.wasm");
      writeFileSync(f, Buffer.from("0061736d01000000010401600000030201000503010001071302066d656d6f72790200065f737461727400000a05010300000b", "hex"));
      const r = await runCli(["run", "--bridge", bridge, f]);
      assert.equal(r.code, 134);
      // Then the backtrace: the module has no name section, so its function by index (Bun gives no offset).
      const [first, ...rest] = r.stderr.trimEnd().split("\n");
      assert.match(first!, /^wasock: guest trapped: unreachable/i);
      assert.deepEqual(rest.map((l) => l.replace(/0x[0-9a-f]+ - /, "")), ["wasm backtrace:", "    0: <wasm function 0>"]);
    });
  }
});

describe("wasock run: listeners", () => {
  test("two listeners become fds 3 and 4, in order, each with its own line", async () => {
    const g = await startGuest(wasm("examples/echo-poll.wasm"), { listen: ["127.0.0.1:0", "127.0.0.1:0"] });
    try {
      assert.match(g.listenLines[0]!, /^wasock: fd 3 listening on tcp:\/\/127\.0\.0\.1:\d+$/);
      assert.match(g.listenLines[1]!, /^wasock: fd 4 listening on tcp:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(g.ports[0], g.ports[1]);
    } finally {
      await g.stop();
    }
  });

  test("an IPv6 loopback listener prints its address in brackets", async () => {
    const g = await startGuest(wasm("examples/echo-poll.wasm"), { listen: ["[::1]:0"] });
    try {
      assert.match(g.listenLines[0]!, /^wasock: fd 3 listening on tcp:\/\/\[::1\]:\d+$/);
    } finally {
      await g.stop();
    }
  });
});

describe("the command line people know from wasmtime", () => {
  test("wasock app.wasm runs it (run is the command when none is named); --version says wasock's", async () => {
    const r = await runCli([wasm("test/guests/sleeper.wasm"), "--", "0"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "sleeping\nwoke\n");
    const v = await runCli(["--version"]);
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout.trim(), /^wasock \d+\.\d+\.\d+$/);
  });

  test("--listen with a component is one line: nothing would serve it (the library: a GuestError)", async () => {
    const r = await runCli(["run", "--listen", "127.0.0.1:0", wasm("examples/echo-server.component.wasm")]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "wasock: --listen: a component opens its own sockets (wasi:sockets has no pre-opened listeners); let it listen with --allow-listen\n");
    const rt = new Runtime({ listen: ["127.0.0.1:0"], stdout: () => {}, stderr: () => {} });
    await assert.rejects(rt.run(readFileSync(wasm("examples/echo-server.component.wasm"))), (e: Error) =>
      e.constructor.name === "GuestError" && /^listen: a component opens its own sockets/.test(e.message));
  });

  test("--dir guest:host (WasmEdge's way) says how wasock writes it", async () => {
    const r = await runCli(["run", "--dir", "/data:./nowhere-such", wasm("test/guests/sleeper.wasm"), "0"]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "wasock: --dir /data:./nowhere-such: no such directory (WasmEdge's guest:host is written host::guest here, as wasmtime writes it: --dir ./nowhere-such::/data)\n");
  });

  test("everything after the module is the guest's, flags too (as wasmtime, wasmer and node do); a leading -- is still accepted", async () => {
    const module = wasm("test/guests/exit_with_clients.wasm");
    for (const [args, argv] of [
      [["3", "--listen", "127.0.0.1:1", "-h", "--frobnicate"], ["3", "--listen", "127.0.0.1:1", "-h", "--frobnicate"]],
      [["--", "4", "--version"], ["4", "--version"]],
    ] as const) {
      const g = await startGuest(module, { args: [...args] });
      const clients = await Promise.all([connect(g.ports[0]!), connect(g.ports[0]!)]); // it serves two, then exits
      for (const c of clients) c.on("data", () => {});
      await Promise.all(clients.map((c) => ended(c)));
      assert.equal((await g.exited).code, Number(argv[0]));
      const seen = g.stdout().split("\n").filter((l) => l.startsWith("argv["));
      assert.deepEqual(seen, [`argv[0]=${module}`, ...argv.map((a, i) => `argv[${i + 1}]=${a}`)]);
      for (const c of clients) c.destroy();
    }
  });

  test("--allow-resolve takes its value explicitly: a module name after it is its value, so the module is missing", async () => {
    const r = await runCli(["run", "--allow-resolve", wasm("test/guests/sleeper.wasm")]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^wasock: missing required argument 'module'/);
  });

  test("--no-tcp refuses a core module's own TCP socket (WasmEdge sock_open: EACCES), one line naming the flag; without it the socket is made and the address is what is denied", async () => {
    const off = await runCli(["run", "--no-tcp", wasm("examples/wasmedge-client.wasm"), "127.0.0.1:9"]);
    assert.equal(off.code, 1);
    assert.match(off.stderr, /^wasock: denied creating a TCP socket: TCP is off \(--no-tcp\)$/m);
    assert.match(off.stderr, /^wasmedge-client: sock_open: Permission denied$/m);
    const on = await runCli(["run", wasm("examples/wasmedge-client.wasm"), "127.0.0.1:9"]);
    assert.equal(on.code, 1);
    assert.doesNotMatch(on.stderr, /denied creating/);
    assert.match(on.stderr, /^wasock: denied connect on 127\.0\.0\.1:9: not allowed by any rule/m);
  });

  test("--no-udp refuses a core module's own UDP socket (WasmEdge sock_open: EACCES, errno 2), one line naming the flag", async () => {
    const r = await runCli(["run", "--no-udp", wasm("examples/udp-echo.wasm")]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /^wasock: denied creating a UDP socket: UDP is off \(--no-udp\)$/m);
    assert.match(r.stderr + r.stdout, /udp-echo: sock_open failed: errno 2/);
  });

  test("--help lists components, fd 3, LISTEN_FDS and an example, and no empty defaults", async () => {
    const r = await runCli(["run", "--help"]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /default: \[\]/);
    for (const want of [/component/, /fd 3/, /LISTEN_FDS/, /Example:\n  wasock run /, /--allow-resolve <names>/]) assert.match(r.stdout, want);
  });

  test("--env NAME passes the host's value of NAME; an absent one is not set", async () => {
    process.env.GREETING = "from the host";
    try {
      const g = await startGuest(wasm("test/guests/exit_with_clients.wasm"), { args: ["0"], env: ["GREETING", "WASOCK_SURELY_UNSET"] });
      const clients = await Promise.all([connect(g.ports[0]!), connect(g.ports[0]!)]); // it serves two, then exits
      for (const c of clients) c.on("data", () => {});
      await Promise.all(clients.map((c) => ended(c)));
      assert.equal((await g.exited).code, 0);
      assert.match(g.stdout(), /^GREETING=from the host$/m);
      for (const c of clients) c.destroy();
    } finally {
      delete process.env.GREETING;
    }
  });
});

describe("stdio as a native process has it: a terminal only where the host's fd is one", () => {
  const ISATTY = wasm("test/guests/isatty.wasm");
  for (const bridge of BRIDGES) {
    test(`into pipes: no terminal, filetype unknown (${bridge} bridge)`, async () => {
      const r = await runCli(["run", "--bridge", bridge, ISATTY]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "isatty 0 1 2: 0 0 0; filetypes 0 0 0\n");
    });

    const script = ["/usr/bin/script", "/bin/script"].find((p) => existsSync(p));
    test(`on a terminal (script(1) gives it one): each is a character device (${bridge} bridge)`, { skip: script ? false : "no script(1) here to make a terminal" }, async () => {
      const [bin, args] = cli(["run", "--bridge", bridge, ISATTY]);
      const command = [bin, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
      const out = await new Promise<string>((resolve) => {
        const p = spawn(script!, ["-qec", command, "/dev/null"], { stdio: ["ignore", "pipe", "inherit"] });
        let text = "";
        p.stdout.setEncoding("utf8").on("data", (d: string) => (text += d));
        p.once("exit", () => resolve(text));
      });
      assert.match(out, /isatty 0 1 2: 1 1 1; filetypes 2 2 2/);
    });
  }

  const script = ["/usr/bin/script", "/bin/script"].find((p) => existsSync(p));
  for (const bridge of BRIDGES) {
    test(`stdin from a terminal reaches the guest (${bridge} bridge)`, { skip: script ? false : "no script(1) here to make a terminal" }, async () => {
      const [bin, args] = cli(["run", "--bridge", bridge, ISATTY, "read"]);
      const command = [bin, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
      const out = await new Promise<string>((resolve) => {
        const p = spawn(script!, ["-qec", command, "/dev/null"], { stdio: ["pipe", "pipe", "inherit"] });
        let text = "";
        let typed = false;
        // A write after script(1) has gone (the run failed) is EPIPE: the assertions below say why.
        p.stdin.on("error", () => {});
        p.stdout.setEncoding("utf8").on("data", (d: string) => {
          text += d;
          if (!typed && text.includes("isatty 0 1 2")) {
            typed = true; // once, as it starts reading
            p.stdin.write("typed at the terminal\n");
          }
        });
        p.once("exit", () => resolve(text));
      });
      assert.match(out, /isatty 0 1 2: 1 1 1/);
      assert.match(out, /stdin: typed at the terminal/);
    });
  }

  test("the library: a stdout callback is no terminal unless terminals says so", async () => {
    for (const [terminals, want] of [[undefined, "0 0 0; filetypes 0 0 0"], [[1], "0 1 0; filetypes 0 2 0"]] as const) {
      let out = "";
      const rt = new Runtime({ args: ["isatty"], stdout: (d) => (out += new TextDecoder().decode(d)), stderr: () => {}, ...(terminals ? { terminals } : {}) });
      assert.deepEqual(await rt.run(readFileSync(ISATTY)), { exitCode: 0 });
      assert.equal(out, `isatty 0 1 2: ${want}\n`);
    }
  });
});

describe("wasock run: kill -USR2 prints the live socket table, as netstat shows the kernel's", () => {
  for (const bridge of BRIDGES) {
    test(`a listener with its queue, a connection, the refused count; the guest goes on (${bridge} bridge)`, async () => {
      const g = await startGuest(wasm("examples/echo-blocking.wasm"), { bridge, extra: ["--backlog", "0"] });
      try {
        const port = g.ports[0]!;
        const served = await connect(port); // accepted: the guest is in its read
        served.write("one\n");
        await new Promise<void>((r) => served.once("data", () => r()));
        const queued = await connect(port); // waits in the accept queue
        await new Promise((r) => setTimeout(r, 100));
        const before = g.stderr().length;
        // process.kill, not g.proc.kill: Deno's ChildProcess never reports the exit of a child it sent SIGUSR2
        process.kill(g.proc.pid!, "SIGUSR2");
        const table = await new Promise<string>((resolve, reject) => {
          const t = setTimeout(() => reject(new Error(`no table; stderr: ${g.stderr()}`)), 10000);
          const poll = setInterval(() => {
            const text = g.stderr().slice(before);
            const rows = text.split("\n").filter((l) => / (LISTEN|ESTABLISHED) /.test(l));
            if (rows.length >= 3 && text.endsWith("\n")) {
              clearInterval(poll);
              clearTimeout(t);
              resolve(text);
            }
          }, 20);
        });
        const lines = table.trimEnd().split("\n");
        assert.match(lines[0]!, new RegExp(`^wasock: sockets of pid \\d+ at \\d{4}-\\d\\d-\\d\\dT`));
        assert.match(lines[1]!, /^Proto +Recv-Q +Send-Q +Local Address +Foreign Address +State +Fd +Refused$/);
        const listen = lines.find((l) => / LISTEN /.test(l))!;
        assert.match(listen, new RegExp(`^tcp +1 +0 +127\\.0\\.0\\.1:${port} +\\*:\\* +LISTEN +3 +0$`)); // one queued, backlog 0
        // the accepted one on fd 4, the queued one with no fd yet (and counted in the listener's Recv-Q)
        const est = (fd: string) => new RegExp(`^tcp +0 +0 +127\\.0\\.0\\.1:${port} +127\\.0\\.0\\.1:\\d+ +ESTABLISHED +${fd} +0$`);
        assert.equal(lines.filter((l) => / ESTABLISHED /.test(l)).length, 2, table);
        assert.ok(lines.some((l) => est("4").test(l)), table);
        assert.ok(lines.some((l) => est("-").test(l)), table);
        // still serving
        served.write("two\n");
        const echoed = await new Promise<string>((r) => served.once("data", (d: Buffer) => r(d.toString())));
        assert.equal(echoed, "two\n");
        served.destroy();
        queued.destroy();
      } finally {
        await g.stop();
      }
    });
  }
});

describe("wasock run: the guest's view and its exit", () => {
  test("argv, --env, LISTEN_FDS reach the guest; its exit closes its clients and sets the exit code", async () => {
    const module = wasm("test/guests/exit_with_clients.wasm");
    const g = await startGuest(module, { args: ["7", "two words"], env: ["GREETING=hi there"] });
    const clients = await Promise.all([connect(g.ports[0]!), connect(g.ports[0]!)]);
    const seen = await Promise.all(clients.map(async (c) => {
      const chunks: Buffer[] = [];
      c.on("data", (d: Buffer) => chunks.push(d));
      await ended(c);
      return Buffer.concat(chunks).toString();
    }));
    assert.deepEqual(seen, ["bye\n", "bye\n"]);
    const { code } = await g.exited;
    assert.equal(code, 7);
    assert.equal(g.stdout(), [
      `argv[0]=${module}`, "argv[1]=7", "argv[2]=two words", "LISTEN_FDS=1", "GREETING=hi there", "leaving", "",
    ].join("\n"));
    for (const c of clients) c.destroy();
  });
});

describe("wasock run: a closed stdout ends the run quietly, as SIGPIPE ends a native program", () => {
  // A guest that logs "yes" every millisecond without end:
  // (module (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  //   (import "wasi_snapshot_preview1" "poll_oneoff" (func $p (param i32 i32 i32 i32) (result i32)))
  //   (memory (export "memory") 1)
  //   (data (i32.const 0) "\10\00\00\00\04\00\00\00")  ;; iovec → "yes\n" at 16
  //   (data (i32.const 16) "yes\n")  (data (i32.const 32) …)  ;; a 1 ms monotonic clock subscription
  //   (func (export "_start") (loop (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
  //     (drop (call $p (i32.const 32) (i32.const 96) (i32.const 1) (i32.const 128))) (br 0))))
  const yes = join(tmp, "yes.wasm");
  writeFileSync(yes, Buffer.from("0061736d01000000010c0260047f7f7f7f017f60000002480216776173695f736e617073686f745f70726576696577310866645f7772697465000016776173695f736e617073686f745f70726576696577310b706f6c6c5f6f6e656f66660000030201010503010001071302066d656d6f72790200065f737461727400020a21011f000340410141004101410810001a412041e000410141800110011a0c000b0b0b56010041000b50100000000400000000000000000000007965730a00000000000000000000000000000000000000000000000000000000010000000000000040420f000000000000000000000000000000000000000000", "hex"));

  for (const bridge of BRIDGES) {
    test(`wasock run yes.wasm | head -2: exit 141, nothing on stderr (${bridge} bridge)`, async () => {
      const [bin, args] = cli(["run", "--bridge", bridge, yes]);
      // bash runs the pipeline and reports wasock's own status ($PIPESTATUS) and stderr.
      const script = `"$@" 2>"$ERR" | head -2; echo "status=\${PIPESTATUS[0]}"`;
      const err = join(tmp, `yes-${bridge}.err`);
      const out = await new Promise<string>((resolve) => {
        // Its own process group, so a wasock that never ends is killed with the shell.
        const p = spawn("bash", ["-c", script, "bash", bin, ...args], { env: { ...process.env, ERR: err }, stdio: ["ignore", "pipe", "inherit"], detached: true });
        let text = "";
        const timer = setTimeout(() => process.kill(-p.pid!, "SIGKILL"), 20000);
        p.stdout.setEncoding("utf8").on("data", (d: string) => (text += d));
        p.once("exit", () => {
          clearTimeout(timer);
          resolve(text);
        });
      });
      assert.equal(out, "yes\nyes\nstatus=141\n");
      assert.equal(readFileSync(err, "utf8"), "");
    });
  }
});

describe("the fuzzer's command line", () => {
  const FUZZ = `${ROOT}dist/fuzz/main.js`;
  const fuzz = (args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const p = spawn(process.execPath, RUNTIME === "deno" ? ["run", "-A", FUZZ, ...args] : [FUZZ, ...args], { stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "", stderr = "";
      p.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
      p.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      p.once("exit", (code) => resolve({ code, stdout, stderr }));
    });

  test("--help prints the usage and exits 0; an unknown option is one line and exit 2", async () => {
    const help = await fuzz(["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^usage: npm run fuzz/);
    assert.match(help.stdout, /--seed <n>/);
    assert.equal(help.stderr, "");
    const bad = await fuzz(["--frobnicate"]);
    assert.equal(bad.code, 2);
    assert.match(oneLine(bad.stderr), /^wasock: fuzz: Unknown option '--frobnicate'/);
  });
});
