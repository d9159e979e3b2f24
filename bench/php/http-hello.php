<?php
/*
 * http-hello.php — examples/c/http-hello.c's logic on PHP's ext/sockets: one socket_select()
 * loop over the listener and every client, non-blocking sockets, a per-connection input and
 * output buffer, pipelined requests, "Hello, world!\n" with Content-Length, keep-alive unless
 * the request says "Connection: close" or is HTTP/1.0 without keep-alive.
 *
 *   php bench/php/http-hello.php      (listens on 127.0.0.1:0)
 *
 * Prints "php: fd 3 listening on tcp://127.0.0.1:<port>" on stderr, as wasock does.
 * select() is bounded by FD_SETSIZE (1024): PHP refuses larger fds in socket_select.
 */
const BODY = "Hello, world!\n";
const OUT_HIGH = 64 * 1024;

function response(bool $keepAlive, bool $http10, bool $headOnly): string {
    $extra = !$keepAlive ? "Connection: close\r\n" : ($http10 ? "Connection: keep-alive\r\n" : "");
    return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " . strlen(BODY) . "\r\n$extra\r\n"
        . ($headOnly ? "" : BODY);
}

/* Answer every complete request head in $c['in']; returns false once the connection must close. */
function process(array &$c): void {
    while (!$c['closing'] && strlen($c['out']) < OUT_HIGH && ($end = strpos($c['in'], "\r\n\r\n")) !== false) {
        $head = substr($c['in'], 0, $end);
        $c['in'] = substr($c['in'], $end + 4);
        $lines = explode("\r\n", $head);
        $parts = explode(' ', $lines[0]);
        if (count($parts) !== 3 || strncmp($parts[2], 'HTTP/1.', 7) !== 0) {
            $c['out'] .= "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            $c['closing'] = true;
            return;
        }
        $http10 = $parts[2] === 'HTTP/1.0';
        $keepAlive = !$http10;
        for ($i = 1; $i < count($lines); $i++) {
            $colon = strpos($lines[$i], ':');
            if ($colon === false || strcasecmp(substr($lines[$i], 0, $colon), 'connection') !== 0) continue;
            $tokens = array_map('trim', explode(',', strtolower(substr($lines[$i], $colon + 1))));
            if (in_array('close', $tokens, true)) $keepAlive = false;
            elseif (in_array('keep-alive', $tokens, true)) $keepAlive = true;
        }
        $c['out'] .= response($keepAlive, $http10, $parts[0] === 'HEAD');
        if (!$keepAlive) $c['closing'] = true;
    }
}

$listener = socket_create(AF_INET, SOCK_STREAM, SOL_TCP);
socket_set_option($listener, SOL_SOCKET, SO_REUSEADDR, 1);
if (!socket_bind($listener, '127.0.0.1', 0) || !socket_listen($listener, 4096)) {
    fwrite(STDERR, "php: " . socket_strerror(socket_last_error()) . "\n");
    exit(1);
}
socket_set_nonblock($listener);
socket_getsockname($listener, $addr, $port);
fwrite(STDERR, "php: fd 3 listening on tcp://$addr:$port\n");

$conns = []; // id => ['sock' => Socket, 'in' => string, 'out' => string, 'closing' => bool, 'eof' => bool]
for (;;) {
    $read = [$listener];
    $write = [];
    foreach ($conns as $id => $c) {
        if (!$c['eof'] && !$c['closing'] && strlen($c['out']) < OUT_HIGH) $read[$id] = $c['sock'];
        if ($c['out'] !== '') $write[$id] = $c['sock'];
    }
    $except = null;
    if (socket_select($read, $write, $except, null) === false) { // its warning says why (e.g. FD_SETSIZE)
        fwrite(STDERR, "php: select: " . socket_strerror(socket_last_error()) . "\n");
        exit(1);
    }
    foreach ($read as $id => $sock) {
        if ($sock === $listener) {
            while (($client = @socket_accept($listener)) !== false) {
                socket_set_nonblock($client);
                socket_set_option($client, SOL_TCP, TCP_NODELAY, 1);
                $conns[spl_object_id($client)] = ['sock' => $client, 'in' => '', 'out' => '', 'closing' => false, 'eof' => false];
            }
            continue;
        }
        $data = @socket_read($sock, 65536, PHP_BINARY_READ);
        if ($data === false) {
            $err = socket_last_error($sock);
            if ($err !== SOCKET_EAGAIN && $err !== SOCKET_EINTR) $conns[$id]['eof'] = $conns[$id]['closing'] = true;
        } elseif ($data === '') {
            $conns[$id]['eof'] = true;
        } else {
            $conns[$id]['in'] .= $data;
        }
    }
    foreach ($conns as $id => &$c) {
        process($c);
        if ($c['out'] !== '') {
            $n = @socket_write($c['sock'], $c['out']);
            if ($n === false) {
                $err = socket_last_error($c['sock']);
                if ($err !== SOCKET_EAGAIN && $err !== SOCKET_EINTR) { $c['out'] = ''; $c['closing'] = true; }
            } else {
                $c['out'] = (string)substr($c['out'], $n);
            }
        }
        if ($c['out'] === '' && ($c['closing'] || $c['eof'])) {
            if ($c['closing']) @socket_shutdown($c['sock'], 1);
            socket_close($c['sock']);
            unset($conns[$id]);
        }
    }
    unset($c);
}
