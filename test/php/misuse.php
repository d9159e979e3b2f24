<?php
/*
 * misuse.php — the reference side of test/guests/we_misuse.c: the same
 * socket misuse sequences with PHP ext/sockets on the real OS (Linux).
 *
 *   php test/php/misuse.php <in-use-port> <closed-port>
 *
 * argv[1]: a TCP port on 127.0.0.1 where something listens;
 * argv[2]: a TCP port on 127.0.0.1 where nothing listens.
 *
 * Prints exactly the lines we_misuse.wasm prints ("case <name>: <RESULT>",
 * RESULT = "OK" or the errno's SOCKET_E* name without the prefix), so
 *   diff <(php test/php/misuse.php P C) <(wasock run we_misuse.wasm P C)
 * shows every divergence from Linux.
 *
 * Errno → name: reverse map of the SOCKET_E* constants (the host's errno
 * values), preferring EOPNOTSUPP over ENOTSUP and EAGAIN over EWOULDBLOCK
 * (the names we_misuse.c prints for WASI notsup/again).
 *
 * Which error to read: PHP stores a failing call's errno in the socket's
 * `error` and in the global last error (docs/abi.md §5.1), and successful calls reset
 * neither, so both are cleared before every call. socket_last_error($sock)
 * is used when set; otherwise the global one — socket_accept() stores its
 * error on the would-be new socket (php_accept_connect), not on the
 * listener, so only the global value carries it.
 *
 * Blocking: accept on a non-listener and recv on a listener are made on a
 * non-blocking socket, as in we_misuse.c (Linux answers both the same way
 * in either mode).
 */

error_reporting(E_ALL & ~E_WARNING & ~E_NOTICE);

const LOCAL = '127.0.0.1';

function usage(): never {
    fwrite(STDERR, "usage: php misuse.php <in-use-port> <closed-port>\n");
    exit(2);
}

function port_arg(?string $s): int {
    if ($s === null || !preg_match('/^\d{1,5}$/', $s) || (int)$s < 1 || (int)$s > 65535) usage();
    return (int)$s;
}

$IN_USE = port_arg($argv[1] ?? null);
$CLOSED = port_arg($argv[2] ?? null);

/* errno value → name, from ext/sockets' own constants. */
function errno_names(): array {
    $prefer = ['EOPNOTSUPP' => true, 'EAGAIN' => true];
    $map = [];
    foreach (get_defined_constants(true)['sockets'] ?? [] as $const => $value) {
        if (!preg_match('/^SOCKET_(E[A-Z0-9]+)$/', $const, $m) || !is_int($value) || $value <= 0) continue;
        $name = $m[1];
        if (!isset($map[$value]) || isset($prefer[$name])) $map[$value] = $name;
    }
    return $map;
}
$NAMES = errno_names();

function errno_name(int $e): string {
    global $NAMES;
    return $NAMES[$e] ?? "E#$e";
}

/* Clear both error slots, so what we read afterwards belongs to the next call. */
function clear(?Socket $s): void {
    socket_clear_error();
    if ($s) socket_clear_error($s);
}

/* The errno of the call that just failed. */
function last_errno(?Socket $s): int {
    $e = $s ? socket_last_error($s) : 0;
    return $e !== 0 ? $e : socket_last_error();
}

/* Run one call on $s: "OK" or the errno's name. */
function attempt(?Socket $s, callable $call): string {
    clear($s);
    $ok = $call();
    return $ok === false ? errno_name(last_errno($s)) : 'OK';
}

function result(string $name, string $r): void {
    echo "case $name: $r\n";
}

/* Setup steps: on failure print SETUP-<step>-<ERRNO> and return null. */
function open_sock(string $name, int $type = SOCK_STREAM): ?Socket {
    clear(null);
    $s = @socket_create(AF_INET, $type, $type === SOCK_STREAM ? SOL_TCP : SOL_UDP);
    if ($s === false) {
        result($name, 'SETUP-open-' . errno_name(socket_last_error()));
        return null;
    }
    return $s;
}

function setup(string $name, string $step, Socket $s, callable $call): bool {
    $r = attempt($s, $call);
    if ($r === 'OK') return true;
    result($name, "SETUP-$step-$r");
    return false;
}

function bound_sock(string $name, int $backlog = -1): ?Socket {
    $s = open_sock($name);
    if (!$s) return null;
    if (!setup($name, 'bind', $s, fn() => @socket_bind($s, LOCAL, 0))) { socket_close($s); return null; }
    if ($backlog >= 0 && !setup($name, 'listen', $s, fn() => @socket_listen($s, $backlog))) { socket_close($s); return null; }
    return $s;
}

function connected_sock(string $name): ?Socket {
    global $IN_USE;
    $s = open_sock($name);
    if (!$s) return null;
    if (!setup($name, 'connect', $s, fn() => @socket_connect($s, LOCAL, $IN_USE))) { socket_close($s); return null; }
    return $s;
}

function nonblock(string $name, Socket $s): bool {
    return setup($name, 'nonblock', $s, fn() => @socket_set_nonblock($s));
}

/* socket_accept: the new Socket on success (closed at once), false on error. */
function accept_once(Socket $s): bool {
    $c = @socket_accept($s);
    if ($c === false) return false;
    socket_close($c);
    return true;
}

// ---- the cases, in we_misuse.c's order ----

// accept_before_listen — Linux: EINVAL
$n = 'accept_before_listen';
if ($s = bound_sock($n)) {
    if (nonblock($n, $s)) result($n, attempt($s, fn() => accept_once($s)));
    socket_close($s);
}

// bind_twice — Linux: EINVAL
$n = 'bind_twice';
if ($s = bound_sock($n)) {
    result($n, attempt($s, fn() => @socket_bind($s, LOCAL, 0)));
    socket_close($s);
}

// bind_in_use — Linux: EADDRINUSE
$n = 'bind_in_use';
if ($s = open_sock($n)) {
    result($n, attempt($s, fn() => @socket_bind($s, LOCAL, $IN_USE)));
    socket_close($s);
}

// bind_nonlocal — Linux: EADDRNOTAVAIL
$n = 'bind_nonlocal';
if ($s = open_sock($n)) {
    result($n, attempt($s, fn() => @socket_bind($s, '192.0.2.1', 0)));
    socket_close($s);
}

// listen_dgram — Linux: EOPNOTSUPP
$n = 'listen_dgram';
if ($s = open_sock($n, SOCK_DGRAM)) {
    if (setup($n, 'bind', $s, fn() => @socket_bind($s, LOCAL, 0)))
        result($n, attempt($s, fn() => @socket_listen($s, 5)));
    socket_close($s);
}

// accept_dgram — Linux: EOPNOTSUPP
$n = 'accept_dgram';
if ($s = open_sock($n, SOCK_DGRAM)) {
    if (setup($n, 'bind', $s, fn() => @socket_bind($s, LOCAL, 0)) && nonblock($n, $s))
        result($n, attempt($s, fn() => accept_once($s)));
    socket_close($s);
}

// listen_twice — Linux: OK
$n = 'listen_twice';
if ($s = bound_sock($n, 5)) {
    result($n, attempt($s, fn() => @socket_listen($s, 10)));
    socket_close($s);
}

// connect_refused, connect_refused_again — Linux: ECONNREFUSED twice
$n = 'connect_refused';
if ($s = open_sock($n)) {
    result($n, attempt($s, fn() => @socket_connect($s, LOCAL, $CLOSED)));
    result('connect_refused_again', attempt($s, fn() => @socket_connect($s, LOCAL, $CLOSED)));
    socket_close($s);
}

// connect_on_listener — Linux: EISCONN
$n = 'connect_on_listener';
if ($s = bound_sock($n, 5)) {
    result($n, attempt($s, fn() => @socket_connect($s, LOCAL, $IN_USE)));
    socket_close($s);
}

// connect_connected — Linux: EISCONN
$n = 'connect_connected';
if ($s = connected_sock($n)) {
    result($n, attempt($s, fn() => @socket_connect($s, LOCAL, $IN_USE)));
    socket_close($s);
}

// bind_connected — Linux: EINVAL
$n = 'bind_connected';
if ($s = connected_sock($n)) {
    result($n, attempt($s, fn() => @socket_bind($s, LOCAL, 0)));
    socket_close($s);
}

// listen_connected — Linux: EINVAL
$n = 'listen_connected';
if ($s = connected_sock($n)) {
    result($n, attempt($s, fn() => @socket_listen($s, 5)));
    socket_close($s);
}

// send_after_shutdown_wr — Linux: EPIPE (the PHP CLI ignores SIGPIPE)
$n = 'send_after_shutdown_wr';
if ($s = connected_sock($n)) {
    if (setup($n, 'shutdown', $s, fn() => @socket_shutdown($s, 1)))
        result($n, attempt($s, fn() => @socket_send($s, 'x', 1, 0)));
    socket_close($s);
}

// listen_unbound (+ _port, _addr) — Linux: OK, nonzero, 0.0.0.0
$n = 'listen_unbound';
if ($s = open_sock($n)) {
    $r = attempt($s, fn() => @socket_listen($s, 5));
    result($n, $r);
    if ($r === 'OK') {
        $addr = '';
        $port = 0;
        $g = attempt($s, function () use ($s, &$addr, &$port) { return @socket_getsockname($s, $addr, $port); });
        if ($g !== 'OK') {
            result('listen_unbound_port', "SETUP-getlocaladdr-$g");
        } else {
            result('listen_unbound_port', $port !== 0 ? 'nonzero' : 'zero');
            result('listen_unbound_addr', $addr);
        }
    }
    socket_close($s);
}

// getpeer_unconnected — Linux: ENOTCONN
$n = 'getpeer_unconnected';
if ($s = open_sock($n)) {
    result($n, attempt($s, function () use ($s) { return @socket_getpeername($s, $a, $p); }));
    socket_close($s);
}

// getpeer_listener — Linux: ENOTCONN
$n = 'getpeer_listener';
if ($s = bound_sock($n, 5)) {
    result($n, attempt($s, function () use ($s) { return @socket_getpeername($s, $a, $p); }));
    socket_close($s);
}

// shutdown_unconnected — Linux: ENOTCONN
$n = 'shutdown_unconnected';
if ($s = open_sock($n)) {
    result($n, attempt($s, fn() => @socket_shutdown($s, 1)));
    socket_close($s);
}

// recv_on_listener — Linux: ENOTCONN
$n = 'recv_on_listener';
if ($s = bound_sock($n, 5)) {
    if (nonblock($n, $s)) result($n, attempt($s, function () use ($s) { return @socket_recv($s, $buf, 16, 0); }));
    socket_close($s);
}

// send_unconnected — Linux: EPIPE
$n = 'send_unconnected';
if ($s = open_sock($n)) {
    result($n, attempt($s, fn() => @socket_send($s, 'x', 1, 0)));
    socket_close($s);
}

exit(0);
