/*
 * fs_basic.c — files beneath a pre-opened directory, asserted from inside the guest.
 *
 * Run with a listener AND a directory after it:
 *   wasock run fs_basic.wasm --listen 127.0.0.1:0 --dir <tmp>/data::/data
 * fd 3 = the listener, fd 4 = /data. wasi-libc finds /data by scanning fd_prestat_get from 3,
 * so every libc call on "/data/..." working proves the scan went past the socket.
 *
 * The harness prepares <tmp>/data: hello.txt ("hello from the host\n"), sub/inner.txt
 * ("inner"), inside-link -> sub/inner.txt, sub-link -> sub, and three ways out:
 * escape -> ../secret.txt, abs-escape -> <tmp>/secret.txt, up-link -> .. (a directory outside).
 * Afterwards it checks what the guest left: out.txt, made/f.txt, moved.txt, from-socket.txt,
 * no tmp.txt, no gone.txt, no fault-created.
 *
 * Escapes are ENOTCAPABLE (wasock's choice; wasmtime's current preview1 says EPERM).
 * With SECOND_DIR=<host path> in the environment, fd 5 must be a second pre-open named that.
 * Peer actions: "connect", "send 0 ping", "expect 0 pong".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

#define LISTENER 3
#define DATA 4
#define NO_FD 99
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
#define ALL_RIGHTS ((__wasi_rights_t)0x1fffffff)

/* path_open with an explicit (pointer, length), which wasi-libc's wrapper computes with strlen. */
__attribute__((__import_module__("wasi_snapshot_preview1"), __import_name__("path_open")))
int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t path_len, int32_t oflags,
                      int64_t base, int64_t inheriting, int32_t fdflags, int32_t ret_fd);

static __wasi_errno_t open_raw(const char *path, size_t len, __wasi_lookupflags_t dirflags,
                               __wasi_oflags_t oflags, __wasi_fd_t *fd) {
  return (__wasi_errno_t)raw_path_open(DATA, dirflags, (int32_t)(uintptr_t)path, (int32_t)len, oflags,
                                       ALL_RIGHTS, ALL_RIGHTS, 0, (int32_t)(uintptr_t)fd);
}

/* Open for reading (FD_WRITE on a directory would be EISDIR, as open(2) says). */
static __wasi_errno_t open_at(__wasi_fd_t dir, const char *path, __wasi_lookupflags_t dirflags,
                              __wasi_oflags_t oflags, __wasi_fd_t *fd) {
  return __wasi_path_open(dir, dirflags, path, oflags, ALL_RIGHTS & ~(__wasi_rights_t)__WASI_RIGHTS_FD_WRITE, ALL_RIGHTS, 0, fd);
}

/* The whole content of a file through stdio, or "" when it cannot be read. */
static const char *slurp(const char *path) {
  static char buf[256];
  buf[0] = 0;
  FILE *f = fopen(path, "r");
  if (!f) return buf;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = 0;
  fclose(f);
  return buf;
}

/* The pre-open scan: a socket on fd 3 does not hide the directory on fd 4. */
static void preopens(void) {
  __wasi_prestat_t pre;
  memset(&pre, 0, sizeof pre);
  if (check_errno("fd_prestat_get dir", __wasi_fd_prestat_get(DATA, &pre), 0)) {
    check_u64("fd_prestat_get dir tag", pre.tag, __WASI_PREOPENTYPE_DIR);
    check_u64("fd_prestat_get dir name length", pre.u.dir.pr_name_len, 5);
  }
  char name[16] = {0};
  if (check_errno("fd_prestat_dir_name", __wasi_fd_prestat_dir_name(DATA, (uint8_t *)name, 5), 0))
    check_bytes("fd_prestat_dir_name text", name, strlen(name), "/data");
  check_errno("fd_prestat_dir_name short buffer", __wasi_fd_prestat_dir_name(DATA, (uint8_t *)name, 2), __WASI_ERRNO_NAMETOOLONG);
  check_errno("fd_prestat_get listener still non-dir", __wasi_fd_prestat_get(LISTENER, &pre), 0);

  /* SECOND_DIR=<name>: a second --dir given without ::guest is fd 5, named as the host path given. */
  const char *second = getenv("SECOND_DIR");
  if (second) {
    char name2[256] = {0};
    if (check_errno("fd_prestat_get second dir", __wasi_fd_prestat_get(DATA + 1, &pre), 0) &&
        check_u64("second dir name length", pre.u.dir.pr_name_len, strlen(second)) &&
        check_errno("fd_prestat_dir_name second", __wasi_fd_prestat_dir_name(DATA + 1, (uint8_t *)name2, pre.u.dir.pr_name_len), 0))
      check_bytes("second dir named as given", name2, strlen(name2), second);
  }

  __wasi_fdstat_t st;
  if (check_errno("fd_fdstat_get dir", __wasi_fd_fdstat_get(DATA, &st), 0)) {
    check_u64("fd_fdstat_get dir filetype", st.fs_filetype, __WASI_FILETYPE_DIRECTORY);
    check_true("fd_fdstat_get dir inherits read+write", (st.fs_rights_inheriting & (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE)) == (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE), "missing", "FD_READ|FD_WRITE");
  }
}

/* Plain libc: read, write, append, stat, seek, list, mkdir, rename, unlink. */
static void libc_files(void) {
  check_bytes("fopen+fread hello.txt", slurp("/data/hello.txt"), strlen(slurp("/data/hello.txt")), "hello from the host\n");

  struct stat sb;
  if (check_errno("stat hello.txt", stat("/data/hello.txt", &sb) == 0 ? 0 : errno, 0)) {
    check_u64("stat hello.txt size", (uint64_t)sb.st_size, 20);
    check_true("stat hello.txt is regular", S_ISREG(sb.st_mode), "not S_ISREG", "S_ISREG");
  }
  check_errno("stat missing", stat("/data/missing", &sb) == 0 ? 0 : errno, __WASI_ERRNO_NOENT);

  FILE *f = fopen("/data/out.txt", "w");
  check_true("fopen out.txt w", f != NULL, "NULL", "a FILE");
  if (f) {
    check_u64("fwrite out.txt", fwrite("written by the guest\n", 1, 21, f), 21);
    check_errno("fclose out.txt", fclose(f) == 0 ? 0 : errno, 0);
  }
  f = fopen("/data/out.txt", "a");
  if (f) {
    fputs("appended\n", f);
    fclose(f);
  }
  check_bytes("out.txt after append", slurp("/data/out.txt"), strlen(slurp("/data/out.txt")), "written by the guest\nappended\n");

  int fd = open("/data/hello.txt", O_RDONLY);
  check_true("open hello.txt", fd >= 0, "-1", "an fd");
  char buf[16] = {0};
  check_u64("lseek SET 6", (uint64_t)lseek(fd, 6, SEEK_SET), 6);
  check_u64("read 4 after seek", (uint64_t)read(fd, buf, 4), 4);
  check_bytes("read after seek", buf, 4, "from");
  check_u64("lseek CUR 0", (uint64_t)lseek(fd, 0, SEEK_CUR), 10);
  check_u64("lseek END -5", (uint64_t)lseek(fd, -5, SEEK_END), 15);
  check_errno("lseek before start", lseek(fd, -100, SEEK_CUR) < 0 ? errno : 0, __WASI_ERRNO_INVAL);
  check_u64("pread 5 at 0", (uint64_t)pread(fd, buf, 5, 0), 5);
  check_bytes("pread data", buf, 5, "hello");
  check_u64("pread left the offset", (uint64_t)lseek(fd, 0, SEEK_CUR), 15);
  check_u64("fcntl F_GETFL is O_RDONLY", (uint64_t)(fcntl(fd, F_GETFL) & O_ACCMODE), O_RDONLY);
  check_errno("write to O_RDONLY", write(fd, "x", 1) < 0 ? errno : 0, __WASI_ERRNO_BADF);
  check_errno("close hello.txt", close(fd) == 0 ? 0 : errno, 0);
  check_errno("close again", close(fd) == 0 ? 0 : errno, __WASI_ERRNO_BADF);

  check_errno("open O_CREAT|O_EXCL existing", open("/data/hello.txt", O_WRONLY | O_CREAT | O_EXCL, 0644) < 0 ? errno : 0, __WASI_ERRNO_EXIST);
  check_errno("open missing", open("/data/missing", O_RDONLY) < 0 ? errno : 0, __WASI_ERRNO_NOENT);
  check_errno("open file/ (trailing slash)", open("/data/hello.txt/", O_RDONLY) < 0 ? errno : 0, __WASI_ERRNO_NOTDIR);
  check_errno("opendir on a file", opendir("/data/hello.txt") == NULL ? errno : 0, __WASI_ERRNO_NOTDIR);

  check_errno("mkdir made", mkdir("/data/made", 0755) == 0 ? 0 : errno, 0);
  check_errno("mkdir made again", mkdir("/data/made", 0755) == 0 ? 0 : errno, __WASI_ERRNO_EXIST);
  f = fopen("/data/made/f.txt", "w");
  if (f) {
    fputs("in a new dir", f);
    fclose(f);
  }
  check_errno("rmdir non-empty", rmdir("/data/made") == 0 ? 0 : errno, __WASI_ERRNO_NOTEMPTY);
  check_errno("unlink a directory", unlink("/data/made") == 0 ? 0 : errno, __WASI_ERRNO_ISDIR);
  check_errno("mkdir+rmdir empty", mkdir("/data/empty", 0755) == 0 && rmdir("/data/empty") == 0 ? 0 : errno, 0);

  f = fopen("/data/tmp.txt", "w");
  if (f) {
    fputs("moved", f);
    fclose(f);
  }
  check_errno("rename tmp.txt moved.txt", rename("/data/tmp.txt", "/data/moved.txt") == 0 ? 0 : errno, 0);
  check_errno("stat renamed-away name", stat("/data/tmp.txt", &sb) == 0 ? 0 : errno, __WASI_ERRNO_NOENT);
  f = fopen("/data/gone.txt", "w");
  if (f) fclose(f);
  check_errno("unlink gone.txt", unlink("/data/gone.txt") == 0 ? 0 : errno, 0);

  fd = open("/data/trunc.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
  check_u64("write trunc.txt", (uint64_t)write(fd, "0123456789", 10), 10);
  check_errno("ftruncate 3", ftruncate(fd, 3) == 0 ? 0 : errno, 0);
  check_errno("fstat after ftruncate", fstat(fd, &sb) == 0 ? 0 : errno, 0);
  check_u64("size after ftruncate", (uint64_t)sb.st_size, 3);
  /* APPEND switched on later (fcntl → fd_fdstat_set_flags) writes at the end, not the offset. */
  lseek(fd, 0, SEEK_SET);
  check_errno("fcntl F_SETFL O_APPEND", fcntl(fd, F_SETFL, O_APPEND) == 0 ? 0 : errno, 0);
  write(fd, "X", 1);
  check_u64("pread after append", (uint64_t)pread(fd, buf, sizeof buf, 0), 4);
  check_bytes("appended at the end", buf, 4, "012X");
  close(fd);
  unlink("/data/trunc.txt");
}

/* opendir/readdir, and raw fd_readdir's cookies and truncation. */
static void listing(void) {
  DIR *d = opendir("/data");
  check_true("opendir /data", d != NULL, "NULL", "a DIR");
  int seen_dot = 0, seen_hello = 0, seen_sub = 0, seen_link = 0, n = 0;
  struct dirent *de;
  while (d && (de = readdir(d)) != NULL) {
    n++;
    if (strcmp(de->d_name, ".") == 0) seen_dot = 1;
    if (strcmp(de->d_name, "hello.txt") == 0) seen_hello = de->d_type == DT_REG && de->d_ino != 0;
    if (strcmp(de->d_name, "sub") == 0) seen_sub = de->d_type == DT_DIR;
    if (strcmp(de->d_name, "inside-link") == 0) seen_link = de->d_type == DT_LNK;
  }
  if (d) closedir(d);
  check_true("readdir has .", seen_dot, "missing", "present");
  check_true("readdir hello.txt regular with inode", seen_hello, "missing/wrong", "DT_REG, d_ino != 0");
  check_true("readdir sub is a directory", seen_sub, "missing/wrong", "DT_DIR");
  check_true("readdir inside-link is a symlink", seen_link, "missing/wrong", "DT_LNK");

  __wasi_fd_t sub = 0;
  check_errno("path_open a directory for writing", __wasi_path_open(DATA, FOLLOW, "sub", 0, ALL_RIGHTS, ALL_RIGHTS, 0, &sub), __WASI_ERRNO_ISDIR);
  if (!check_errno("path_open sub O_DIRECTORY", open_at(DATA, "sub", FOLLOW, __WASI_OFLAGS_DIRECTORY, &sub), 0)) return;
  /* sub holds ".", "..", "inner.txt": 24+1 + 24+2 + 24+9 = 84 bytes. */
  uint8_t buf[256];
  __wasi_size_t used = 0;
  check_errno("fd_readdir whole", __wasi_fd_readdir(sub, buf, sizeof buf, 0, &used), 0);
  check_u64("fd_readdir bytes", used, 84);
  __wasi_dirent_t first;
  memcpy(&first, buf, sizeof first);
  check_u64("fd_readdir first d_next", first.d_next, 1);
  check_u64("fd_readdir first d_namlen", first.d_namlen, 1);
  /* A 30-byte buffer: "." whole (25 bytes), then 5 bytes of "..": full means "call again". */
  check_errno("fd_readdir small buffer", __wasi_fd_readdir(sub, buf, 30, 0, &used), 0);
  check_u64("fd_readdir truncated fills the buffer", used, 30);
  check_errno("fd_readdir from cookie 2", __wasi_fd_readdir(sub, buf, sizeof buf, 2, &used), 0);
  check_u64("fd_readdir cookie 2 bytes", used, 33);
  check_bytes("fd_readdir cookie 2 name", buf + 24, 9, "inner.txt");
  check_errno("fd_readdir past the end", __wasi_fd_readdir(sub, buf, sizeof buf, 3, &used), 0);
  check_u64("fd_readdir past the end bytes", used, 0);
  check_errno("fd_readdir on the listener", __wasi_fd_readdir(LISTENER, buf, sizeof buf, 0, &used), __WASI_ERRNO_NOTDIR);
  /* A directory the guest opened is a capability for itself only. */
  __wasi_fd_t fd = 0;
  check_errno("path_open ../hello.txt from sub", open_at(sub, "../hello.txt", FOLLOW, 0, &fd), __WASI_ERRNO_NOTCAPABLE);
  check_errno("fd_prestat_get opened dir", __wasi_fd_prestat_get(sub, &(__wasi_prestat_t){0}), __WASI_ERRNO_BADF);
  check_errno("fd_close sub", __wasi_fd_close(sub), 0);
}

/* Symlinks inside the directory work; every way out is refused. */
static void sandbox(void) {
  char link[64] = {0};
  check_u64("readlink inside-link", (uint64_t)readlink("/data/inside-link", link, sizeof link - 1), 13);
  check_bytes("readlink text", link, strlen(link), "sub/inner.txt");
  check_bytes("read through inside-link", slurp("/data/inside-link"), strlen(slurp("/data/inside-link")), "inner");
  check_bytes("read through sub-link/", slurp("/data/sub-link/inner.txt"), strlen(slurp("/data/sub-link/inner.txt")), "inner");
  check_bytes("read sub/../hello.txt", slurp("/data/sub/../hello.txt"), 5, "hello");

  __wasi_fd_t fd = 0;
  check_errno("escape ../x", open_at(DATA, "../x", FOLLOW, 0, &fd), __WASI_ERRNO_NOTCAPABLE);
  check_errno("escape sub/../../x", open_at(DATA, "sub/../../x", FOLLOW, 0, &fd), __WASI_ERRNO_NOTCAPABLE);
  check_errno("escape /etc/passwd", open_at(DATA, "/etc/passwd", FOLLOW, 0, &fd), __WASI_ERRNO_NOTCAPABLE);
  check_errno("escape symlink ../secret.txt", open_at(DATA, "escape", FOLLOW, 0, &fd), __WASI_ERRNO_NOTCAPABLE);
  check_errno("escape absolute symlink", open_at(DATA, "abs-escape", FOLLOW, 0, &fd), __WASI_ERRNO_NOTCAPABLE);
  check_errno("escape via intermediate symlink", open_at(DATA, "up-link/secret.txt", FOLLOW, 0, &fd), __WASI_ERRNO_NOTCAPABLE);
  check_errno("escape O_CREAT ../new", open_at(DATA, "../new", FOLLOW, __WASI_OFLAGS_CREAT, &fd), __WASI_ERRNO_NOTCAPABLE);
  check_errno("escape libc fopen", fopen("/data/escape", "r") == NULL ? errno : 0, __WASI_ERRNO_NOTCAPABLE);
  check_errno("escape libc stat", stat("/data/up-link/secret.txt", &(struct stat){0}) == 0 ? 0 : errno, __WASI_ERRNO_NOTCAPABLE);
  check_errno("escape path_create_directory", __wasi_path_create_directory(DATA, "../made-outside"), __WASI_ERRNO_NOTCAPABLE);
  check_errno("escape path_filestat_get follow", __wasi_path_filestat_get(DATA, FOLLOW, "escape", &(__wasi_filestat_t){0}), __WASI_ERRNO_NOTCAPABLE);
  check_errno("path_symlink absolute target", __wasi_path_symlink("/etc/passwd", DATA, "new-link"), __WASI_ERRNO_NOTCAPABLE);
  check_errno("path_remove_directory .", __wasi_path_remove_directory(DATA, "."), __WASI_ERRNO_INVAL);

  /* Not following the last symlink is allowed: it is the link itself, not its target. */
  __wasi_filestat_t st;
  if (check_errno("path_filestat_get nofollow escape", __wasi_path_filestat_get(DATA, 0, "escape", &st), 0))
    check_u64("nofollow escape is a symlink", st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
  check_errno("path_open nofollow symlink", open_at(DATA, "escape", 0, 0, &fd), __WASI_ERRNO_LOOP);

  /* NUL inside a path; bad pointers; a table-level fault must not create the file. */
  check_errno("path with NUL", open_raw("hello.txt\0x", 11, FOLLOW, 0, &fd), __WASI_ERRNO_INVAL);
  check_errno("path out of bounds", open_raw((const char *)BAD_PTR, 5, FOLLOW, 0, &fd), __WASI_ERRNO_FAULT);
  check_errno("ret fd out of bounds", open_raw("fault-created", 13, FOLLOW, __WASI_OFLAGS_CREAT, (__wasi_fd_t *)BAD_PTR), __WASI_ERRNO_FAULT);
  check_errno("nothing created on EFAULT", __wasi_path_filestat_get(DATA, 0, "fault-created", &st), __WASI_ERRNO_NOENT);
  check_errno("filestat out of bounds", __wasi_path_filestat_get(DATA, FOLLOW, "hello.txt", (__wasi_filestat_t *)BAD_PTR), __WASI_ERRNO_FAULT);
}

/* fd kinds: bad fds, sockets as path bases, files as sockets; fd_renumber; times. */
static void kinds(void) {
  __wasi_fd_t fd = 0, other = 0;
  check_errno("path_open unknown fd", __wasi_path_open(NO_FD, FOLLOW, "x", 0, 0, 0, 0, &fd), __WASI_ERRNO_BADF);
  check_errno("path_open on the listener", __wasi_path_open(LISTENER, FOLLOW, "x", 0, 0, 0, 0, &fd), __WASI_ERRNO_NOTDIR);
  check_errno("path_open on stdout", __wasi_path_open(1, FOLLOW, "x", 0, 0, 0, 0, &fd), __WASI_ERRNO_NOTDIR);
  check_errno("fd_seek listener", __wasi_fd_seek(LISTENER, 0, __WASI_WHENCE_CUR, &(__wasi_filesize_t){0}), __WASI_ERRNO_SPIPE);

  if (!check_errno("path_open hello.txt", open_at(DATA, "hello.txt", FOLLOW, 0, &fd), 0)) return;
  __wasi_fdstat_t fst;
  if (check_errno("fd_fdstat_get file", __wasi_fd_fdstat_get(fd, &fst), 0))
    check_u64("fd_fdstat_get file filetype", fst.fs_filetype, __WASI_FILETYPE_REGULAR_FILE);
  size_t n = 0;
  char buf[8];
  check_errno("sock_recv on a file", recv1(fd, buf, sizeof buf, 0, &n), __WASI_ERRNO_NOTSOCK);
  check_errno("sock_send on a file", send1(fd, "x", &n), __WASI_ERRNO_NOTSOCK);
  __wasi_iovec_t bad = {.buf = (uint8_t *)BAD_PTR, .buf_len = 8};
  check_errno("fd_read buffer out of bounds", __wasi_fd_read(fd, &bad, 1, &n), __WASI_ERRNO_FAULT);
  check_errno("fd_read on a dir", __wasi_fd_read(DATA, &(__wasi_iovec_t){.buf = (uint8_t *)buf, .buf_len = 8}, 1, &n), __WASI_ERRNO_ISDIR);

  check_errno("path_open sub/inner.txt", open_at(DATA, "sub/inner.txt", FOLLOW, 0, &other), 0);
  check_errno("fd_renumber file onto file", __wasi_fd_renumber(fd, other), 0);
  __wasi_iovec_t iov = {.buf = (uint8_t *)buf, .buf_len = 5};
  if (check_errno("fd_read renumbered", __wasi_fd_read(other, &iov, 1, &n), 0)) check_bytes("renumbered fd reads hello.txt", buf, n, "hello");
  check_errno("fd_read old number", __wasi_fd_read(fd, &iov, 1, &n), __WASI_ERRNO_BADF);
  check_errno("fd_renumber to a closed fd", __wasi_fd_renumber(other, NO_FD), __WASI_ERRNO_BADF);

  __wasi_filestat_t st;
  check_errno("path_filestat_set_times", __wasi_path_filestat_set_times(DATA, FOLLOW, "hello.txt", 1000000000000000000ull, 1500000000000000000ull, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM), 0);
  if (check_errno("fd_filestat_get", __wasi_fd_filestat_get(other, &st), 0)) {
    check_u64("mtim set", st.mtim, 1500000000000000000ull);
    check_u64("atim set", st.atim, 1000000000000000000ull);
    check_u64("filestat size", st.size, 20);
  }
  check_errno("set_times ATIM|ATIM_NOW", __wasi_fd_filestat_set_times(other, 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW), __WASI_ERRNO_INVAL);
  check_errno("fd_close renumbered", __wasi_fd_close(other), 0);
}

/* Links made by the guest, sync/advise/allocate, rights, positional writes. */
static void more(void) {
  check_errno("open new/ O_CREAT", open("/data/newfile/", O_WRONLY | O_CREAT, 0644) < 0 ? errno : 0, __WASI_ERRNO_ISDIR);
  check_errno("symlink relative", symlink("sub/inner.txt", "/data/my-link") == 0 ? 0 : errno, 0);
  check_bytes("read through my-link", slurp("/data/my-link"), strlen(slurp("/data/my-link")), "inner");
  char small[4];
  check_u64("readlink into a short buffer", (uint64_t)readlink("/data/my-link", small, sizeof small), 4);
  check_errno("unlink my-link", unlink("/data/my-link") == 0 ? 0 : errno, 0);
  check_errno("symlink loop", symlink("loop", "/data/loop") == 0 ? 0 : errno, 0);
  check_errno("open a symlink loop", open("/data/loop", O_RDONLY) < 0 ? errno : 0, __WASI_ERRNO_LOOP);
  unlink("/data/loop");
  struct stat sb;
  check_errno("link hard.txt", link("/data/hello.txt", "/data/hard.txt") == 0 ? 0 : errno, 0);
  if (check_errno("stat hard.txt", stat("/data/hard.txt", &sb) == 0 ? 0 : errno, 0)) check_u64("nlink 2", sb.st_nlink, 2);
  unlink("/data/hard.txt");

  __wasi_fd_t fd = 0;
  if (!check_errno("path_open pw.txt", __wasi_path_open(DATA, FOLLOW, "pw.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, ALL_RIGHTS, ALL_RIGHTS, 0, &fd), 0)) return;
  size_t n = 0;
  __wasi_ciovec_t w = {.buf = (const uint8_t *)"abcdef", .buf_len = 6};
  check_errno("fd_write 6", __wasi_fd_write(fd, &w, 1, &n), 0);
  __wasi_ciovec_t z = {.buf = (const uint8_t *)"ZZ", .buf_len = 2};
  check_errno("fd_pwrite at 1", __wasi_fd_pwrite(fd, &z, 1, 1, &n), 0);
  __wasi_filesize_t pos = 0;
  if (check_errno("fd_tell", __wasi_fd_tell(fd, &pos), 0)) check_u64("fd_pwrite left the offset", pos, 6);
  char buf[8] = {0};
  __wasi_iovec_t r = {.buf = (uint8_t *)buf, .buf_len = sizeof buf};
  if (check_errno("fd_pread all", __wasi_fd_pread(fd, &r, 1, 0, &n), 0)) check_bytes("pwrite landed", buf, n, "aZZdef");
  check_errno("fd_sync file", __wasi_fd_sync(fd), 0);
  check_errno("fd_datasync file", __wasi_fd_datasync(fd), 0);
  check_errno("fd_sync dir", __wasi_fd_sync(DATA), 0);
  check_errno("fd_sync stdout", __wasi_fd_sync(1), __WASI_ERRNO_INVAL);
  check_errno("fd_advise", __wasi_fd_advise(fd, 0, 6, __WASI_ADVICE_SEQUENTIAL), 0);
  check_errno("fd_advise bad advice", __wasi_fd_advise(fd, 0, 6, 9), __WASI_ERRNO_INVAL);
  check_errno("fd_allocate", __wasi_fd_allocate(fd, 0, 100), __WASI_ERRNO_NOTSUP);
  check_errno("fd_allocate dir", __wasi_fd_allocate(DATA, 0, 100), __WASI_ERRNO_BADF);
  check_errno("fd_pread on the listener", __wasi_fd_pread(LISTENER, &r, 1, 0, &n), __WASI_ERRNO_SPIPE);
  check_errno("fd_fdstat_set_rights", __wasi_fd_fdstat_set_rights(fd, __WASI_RIGHTS_FD_READ, 0), __WASI_ERRNO_NOTSUP);
  check_errno("fd_fdstat_set_rights closed fd", __wasi_fd_fdstat_set_rights(99, 0, 0), __WASI_ERRNO_BADF);
  check_errno("fd_close pw.txt", __wasi_fd_close(fd), 0);
  check_errno("path_unlink_file pw.txt", __wasi_path_unlink_file(DATA, "pw.txt"), 0);
  check_errno("path_unlink_file again", __wasi_path_unlink_file(DATA, "pw.txt"), __WASI_ERRNO_NOENT);
}

/* The listener on fd 3 serves while the directory on fd 4 is in use. */
static void socket_and_file(void) {
  __wasi_fd_t c = 0;
  peer("connect");
  if (!check_errno("sock_accept on fd 3", __wasi_sock_accept(LISTENER, 0, &c), 0)) return;
  peer("send 0 ping");
  char buf[8];
  size_t n = 0;
  if (check_errno("sock_recv", recv1(c, buf, 4, __WASI_RIFLAGS_RECV_WAITALL, &n), 0)) check_bytes("got ping", buf, n, "ping");
  FILE *f = fopen("/data/from-socket.txt", "w");
  if (f) {
    fwrite(buf, 1, n, f);
    fclose(f);
  }
  check_errno("sock_send pong", send1(c, "pong", &n), 0);
  peer("expect 0 pong");
  check_errno("fd_close client", __wasi_fd_close(c), 0);
}

int main(void) {
  preopens();
  libc_files();
  listing();
  sandbox();
  kinds();
  more();
  socket_and_file();
  return finish();
}
