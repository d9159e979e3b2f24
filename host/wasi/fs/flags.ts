/**
 * WASI preview1 filesystem values (witx `typenames.witx`): flags, enums, struct sizes and the
 * rights sets wasock reports for files and directories. Shared numbers (Filetype, Fdflags) live
 * in ../types.ts.
 */

/** `oflags` (u16) of path_open. */
export const Oflags = { CREAT: 0x1, DIRECTORY: 0x2, EXCL: 0x4, TRUNC: 0x8 } as const;
export const OFLAGS_ALL = 0xf;

/** `lookupflags` (u32): follow a symlink in the last path component. */
export const LOOKUPFLAGS_SYMLINK_FOLLOW = 0x1;

/** `fstflags` (u16) of the *_set_times calls. */
export const Fstflags = { ATIM: 0x1, ATIM_NOW: 0x2, MTIM: 0x4, MTIM_NOW: 0x8 } as const;

/** `whence` (u8) of fd_seek. */
export const Whence = { SET: 0, CUR: 1, END: 2 } as const;

/** `advice` (u8): normal … noreuse are 0–5. */
export const ADVICE_MAX = 5;

/** All defined `fdflags` bits (append, dsync, nonblock, rsync, sync). */
export const FDFLAGS_ALL = 0x1f;

/** prestat tag of a pre-opened directory. */
export const PREOPENTYPE_DIR = 0;

/** `dirent` header: d_next u64 @0, d_ino u64 @8, d_namlen u32 @16, d_type u8 @20; the name follows. */
export const DIRENT_SIZE = 24;
/** `filestat`: dev @0, ino @8, filetype u8 @16, nlink @24, size @32, atim @40, mtim @48, ctim @56. */
export const FILESTAT_SIZE = 64;
/** `fdstat`: filetype u8 @0, flags u16 @2, rights_base u64 @8, rights_inheriting u64 @16. */
export const FDSTAT_SIZE = 24;

/** Rights bits 0–29 by witx name. wasock does not enforce rights; it reports them so wasi-libc,
 *  which derives a new fd's rights from its directory's inheriting rights, never refuses. */
const bit = (n: number): bigint => 1n << BigInt(n);
export const Right = {
  FD_DATASYNC: bit(0), FD_READ: bit(1), FD_SEEK: bit(2), FD_FDSTAT_SET_FLAGS: bit(3), FD_SYNC: bit(4),
  FD_TELL: bit(5), FD_WRITE: bit(6), FD_ADVISE: bit(7), FD_ALLOCATE: bit(8), PATH_CREATE_DIRECTORY: bit(9),
  PATH_CREATE_FILE: bit(10), PATH_LINK_SOURCE: bit(11), PATH_LINK_TARGET: bit(12), PATH_OPEN: bit(13),
  FD_READDIR: bit(14), PATH_READLINK: bit(15), PATH_RENAME_SOURCE: bit(16), PATH_RENAME_TARGET: bit(17),
  PATH_FILESTAT_GET: bit(18), PATH_FILESTAT_SET_SIZE: bit(19), PATH_FILESTAT_SET_TIMES: bit(20),
  FD_FILESTAT_GET: bit(21), FD_FILESTAT_SET_SIZE: bit(22), FD_FILESTAT_SET_TIMES: bit(23),
  PATH_SYMLINK: bit(24), PATH_REMOVE_DIRECTORY: bit(25), PATH_UNLINK_FILE: bit(26),
  POLL_FD_READWRITE: bit(27),
} as const;

/** Everything a regular file can do. */
export const FILE_RIGHTS =
  Right.FD_DATASYNC | Right.FD_READ | Right.FD_SEEK | Right.FD_FDSTAT_SET_FLAGS | Right.FD_SYNC |
  Right.FD_TELL | Right.FD_WRITE | Right.FD_ADVISE | Right.FD_ALLOCATE | Right.FD_FILESTAT_GET |
  Right.FD_FILESTAT_SET_SIZE | Right.FD_FILESTAT_SET_TIMES | Right.POLL_FD_READWRITE;

/** What a directory fd reports, as current wasmtime's preview1 does: no FD_SEEK, FD_FILESTAT_SET_SIZE
 *  or PATH_FILESTAT_SET_SIZE (wasi-testsuite's truncation_rights takes the last as "rights are
 *  enforced" and then expects O_TRUNC to be refused). */
export const DIR_RIGHTS =
  Right.FD_FDSTAT_SET_FLAGS | Right.FD_SYNC | Right.FD_ADVISE | Right.PATH_CREATE_DIRECTORY |
  Right.PATH_CREATE_FILE | Right.PATH_LINK_SOURCE | Right.PATH_LINK_TARGET | Right.PATH_OPEN |
  Right.FD_READDIR | Right.PATH_READLINK | Right.PATH_RENAME_SOURCE | Right.PATH_RENAME_TARGET |
  Right.PATH_FILESTAT_GET | Right.PATH_FILESTAT_SET_TIMES |
  Right.FD_FILESTAT_GET | Right.FD_FILESTAT_SET_TIMES | Right.PATH_SYMLINK | Right.PATH_REMOVE_DIRECTORY |
  Right.PATH_UNLINK_FILE | Right.POLL_FD_READWRITE;

/** Rights that need the file open for reading / for writing (wasi-libc's openat asks by these). */
export const READ_RIGHTS = Right.FD_READ | Right.FD_READDIR;
export const WRITE_RIGHTS = Right.FD_DATASYNC | Right.FD_WRITE | Right.FD_ALLOCATE | Right.FD_FILESTAT_SET_SIZE;
