<?php
/*
 * hold-listener.php — the peer for the misuse differential: listens on
 * 127.0.0.1:<any>, finds a port where nothing listens, prints
 *   <in-use-port> <closed-port>
 * on one line, then accepts (and keeps open) every connection until stdin
 * reaches EOF or 60 s pass.
 *
 *   php test/php/hold-listener.php
 */
error_reporting(E_ALL & ~E_WARNING);

$l = socket_create(AF_INET, SOCK_STREAM, SOL_TCP);
socket_bind($l, '127.0.0.1', 0) && socket_listen($l, 64) or exit(1);
socket_getsockname($l, $addr, $inUse);

// A closed port: bind one, note it, close it (not listening = refused).
$c = socket_create(AF_INET, SOCK_STREAM, SOL_TCP);
socket_bind($c, '127.0.0.1', 0) or exit(1);
socket_getsockname($c, $addr, $closed);
socket_close($c);

echo "$inUse $closed\n";
fflush(STDOUT);

$conns = [];
$deadline = microtime(true) + 60;
stream_set_blocking(STDIN, false);
while (microtime(true) < $deadline) {
    $r = [$l];
    $w = $e = null;
    if (@socket_select($r, $w, $e, 0, 200000) > 0) {
        $s = @socket_accept($l);
        if ($s !== false) $conns[] = $s;
    }
    if (feof(STDIN)) break;
    fread(STDIN, 1024);
}
