<?php
/*
 * echo.php — an echo server on PHP's ext/sockets: every byte a client sends goes back on the
 * same connection, from one socket_select() loop (examples/c/echo-poll.c's shape; one client is
 * what the suite's echo workloads use, the blocking example's case). Bounded: a client whose
 * pending echo is over 64 KiB is not read until it drains. Half-close: the rest is echoed,
 * then shutdown(SHUT_WR) and close.
 *
 *   php bench/php/echo.php      (listens on 127.0.0.1:0)
 *
 * Prints "php: fd 3 listening on tcp://127.0.0.1:<port>" on stderr, as wasock does.
 */
const BUF_CAP = 64 * 1024;

$listener = socket_create(AF_INET, SOCK_STREAM, SOL_TCP);
socket_set_option($listener, SOL_SOCKET, SO_REUSEADDR, 1);
if (!socket_bind($listener, '127.0.0.1', 0) || !socket_listen($listener, 4096)) {
    fwrite(STDERR, "php: " . socket_strerror(socket_last_error()) . "\n");
    exit(1);
}
socket_set_nonblock($listener);
socket_getsockname($listener, $addr, $port);
fwrite(STDERR, "php: fd 3 listening on tcp://$addr:$port\n");

$conns = []; // id => ['sock' => Socket, 'buf' => string, 'eof' => bool]
for (;;) {
    $read = [$listener];
    $write = [];
    foreach ($conns as $id => $c) {
        if (!$c['eof'] && strlen($c['buf']) < BUF_CAP) $read[$id] = $c['sock'];
        if ($c['buf'] !== '') $write[$id] = $c['sock'];
    }
    $except = null;
    if (socket_select($read, $write, $except, null) === false) { // its warning says why (e.g. FD_SETSIZE)
        fwrite(STDERR, "php: select: " . socket_strerror(socket_last_error()) . "\n");
        exit(1);
    }
    $bad = [];
    foreach ($read as $id => $sock) {
        if ($sock === $listener) {
            while (($client = @socket_accept($listener)) !== false) {
                socket_set_nonblock($client);
                socket_set_option($client, SOL_TCP, TCP_NODELAY, 1);
                $conns[spl_object_id($client)] = ['sock' => $client, 'buf' => '', 'eof' => false];
            }
            continue;
        }
        $data = @socket_read($sock, BUF_CAP - strlen($conns[$id]['buf']), PHP_BINARY_READ);
        if ($data === false) {
            $err = socket_last_error($sock);
            if ($err !== SOCKET_EAGAIN && $err !== SOCKET_EINTR) $bad[$id] = true;
        } elseif ($data === '') {
            $conns[$id]['eof'] = true;
        } else {
            $conns[$id]['buf'] .= $data;
        }
    }
    foreach ($conns as $id => &$c) {
        if (!isset($bad[$id]) && $c['buf'] !== '') { // echo at once, no extra select round
            $n = @socket_write($c['sock'], $c['buf']);
            if ($n === false) {
                $err = socket_last_error($c['sock']);
                if ($err !== SOCKET_EAGAIN && $err !== SOCKET_EINTR) $bad[$id] = true;
            } else {
                $c['buf'] = (string)substr($c['buf'], $n);
            }
        }
        if (isset($bad[$id]) || ($c['eof'] && $c['buf'] === '')) {
            if (!isset($bad[$id])) @socket_shutdown($c['sock'], 1);
            socket_close($c['sock']);
            unset($conns[$id]);
        }
    }
    unset($c);
}
