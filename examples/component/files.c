// files: a WASI 0.2 component that reads and writes files under a pre-opened directory, and
// tries to leave it.
//
//   wasock run --dir HOST::/sandbox files.component.wasm
//
// An ordinary wasi-libc program: every file call goes through wasi_snapshot_preview1, which the
// preview1 command adapter turns into wasi:filesystem calls (open-at, read-via-stream,
// write-via-stream, read-directory, symlink-at, ...), so it exercises the host's wasi:filesystem.
// Built by scripts/build-component.mjs into examples/files.component.wasm.
//
// It prints one line per step and exits 0 only when each file operation worked and each escape
// failed; it leaves made/moved.txt behind, for the host to read. The host directory is expected to hold `in.txt` (any text), and may hold the symlinks
// `abs-link` (to an absolute host path) and `up-link` (to `../<something>`), which must not be
// followed out of the directory.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int failures = 0;

static void check(int ok, const char *what) {
  printf("%s: %s\n", ok ? "ok" : "FAILED", what);
  if (!ok) failures++;
}

// An open that must fail: prints the errno it failed with.
static void refused(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd >= 0) {
    printf("FAILED: escaped through %s\n", path);
    failures++;
    close(fd);
    return;
  }
  printf("ok: %s refused (%s)\n", path, strerror(errno));
}

int main(void) {
  char buf[256];

  // Read what the host put there.
  FILE *in = fopen("/sandbox/in.txt", "r");
  check(in != NULL, "open in.txt");
  if (in) {
    size_t n = fread(buf, 1, sizeof buf - 1, in);
    buf[n] = 0;
    fclose(in);
    printf("in.txt: %s\n", buf);
  }

  // Write a file, append to it, read it back.
  FILE *out = fopen("/sandbox/out.txt", "w");
  check(out != NULL && fputs("written by a component\n", out) >= 0 && fclose(out) == 0, "write out.txt");
  out = fopen("/sandbox/out.txt", "a");
  check(out != NULL && fputs("and appended to\n", out) >= 0 && fclose(out) == 0, "append to out.txt");
  in = fopen("/sandbox/out.txt", "r");
  size_t n = in ? fread(buf, 1, sizeof buf - 1, in) : 0;
  buf[n] = 0;
  if (in) fclose(in);
  check(strcmp(buf, "written by a component\nand appended to\n") == 0, "read out.txt back");

  // A directory: make one, stat it, list the sandbox.
  check(mkdir("/sandbox/made", 0755) == 0, "mkdir made");
  struct stat st;
  check(stat("/sandbox/made", &st) == 0 && S_ISDIR(st.st_mode), "stat made");
  DIR *d = opendir("/sandbox");
  int seen = 0;
  if (d) {
    struct dirent *e;
    while ((e = readdir(d)) != NULL) seen += strcmp(e->d_name, "out.txt") == 0 || strcmp(e->d_name, "made") == 0;
    closedir(d);
  }
  check(seen == 2, "readdir lists out.txt and made");
  check(rename("/sandbox/out.txt", "/sandbox/made/moved.txt") == 0, "rename into made");
  FILE *tmp = fopen("/sandbox/tmp.txt", "w");
  if (tmp) fclose(tmp);
  check(tmp != NULL && unlink("/sandbox/tmp.txt") == 0, "unlink tmp.txt");
  check(mkdir("/sandbox/gone", 0755) == 0 && rmdir("/sandbox/gone") == 0, "rmdir gone");
  check(rmdir("/sandbox/made") != 0 && errno == ENOTEMPTY, "rmdir of a non-empty directory refused");

  // Every way out is refused.
  refused("/sandbox/../secret.txt");
  refused("/sandbox/made/../../secret.txt");
  refused("/sandbox/abs-link");
  refused("/sandbox/up-link");
  int made = symlink("/etc/passwd", "/sandbox/passwd");
  check(made != 0, "symlink to an absolute path refused");
  printf("symlink to /etc/passwd: %s\n", made == 0 ? "made" : strerror(errno));

  printf("%s\n", failures == 0 ? "all done" : "some steps failed");
  return failures == 0 ? 0 : 1;
}
