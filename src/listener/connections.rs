//! Connections within bounds: at most `MAX_CONNECTIONS` at once (more wait in the kernel's
//! backlog); one that sends nothing for `IDLE` is closed, and for `IDLE_UNDER_PRESSURE` once
//! three quarters of the slots are taken, so idle clients cannot hold every slot for long. A
//! request's body has its own limits (`body`).

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};

pub const MAX_CONNECTIONS: usize = 1024;
pub const IDLE: Duration = Duration::from_secs(15);
pub const IDLE_UNDER_PRESSURE: Duration = Duration::from_secs(1);
/// How often an idle connection looks at how long it may stay.
const LOOK_EVERY: Duration = Duration::from_millis(500);

/// The listening socket, handing out at most `MAX_CONNECTIONS` connections at a time.
pub struct Capped {
    socket: TcpListener,
    slots: Arc<Semaphore>,
}

impl Capped {
    pub fn new(socket: TcpListener) -> Self {
        Self { socket, slots: Arc::new(Semaphore::new(MAX_CONNECTIONS)) }
    }
}

impl axum::serve::Listener for Capped {
    type Io = Guarded;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Guarded, SocketAddr) {
        loop {
            let Ok(slot) = Arc::clone(&self.slots).acquire_owned().await else { continue };
            match self.socket.accept().await {
                Ok((stream, addr)) => {
                    let _ = stream.set_nodelay(true);
                    let guarded = Guarded {
                        stream,
                        _slot: slot,
                        slots: Arc::clone(&self.slots),
                        active_at: Instant::now(),
                        look: Box::pin(tokio::time::sleep(LOOK_EVERY)),
                    };
                    return (guarded, addr);
                }
                // Out of file descriptors and the like: wait a little rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.socket.local_addr()
    }
}

/// One connection: holds its slot until closed, and ends once idle too long.
pub struct Guarded {
    stream: TcpStream,
    _slot: OwnedSemaphorePermit,
    slots: Arc<Semaphore>,
    active_at: Instant,
    look: Pin<Box<Sleep>>,
}

impl Guarded {
    /// Whether the connection has been idle longer than it may be now (registering a wake-up
    /// for the next look when it has not).
    fn timed_out(&mut self, cx: &mut Context<'_>) -> bool {
        while self.look.as_mut().poll(cx).is_ready() {
            let pressed = self.slots.available_permits() < MAX_CONNECTIONS / 4;
            let allowed = if pressed { IDLE_UNDER_PRESSURE } else { IDLE };
            if self.active_at.elapsed() >= allowed {
                return true;
            }
            self.look.as_mut().reset(Instant::now() + LOOK_EVERY);
        }
        false
    }

    fn active(&mut self) {
        self.active_at = Instant::now();
    }
}

fn idle_error() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, "the connection was idle too long")
}

impl AsyncRead for Guarded {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.stream).poll_read(cx, buf) {
            Poll::Ready(result) => {
                if buf.filled().len() > before {
                    self.active();
                }
                Poll::Ready(result)
            }
            Poll::Pending if self.timed_out(cx) => Poll::Ready(Err(idle_error())),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.stream).poll_write(cx, data) {
            Poll::Ready(result) => {
                self.active();
                Poll::Ready(result)
            }
            Poll::Pending if self.timed_out(cx) => Poll::Ready(Err(idle_error())),
            Poll::Pending => Poll::Pending,
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
