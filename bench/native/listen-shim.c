/*
 * listen-shim.c — runs a pre-opened-listener example natively (gcc, Linux): main() creates a
 * TCP listener on 127.0.0.1:0 (backlog 4096, as wasock's default somaxconn here), prints
 *   native: fd 3 listening on tcp://127.0.0.1:<port>
 * on stderr (wasock's line), moves it to fd 3 with dup2, sets LISTEN_FDS=1 and calls the
 * example's main, compiled as guest_main (-Dmain=guest_main) by bench/native/build.sh.
 * The guest code is the example's own, unchanged: only the listener comes from here.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int guest_main(void);

int main(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return perror("listen-shim: socket"), 1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0) return perror("listen-shim: bind"), 1;
  if (listen(fd, 4096) != 0) return perror("listen-shim: listen"), 1;
  socklen_t len = sizeof a;
  if (getsockname(fd, (struct sockaddr *)&a, &len) != 0) return perror("listen-shim: getsockname"), 1;
  if (fd != 3) {
    if (dup2(fd, 3) < 0) return perror("listen-shim: dup2"), 1;
    close(fd);
  }
  signal(SIGPIPE, SIG_IGN); /* a WASI guest sees EPIPE from write(), never the signal */
  setenv("LISTEN_FDS", "1", 1);
  fprintf(stderr, "native: fd 3 listening on tcp://127.0.0.1:%u\n", ntohs(a.sin_port));
  return guest_main();
}
