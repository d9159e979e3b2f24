/*
 * fs-race.c — two copies of this guest share one pre-opened box (fd 3): one swaps `d` between a
 * real directory and a symlink to `..` as fast as it can, the other opens `d/secret.txt` and
 * reads it, counting reads of the secret outside the box ("outside\n") — escapes.
 *
 *   wasock run fs-race.wasm --dir <root>/box::/box --instances 2 --bridge worker -- <attempts>
 *   wasock run fs-race.wasm --dir <root>/box::/box --workers 2 -- <attempts>
 *
 * The box holds d/secret.txt ("inside\n") and dlink -> ..; <root>/secret.txt is "outside\n".
 * Roles: the copy that creates `swapper.lock` swaps, the other opens. The opener stops after
 * <attempts> opens and creates `done`; the swapper stops when it sees `done` (or after <attempts>
 * swaps, so copies that do not run at the same time still end). Each prints one line:
 *   race opener attempts=N escapes=E inside=I refused=R failed=F      race swapper swaps=S
 * bench/fs-race.ts runs it and adds the lines up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define BOX 3
#define RIGHTS ((__wasi_rights_t)__WASI_RIGHTS_FD_READ)

static __wasi_errno_t rename_box(const char *from, const char *to) {
  return __wasi_path_rename(BOX, from, BOX, to);
}

/* One attempt: 2 = read the outside secret, 1 = read the inside one, 3 = refused (ENOTCAPABLE:
 * the walk met d -> ..), 0 = failed otherwise (d missing mid-swap: ENOENT, …). */
static int attempt(void) {
  __wasi_fd_t fd;
  __wasi_errno_t e = __wasi_path_open(BOX, 0, "d/secret.txt", 0, RIGHTS, 0, 0, &fd);
  if (e != 0) return e == __WASI_ERRNO_NOTCAPABLE ? 3 : 0;
  char buf[16];
  __wasi_iovec_t iov = {.buf = (uint8_t *)buf, .buf_len = sizeof buf - 1};
  size_t n = 0;
  int r = 0;
  if (__wasi_fd_read(fd, &iov, 1, &n) == 0) {
    buf[n] = 0;
    r = strcmp(buf, "outside\n") == 0 ? 2 : strcmp(buf, "inside\n") == 0 ? 1 : 0;
  }
  (void)__wasi_fd_close(fd);
  return r;
}

static int exists(const char *name) {
  __wasi_filestat_t st;
  return __wasi_path_filestat_get(BOX, 0, name, &st) == 0;
}

/* d -> d.real, dlink -> d (the symlink appears in one rename), then back. */
static long swapper(long limit) {
  long swaps = 0;
  while (swaps < limit && !((swaps & 63) == 0 && exists("done"))) {
    if (rename_box("d", "d.real") != 0 || rename_box("dlink", "d") != 0) break;
    if (rename_box("d", "dlink") != 0 || rename_box("d.real", "d") != 0) break;
    swaps++;
  }
  return swaps;
}

/* Wait `ms` in poll_oneoff: a blocking call, so the host's event loop runs meanwhile. */
static void pause_ms(unsigned ms) {
  __wasi_subscription_t sub;
  memset(&sub, 0, sizeof sub);
  sub.u.tag = __WASI_EVENTTYPE_CLOCK;
  sub.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  sub.u.u.clock.timeout = (uint64_t)ms * 1000000u;
  __wasi_event_t ev;
  __wasi_size_t n;
  (void)__wasi_poll_oneoff(&sub, &ev, 1, &n);
}

int main(int argc, char **argv) {
  long attempts = argc > 1 ? atol(argv[1]) : 100000;
  /* A --workers primary forks the second process once the first reports in; Deno sends that
   * report only when the guest's thread yields, which the loops below never do. */
  pause_ms(300);
  if (__wasi_path_create_directory(BOX, "swapper.lock") == 0) {
    printf("race swapper swaps=%ld\n", swapper(attempts));
    return 0;
  }
  long escapes = 0, inside = 0, refused = 0, failed = 0;
  for (long i = 0; i < attempts; i++) {
    int r = attempt();
    if (r == 2) escapes++;
    else if (r == 1) inside++;
    else if (r == 3) refused++;
    else failed++;
  }
  (void)__wasi_path_create_directory(BOX, "done");
  printf("race opener attempts=%ld escapes=%ld inside=%ld refused=%ld failed=%ld\n", attempts, escapes, inside, refused, failed);
  return 0;
}
