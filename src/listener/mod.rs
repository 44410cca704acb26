//! `warroom listen`: the webhook listener. Loopback unless told otherwise (and then only with a
//! token); bearer token compared in constant time; browsers refused (Origin, Host); JSON only;
//! at most 1024 connections, each closed after 15 s without a byte (1 s once 3/4 are taken); a body ceiling (64 MiB unless configured; over it, or over the bytes all requests may hold at
//! once, 503 so the sender retries) and a time limit to arrive. 200 only once every resulting event is durable; 4xx with one line for a bad
//! request (nothing appended); 503 when the store cannot write, so the sender retries.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router as HttpRouter;
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::post;
use std::sync::mpsc;

use tokio::sync::oneshot;

use crate::app::ingest::ingest;
use crate::app::{App, Catalog};
use crate::clock::Clock;
use crate::domain::clock::ClockDef;
use crate::domain::event::Actor;
use crate::domain::runbook::Runbook;
use crate::domain::sanitize;
use crate::ingest::{Alert, Router, parse};
use crate::store::{Failure, Store};

mod body;
mod connections;
mod pagerduty;

use body::Budget;
pub use body::DEFAULT_MAX_BODY;
use connections::Capped;

pub struct Listener {
    pub store: Arc<dyn Store>,
    /// The workspace directory on this host.
    pub dir: std::path::PathBuf,
    pub runbooks: Vec<Runbook>,
    pub clocks: Vec<ClockDef>,
    pub actor: Actor,
    pub clock: Clock,
    pub token: Option<String>,
    pub addr: SocketAddr,
    /// The largest body accepted, in bytes.
    pub max_body: usize,
}

struct Shared {
    listener: Listener,
    router: Router,
    /// To the one intake thread: alerts are landed one batch at a time, so two alerts of one
    /// storm never both open an incident, and a batch shares its `sync_data` (group commit).
    intake: mpsc::Sender<Job>,
    log: LogTo,
    budget: Budget,
}

/// One request's alerts, and where to send what became of them.
struct Job {
    alerts: Vec<Alert>,
    reply: oneshot::Sender<Result<Vec<String>, (StatusCode, String)>>,
}

/// Where the listener's one-line log goes: stderr for the standalone service, a file when a
/// console hosts it (so nothing garbles the terminal).
pub enum LogTo {
    Stderr,
    File(std::sync::Mutex<std::fs::File>),
}

impl LogTo {
    pub fn file(path: &std::path::Path) -> Result<Self, String> {
        crate::private_fs::options()
            .create(true)
            .append(true)
            .open(path)
            .map(|f| Self::File(std::sync::Mutex::new(f)))
            .map_err(|e| format!("cannot open the listener log {}: {e}", path.display()))
    }

    /// One sanitised line. A closed stderr (a supervisor gone) must not stop the service.
    fn line(&self, line: &str) {
        use std::io::Write;
        let text = format!("warroom: {}\n", sanitize::line(line));
        let _ = match self {
            Self::Stderr => std::io::stderr().write_all(text.as_bytes()),
            Self::File(file) => {
                let stamped =
                    format!("{} {text}", Clock::system().now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
                file.lock().map_or(Ok(()), |mut f| f.write_all(stamped.as_bytes()))
            }
        };
    }
}

/// A listener bound to its address, ready to serve.
pub struct Bound {
    socket: tokio::net::TcpListener,
    shared: Arc<Shared>,
}

impl Bound {
    pub fn addr(&self) -> SocketAddr {
        self.shared.listener.addr
    }

    /// Serves until the process is stopped.
    pub async fn run(self) -> Result<(), String> {
        let app = HttpRouter::new()
            .route("/alerts", post(receive))
            .route("/", post(receive))
            .route("/pagerduty", post(pagerduty::receive))
            .layer(DefaultBodyLimit::disable())
            .with_state(self.shared);
        axum::serve(Capped::new(self.socket), app).await.map_err(|e| format!("the listener stopped: {e}"))
    }
}

/// Binds (refusing a non-loopback address without a token) and starts the intake thread.
pub async fn bind(listener: Listener, log: LogTo) -> Result<Bound, String> {
    if !listener.addr.ip().is_loopback() && listener.token.is_none() {
        return Err(format!("refusing to listen on {} without a token: pass --token-file FILE", listener.addr));
    }
    raise_open_file_limit();
    let socket = tokio::net::TcpListener::bind(listener.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", listener.addr))?;
    let bound = socket.local_addr().map_err(|e| e.to_string())?;
    log.line(&format!("listening on http://{bound}/alerts"));
    let router = Router::new(&listener.runbooks);
    let (intake, jobs) = mpsc::channel();
    let budget = Budget::new(listener.max_body);
    let shared = Arc::new(Shared { listener: Listener { addr: bound, ..listener }, router, intake, log, budget });
    let worker = Arc::clone(&shared);
    std::thread::Builder::new()
        .name("intake".to_owned())
        .spawn(move || run_intake(&worker, &jobs))
        .map_err(|e| format!("cannot start the intake: {e}"))?;
    Ok(Bound { socket, shared })
}

/// Lets this process hold as many open files as the system allows it (the connection cap,
/// not the default soft limit of 1024 files, should be what turns clients away).
fn raise_open_file_limit() {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    if let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE)
        && soft < hard
    {
        let _ = setrlimit(Resource::RLIMIT_NOFILE, hard, hard);
    }
}

/// Binds, says where, and serves until the process is stopped.
pub async fn serve(listener: Listener, log: LogTo) -> Result<(), String> {
    bind(listener, log).await?.run().await
}

fn reply_line(status: StatusCode, text: &str) -> (StatusCode, String) {
    (status, format!("{}\n", sanitize::line(text)))
}

async fn receive(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Body) -> impl IntoResponse {
    if let Err(refusal) = check(&shared.listener, &headers) {
        shared.log.line(&format!("refused a request: {}", refusal.1.trim_end()));
        return refusal;
    }
    let (body, _held) = match shared.budget.read(&headers, body).await {
        Ok(read) => read,
        Err(refusal) => {
            shared.log.line(&format!("refused a request: {}", refusal.text));
            return reply_line(refusal.status, &refusal.text);
        }
    };
    let alerts = match parse(&body) {
        Ok(alerts) => alerts,
        Err(why) => return reply_line(StatusCode::BAD_REQUEST, &why.0),
    };
    let store = &shared.listener.store;
    if let Some(cause) = store.fault().filter(|_| !store.recover()) {
        return reply_line(StatusCode::SERVICE_UNAVAILABLE, &format!("NOT SAVED: {cause}; retry later"));
    }
    let (reply, outcome) = oneshot::channel();
    if shared.intake.send(Job { alerts, reply }).is_err() {
        return reply_line(StatusCode::SERVICE_UNAVAILABLE, "the intake has stopped; retry later");
    }
    match outcome.await {
        Ok(Ok(lines)) => (StatusCode::OK, format!("{}\n", lines.join("\n"))),
        Ok(Err(refusal)) => refusal,
        Err(_) => reply_line(StatusCode::SERVICE_UNAVAILABLE, "the intake has stopped; retry later"),
    }
}

/// Takes every job waiting, lands their alerts as one batch, and answers each job once the
/// whole batch is durable (or with why not).
fn run_intake(shared: &Shared, jobs: &mpsc::Receiver<Job>) {
    let l = &shared.listener;
    let catalog = Catalog::of(&l.runbooks, &l.clocks);
    let app = App::new(&*l.store, &l.dir, l.clock, &l.actor, catalog);
    while let Ok(first) = jobs.recv() {
        let batch: Vec<Job> = std::iter::once(first).chain(jobs.try_iter()).collect();
        let sizes: Vec<usize> = batch.iter().map(|job| job.alerts.len()).collect();
        let (alerts, replies): (Vec<Vec<Alert>>, Vec<_>) = batch.into_iter().map(|j| (j.alerts, j.reply)).unzip();
        let alerts: Vec<Alert> = alerts.into_iter().flatten().collect();
        // A batch that trips a bug is answered 503 (the sender retries); the intake goes on.
        let landed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| ingest(&app, &shared.router, alerts)));
        let Ok(landed) = landed else {
            shared.log.line("internal error while storing a batch of alerts; answered 503 so the sender retries");
            for reply in replies {
                let _ = reply.send(Err(reply_line(StatusCode::SERVICE_UNAVAILABLE, "internal error; retry later")));
            }
            continue;
        };
        match landed {
            Ok(landed) => {
                let mut lines = landed.into_iter().map(|(name, landed)| format!("{name}: {landed}"));
                for (size, reply) in sizes.into_iter().zip(replies) {
                    let answer: Vec<String> = lines.by_ref().take(size).collect();
                    for line in &answer {
                        shared.log.line(line);
                    }
                    let _ = reply.send(Ok(answer));
                }
            }
            Err(e) => {
                let status = match e.failure() {
                    Failure::NotSaved => StatusCode::SERVICE_UNAVAILABLE,
                    _ => StatusCode::INTERNAL_SERVER_ERROR,
                };
                shared.log.line(&format!("could not store a batch of alerts: {e}"));
                for reply in replies {
                    let _ = reply.send(Err(reply_line(status, &e.to_string())));
                }
            }
        }
    }
}

/// The request's credentials and shape, before its body is read as alerts.
fn check(listener: &Listener, headers: &HeaderMap) -> Result<(), (StatusCode, String)> {
    if headers.contains_key(header::ORIGIN) {
        return Err(reply_line(StatusCode::FORBIDDEN, "requests from browsers (with an Origin header) are refused"));
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    if !host_allowed(host, listener.addr) {
        return Err(reply_line(StatusCode::MISDIRECTED_REQUEST, "unexpected Host header"));
    }
    if let Some(token) = &listener.token {
        let given =
            headers.get(header::AUTHORIZATION).and_then(|h| h.to_str().ok()).and_then(|h| h.strip_prefix("Bearer "));
        if !given.is_some_and(|given| same(given.trim().as_bytes(), token.as_bytes())) {
            return Err(reply_line(StatusCode::UNAUTHORIZED, "missing or wrong bearer token"));
        }
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|t| t.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json")));
    if !json {
        return Err(reply_line(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json"));
    }
    Ok(())
}

/// A Host naming this listener: its address, or a loopback name when it listens on loopback.
fn host_allowed(host: &str, addr: SocketAddr) -> bool {
    let name = host
        .rsplit_once(':')
        .map_or(host, |(name, port)| if port.bytes().all(|b| b.is_ascii_digit()) { name } else { host });
    let name = name.trim_start_matches('[').trim_end_matches(']');
    if addr.ip().is_loopback() {
        return matches!(name, "localhost" | "127.0.0.1" | "::1") || name == addr.ip().to_string();
    }
    name == addr.ip().to_string() || addr.ip().is_unspecified()
}

/// Equal, in time that does not depend on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_tokens() {
        let loopback: SocketAddr = "127.0.0.1:9093".parse().expect("addr");
        assert!(host_allowed("127.0.0.1:9093", loopback) && host_allowed("localhost:9093", loopback));
        assert!(host_allowed("[::1]:9093", loopback));
        assert!(!host_allowed("evil.example:9093", loopback) && !host_allowed("", loopback));
        assert!(same(b"s3cret", b"s3cret") && !same(b"s3cret", b"s3cres") && !same(b"s3", b"s3cret"));
    }
}
