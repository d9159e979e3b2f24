/*
 * echo-blocking.c — the smallest echo server: one client at a time,
 * blocking calls only (the classic socket_listen/socket_accept tutorial).
 *
 *   wasock run --listen 127.0.0.1:7000 examples/echo-blocking.wasm
 *   nc 127.0.0.1 7000
 *
 * fd 3 is the pre-opened listener. accept() waits for a client, read() waits
 * for data, write() sends it back; read() returning 0 (the client closed or
 * half-closed) ends the connection, then the next client is accepted.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define LISTENER 3

/* write() may take only part of the buffer: loop until all of it is sent. */
static int write_all(int fd, const char *p, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

int main(void) {
  static char buf[16384];
  fprintf(stderr, "echo-blocking: waiting for clients on fd %d\n", LISTENER);

  for (;;) {
    /* wasi-libc's accept() writes through addr/addrlen: never pass NULL. */
    struct sockaddr_storage sa;
    socklen_t sl = sizeof sa;
    int client = accept(LISTENER, (struct sockaddr *)&sa, &sl);
    if (client < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      perror("echo-blocking: accept");
      return 1; /* EBADF/ENOTSOCK/...: no listener to serve */
    }

    for (;;) {
      ssize_t n = read(client, buf, sizeof buf);
      if (n == 0) break; /* the client is done sending */
      if (n < 0) {
        if (errno == EINTR) continue;
        break; /* reset: drop this client */
      }
      if (write_all(client, buf, (size_t)n) != 0) break;
    }
    close(client);
  }
}
