/*
 * exit_with_clients.c — a guest that leaves while clients are still connected.
 *
 * Prints its argv and the environment variables LISTEN_FDS and GREETING, accepts
 * two clients on fd 3 (blocking), sends each "bye\n", then exits with the code
 * given as argv[1] (default 3) WITHOUT closing anything: the host must close the
 * connections (clients see the data, then EOF) and exit with that code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
  const char *fds = getenv("LISTEN_FDS"), *greeting = getenv("GREETING");
  printf("LISTEN_FDS=%s\nGREETING=%s\n", fds ? fds : "(unset)", greeting ? greeting : "(unset)");
  fflush(stdout);
  for (int i = 0; i < 2; i++) {
    int c = accept(3, NULL, NULL);
    if (c < 0) {
      perror("accept");
      return 1;
    }
    if (write(c, "bye\n", 4) != 4) {
      perror("write");
      return 1;
    }
  }
  printf("leaving\n");
  fflush(stdout);
  exit(argc > 1 ? atoi(argv[1]) : 3);
}
