//! echo.rs — a blocking echo server on Rust's std, one client at a time.
//!
//!     wasock run --listen 127.0.0.1:7000 examples/rust-echo.wasm
//!
//! Preview1 cannot create sockets, so the listener is the pre-opened fd 3,
//! adopted with `FromRawFd`. What Rust 1.63's std does on wasm32-wasi:
//! `TcpListener::accept` is `sock_accept(fd, 0)` and returns the placeholder
//! peer address 0.0.0.0:0 (preview1 cannot ask for it); a `TcpStream` reads
//! and writes with `fd_read` / `fd_write`; `set_nonblocking` is
//! `fd_fdstat_get` + `fd_fdstat_set_flags`; `shutdown`, `peer_addr` and
//! `local_addr` return `Unsupported` without calling the host. So this
//! server ends a connection by dropping (closing) the stream.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::wasi::io::{AsRawFd, FromRawFd};

const LISTEN_FD: i32 = 3; // RawFd is i32 in Rust 1.63's std::os::wasi

/// Copy everything the client sends back to it until it stops sending.
fn echo(mut stream: TcpStream) -> io::Result<u64> {
    let mut buf = [0u8; 16 * 1024];
    let mut total = 0u64;
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) => return Ok(total), // EOF: the client half-closed or closed
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        stream.write_all(&buf[..n])?;
        total += n as u64;
    }
}

fn main() {
    // SAFETY: the host pre-opens a listening TCP socket as fd 3 and nothing
    // else in this program owns it.
    let listener = unsafe { TcpListener::from_raw_fd(LISTEN_FD) };
    eprintln!("rust-echo: waiting for clients on fd {}", LISTEN_FD);

    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                let fd = stream.as_raw_fd();
                match echo(stream) {
                    Ok(n) => eprintln!("rust-echo: fd {} done, {} bytes echoed", fd, n),
                    Err(e) => eprintln!("rust-echo: fd {}: {}", fd, e),
                }
                // `stream` was moved into echo() and is closed (fd_close) there.
            }
            Err(e) => {
                eprintln!("rust-echo: accept: {}", e);
                match e.kind() {
                    io::ErrorKind::Interrupted | io::ErrorKind::ConnectionAborted => {}
                    _ => std::process::exit(1), // no usable listener on fd 3
                }
            }
        }
    }
}
