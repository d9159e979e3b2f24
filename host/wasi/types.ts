/** WASI preview1 layout constants the host needs (witx `typenames.witx`). Errno values live in core/enums. */

export const Filetype = {
  UNKNOWN: 0, BLOCK_DEVICE: 1, CHARACTER_DEVICE: 2, DIRECTORY: 3, REGULAR_FILE: 4,
  SOCKET_DGRAM: 5, SOCKET_STREAM: 6, SYMBOLIC_LINK: 7,
} as const;

export const Fdflags = { APPEND: 0x1, DSYNC: 0x2, NONBLOCK: 0x4, RSYNC: 0x8, SYNC: 0x10 } as const;
export const Riflags = { RECV_PEEK: 0x1, RECV_WAITALL: 0x2 } as const;
export const Roflags = { RECV_DATA_TRUNCATED: 0x1 } as const;
export const Sdflags = { RD: 0x1, WR: 0x2 } as const;

/** Rights bits (u64) that matter for stdio and sockets. */
export const Rights = {
  FD_READ: 1n << 1n,
  FD_SEEK: 1n << 2n,
  FD_FDSTAT_SET_FLAGS: 1n << 3n,
  FD_TELL: 1n << 5n,
  FD_WRITE: 1n << 6n,
  FD_FILESTAT_GET: 1n << 21n,
  POLL_FD_READWRITE: 1n << 27n,
  SOCK_SHUTDOWN: 1n << 28n,
  SOCK_ACCEPT: 1n << 29n,
} as const;

export const SOCKET_RIGHTS =
  Rights.FD_READ | Rights.FD_WRITE | Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_FILESTAT_GET |
  Rights.POLL_FD_READWRITE | Rights.SOCK_SHUTDOWN | Rights.SOCK_ACCEPT;

/** No FD_SEEK/FD_TELL: wasi-libc's isatty() then says yes, so guests line-buffer stdout. */
export const STDIO_RIGHTS = Rights.FD_READ | Rights.FD_WRITE | Rights.FD_FDSTAT_SET_FLAGS |
  Rights.FD_FILESTAT_GET | Rights.POLL_FD_READWRITE;

export const Clockid = { REALTIME: 0, MONOTONIC: 1, PROCESS_CPUTIME_ID: 2, THREAD_CPUTIME_ID: 3 } as const;
export const Eventtype = { CLOCK: 0, FD_READ: 1, FD_WRITE: 2 } as const;
export const SUBSCRIPTION_SIZE = 48;
export const EVENT_SIZE = 32;
export const EVENTRWFLAGS_HANGUP = 0x1;
export const SUBCLOCKFLAGS_ABSTIME = 0x1;

/** prestat tag for a socket fd: not `dir` (0), so wasi-libc's preopen scan skips it and goes on. */
export const PREOPENTYPE_SOCKET = 1;
