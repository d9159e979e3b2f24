/*
 * fs_escape.c — a held directory fd acts on the directory that was opened, never on whatever
 * its name points to later; a path walk cannot be swapped out of the pre-open.
 *
 * Run with the box on fd 3 (no listener):
 *   wasock run fs_escape.wasm --dir <root>/box::/box
 * The harness prepares <root>/box/sw/inner.txt ("inside sw"), <root>/box/d/secret.txt
 * ("inside\n"), <root>/outside/outside.txt and <root>/secret.txt ("outside\n"). The guest:
 *   1. opens `sw`, renames it to `sw2` and puts `sw -> ../outside` in its place, then uses the fd
 *      it holds: fd_readdir lists sw2, fd_filestat_get is sw2's inode, fd_filestat_set_times
 *      stamps sw2 (2001-01-01; the harness checks outside/ kept its mtime), path_create_directory,
 *      path_open and path_filestat_get beneath it reach sw2's entries, `.` reopens sw2;
 *   2. swaps `d` for `d -> ..` and back, many times, opening `d/secret.txt` and the file through a
 *      fd held on `d` each time: never the outside secret.
 * Afterwards the harness checks that sw2/made exists and outside/ has nothing new.
 *
 * Built twice: as is (imports from wasi_snapshot_preview1) and as fs_escape_wasix.c, which sets
 * FS_MODULE to "wasix_32v1" (WASIX offers every preview1 name). Only stdout goes through libc.
 */
#include "check.h"

#ifndef FS_MODULE
#define FS_MODULE "wasi_snapshot_preview1"
#endif
#define IMPORT(name) __attribute__((__import_module__(FS_MODULE), __import_name__(#name)))

IMPORT(path_open) int32_t x_path_open(int32_t fd, int32_t dirflags, const char *path, size_t len, int32_t oflags,
                                      int64_t base, int64_t inheriting, int32_t fdflags, uint32_t *ret_fd);
IMPORT(fd_readdir) int32_t x_fd_readdir(int32_t fd, uint8_t *buf, size_t len, uint64_t cookie, uint32_t *used);
IMPORT(fd_filestat_get) int32_t x_fd_filestat_get(int32_t fd, __wasi_filestat_t *st);
IMPORT(fd_filestat_set_times) int32_t x_fd_filestat_set_times(int32_t fd, uint64_t atim, uint64_t mtim, int32_t fst);
IMPORT(path_filestat_get) int32_t x_path_filestat_get(int32_t fd, int32_t flags, const char *path, size_t len,
                                                      __wasi_filestat_t *st);
IMPORT(path_rename) int32_t x_path_rename(int32_t fd, const char *from, size_t from_len, int32_t to_fd,
                                          const char *to, size_t to_len);
IMPORT(path_symlink) int32_t x_path_symlink(const char *target, size_t target_len, int32_t fd, const char *path,
                                            size_t len);
IMPORT(path_unlink_file) int32_t x_path_unlink_file(int32_t fd, const char *path, size_t len);
IMPORT(path_create_directory) int32_t x_path_create_directory(int32_t fd, const char *path, size_t len);
IMPORT(fd_read) int32_t x_fd_read(int32_t fd, const __wasi_iovec_t *iovs, size_t n, size_t *nread);
IMPORT(fd_close) int32_t x_fd_close(int32_t fd);
IMPORT(fd_sync) int32_t x_fd_sync(int32_t fd);
IMPORT(fd_renumber) int32_t x_fd_renumber(int32_t from, int32_t to);
IMPORT(path_filestat_set_times) int32_t x_path_filestat_set_times(int32_t fd, int32_t flags, const char *path, size_t len,
                                                                  uint64_t atim, uint64_t mtim, int32_t fst);
IMPORT(path_readlink) int32_t x_path_readlink(int32_t fd, const char *path, size_t len, uint8_t *buf, size_t buf_len,
                                              size_t *used);

#define BOX 3
#define ALL ((int64_t)0x1fffffff & ~(int64_t)__WASI_RIGHTS_FD_WRITE)
#define MTIME_2001 978307200000000000ull
#define ROUNDS 2000

static unsigned open_at(int32_t dir, const char *path, int32_t oflags, uint32_t *fd) {
  return (unsigned)x_path_open(dir, 0, path, strlen(path), oflags, ALL, ALL, 0, fd);
}

static unsigned stat_at(int32_t dir, const char *path, __wasi_filestat_t *st) {
  return (unsigned)x_path_filestat_get(dir, 0, path, strlen(path), st);
}

static unsigned rename_at(const char *from, const char *to) {
  return (unsigned)x_path_rename(BOX, from, strlen(from), BOX, to, strlen(to));
}

static unsigned symlink_at(const char *target, const char *path) {
  return (unsigned)x_path_symlink(target, strlen(target), BOX, path, strlen(path));
}

/* Open `path` beneath `dir` and read it into `buf` (NUL-terminated); the errno. */
static unsigned read_at(int32_t dir, const char *path, char *buf, size_t size) {
  uint32_t fd;
  buf[0] = 0;
  unsigned e = open_at(dir, path, 0, &fd);
  if (e != 0) return e;
  __wasi_iovec_t iov = {.buf = (uint8_t *)buf, .buf_len = size - 1};
  size_t n = 0;
  e = (unsigned)x_fd_read((int32_t)fd, &iov, 1, &n);
  buf[e == 0 ? n : 0] = 0;
  x_fd_close((int32_t)fd);
  return e;
}

/* Whether fd_readdir of `dir` lists `name` (one call: the test directories are small). */
static int lists(int32_t dir, const char *name) {
  uint8_t buf[4096];
  uint32_t used = 0;
  if (x_fd_readdir(dir, buf, sizeof buf, 0, &used) != 0) return 0;
  size_t len = strlen(name);
  for (uint32_t at = 0; at + sizeof(__wasi_dirent_t) <= used;) {
    __wasi_dirent_t d;
    memcpy(&d, buf + at, sizeof d);
    at += sizeof d;
    if (d.d_namlen == len && at + len <= used && memcmp(buf + at, name, len) == 0) return 1;
    at += d.d_namlen;
  }
  return 0;
}

/* 1. A held fd of `sw` after `sw` was renamed and replaced by a symlink leading out. */
static void held_after_swap(void) {
  uint32_t sw;
  if (!check_errno("open sw", open_at(BOX, "sw", __WASI_OFLAGS_DIRECTORY, &sw), 0)) bail("open sw");
  __wasi_filestat_t before, after, sw2;
  check_errno("fd_filestat_get sw", (unsigned)x_fd_filestat_get((int32_t)sw, &before), 0);
  check_errno("rename sw sw2", rename_at("sw", "sw2"), 0);
  check_errno("symlink sw -> ../outside", symlink_at("../outside", "sw"), 0);

  check_true("fd_readdir lists sw2's entry", lists((int32_t)sw, "inner.txt"), "no inner.txt", "inner.txt");
  check_true("fd_readdir does not list outside", !lists((int32_t)sw, "outside.txt"), "outside.txt", "sw2's entries");

  check_errno("path_create_directory beneath held", (unsigned)x_path_create_directory((int32_t)sw, "made", 4), 0);
  check_errno("fd_filestat_get held", (unsigned)x_fd_filestat_get((int32_t)sw, &after), 0);
  check_errno("path_filestat_get sw2", stat_at(BOX, "sw2", &sw2), 0);
  check_u64("fd_filestat_get is sw2's inode", after.ino, sw2.ino);
  check_u64("fd_filestat_get is the inode opened", after.ino, before.ino);
  check_u64("fd_filestat_get is a directory", after.filetype, __WASI_FILETYPE_DIRECTORY);

  check_errno("fd_filestat_set_times held", (unsigned)x_fd_filestat_set_times((int32_t)sw, 0, MTIME_2001, __WASI_FSTFLAGS_MTIM), 0);
  check_errno("path_filestat_get sw2 again", stat_at(BOX, "sw2", &sw2), 0);
  check_u64("fd_filestat_set_times stamped sw2", sw2.mtim, MTIME_2001);

  char text[64];
  check_errno("path_open inner.txt beneath held", read_at((int32_t)sw, "inner.txt", text, sizeof text), 0);
  check_bytes("path_open inner.txt content", text, strlen(text), "inside sw");
  check_errno("path_open outside.txt beneath held", read_at((int32_t)sw, "outside.txt", text, sizeof text), __WASI_ERRNO_NOENT);
  __wasi_filestat_t st;
  check_errno("path_filestat_get inner.txt beneath held", stat_at((int32_t)sw, "inner.txt", &st), 0);
  check_errno("path_filestat_get outside.txt beneath held", stat_at((int32_t)sw, "outside.txt", &st), __WASI_ERRNO_NOENT);
  check_errno("fd_sync held", (unsigned)x_fd_sync((int32_t)sw), 0);

  uint32_t again;
  if (check_errno("path_open . beneath held", open_at((int32_t)sw, ".", __WASI_OFLAGS_DIRECTORY, &again), 0)) {
    check_true("fd_readdir of the reopened dir lists sw2's entry", lists((int32_t)again, "made"), "no made", "made");
    x_fd_close((int32_t)again);
  }
  check_errno("path_open ../outside beneath held", open_at((int32_t)sw, "../outside", __WASI_OFLAGS_DIRECTORY, &again), __WASI_ERRNO_NOTCAPABLE);
  check_errno("fd_close held", (unsigned)x_fd_close((int32_t)sw), 0);

  /* Through the box, sw is now the symlink out: refused as it always was. */
  check_errno("path_open sw/outside.txt", read_at(BOX, "sw/outside.txt", text, sizeof text), __WASI_ERRNO_NOTCAPABLE);
}

/* Paths naming a directory itself through a step of the walk (`sw2/.`, `sw2/..`): stat, stamp
 * and open act on that directory; there is no name to read as a link or to create. */
static void dir_itself(void) {
  __wasi_filestat_t sw2, dot, box, up;
  check_errno("path_filestat_get sw2", stat_at(BOX, "sw2", &sw2), 0);
  if (check_errno("path_filestat_get sw2/.", stat_at(BOX, "sw2/.", &dot), 0)) check_u64("sw2/. is sw2", dot.ino, sw2.ino);
  check_errno("fd_filestat_get box", (unsigned)x_fd_filestat_get(BOX, &box), 0);
  if (check_errno("path_filestat_get sw2/..", stat_at(BOX, "sw2/..", &up), 0)) check_u64("sw2/.. is the box", up.ino, box.ino);
  check_errno("path_filestat_set_times sw2/.",
              (unsigned)x_path_filestat_set_times(BOX, 0, "sw2/.", 5, 0, MTIME_2001, __WASI_FSTFLAGS_MTIM), 0);
  if (check_errno("path_filestat_get sw2/. again", stat_at(BOX, "sw2/.", &dot), 0)) check_u64("sw2/. stamped", dot.mtim, MTIME_2001);
  uint32_t fd;
  if (check_errno("path_open sw2/.", open_at(BOX, "sw2/.", __WASI_OFLAGS_DIRECTORY, &fd), 0)) {
    check_true("path_open sw2/. lists sw2", lists((int32_t)fd, "inner.txt"), "no inner.txt", "inner.txt");
    x_fd_close((int32_t)fd);
  }
  uint8_t buf[64];
  size_t used = 0;
  check_errno("path_readlink sw2/.", (unsigned)x_path_readlink(BOX, "sw2/.", 5, buf, sizeof buf, &used), __WASI_ERRNO_INVAL);
  check_errno("path_create_directory sw2/.", (unsigned)x_path_create_directory(BOX, "sw2/.", 5), __WASI_ERRNO_EXIST);
}

/* 2. `d` swapped for `d -> ..` and back: neither the walk nor a held fd of d leads out. */
static void swap_rounds(void) {
  uint32_t held;
  if (!check_errno("open d", open_at(BOX, "d", __WASI_OFLAGS_DIRECTORY, &held), 0)) bail("open d");
  int escapes = 0, refused = 0, inside = 0, held_ok = 0;
  char text[64];
  for (int i = 0; i < ROUNDS; i++) {
    if (rename_at("d", "d.real") != 0 || symlink_at("..", "d") != 0) bail("swap d out");
    unsigned e = read_at(BOX, "d/secret.txt", text, sizeof text);
    if (e == 0 && strcmp(text, "outside\n") == 0) escapes++;
    if (e == __WASI_ERRNO_NOTCAPABLE) refused++;
    if (read_at((int32_t)held, "secret.txt", text, sizeof text) == 0 && strcmp(text, "inside\n") == 0) held_ok++;
    if (read_at((int32_t)held, "../secret.txt", text, sizeof text) == 0) escapes++;
    if (x_path_unlink_file(BOX, "d", 1) != 0 || rename_at("d.real", "d") != 0) bail("swap d back");
    if (read_at(BOX, "d/secret.txt", text, sizeof text) == 0 && strcmp(text, "inside\n") == 0) inside++;
  }
  x_fd_close((int32_t)held);
  check_u64("swap: escapes", (uint64_t)escapes, 0);
  check_u64("swap: d -> .. refused", (uint64_t)refused, ROUNDS);
  check_u64("swap: real d read", (uint64_t)inside, ROUNDS);
  check_u64("swap: held d read", (uint64_t)held_ok, ROUNDS);
}

int main(void) {
  held_after_swap();
  dir_itself();
  swap_rounds();
  /* Left open on purpose: the runtime closes their host fds when the guest ends, and the host fd
   * of a directory fd_renumber replaces at once (the harness counts the process's fds). */
  uint32_t left, replaced;
  check_errno("open sw2, left open", open_at(BOX, "sw2", __WASI_OFLAGS_DIRECTORY, &left), 0);
  check_errno("open d, to be replaced", open_at(BOX, "d", __WASI_OFLAGS_DIRECTORY, &replaced), 0);
  check_errno("fd_renumber onto a directory", (unsigned)x_fd_renumber((int32_t)left, (int32_t)replaced), 0);
  check_true("fd_renumber: the fd lists sw2", lists((int32_t)replaced, "inner.txt"), "no inner.txt", "inner.txt");
  check_errno("open d/secret.txt, left open", open_at(BOX, "d/secret.txt", 0, &left), 0);
  return finish();
}
