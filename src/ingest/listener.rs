//! `warroom listen`: the webhook listener. Loopback unless told otherwise (and then only with a
//! token); bearer token compared in constant time; browsers refused (Origin, Host); JSON only;
//! 1 MiB at most. 200 only once every resulting event is durable; 4xx with one line for a bad
//! request (nothing appended); 503 when the store cannot write, so the sender retries.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router as HttpRouter;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::post;
use chrono::Utc;
use tokio::sync::Mutex;

use super::intake::Intake;
use super::{Router, parse};
use crate::domain::clock::ClockDef;
use crate::domain::event::Actor;
use crate::domain::runbook::Runbook;
use crate::domain::sanitize;
use crate::store::{StoreError, Workspace};

pub const MAX_BODY: usize = 1 << 20;

pub struct Listener {
    pub workspace: Workspace,
    pub runbooks: Vec<Runbook>,
    pub clocks: Vec<ClockDef>,
    pub actor: Actor,
    pub token: Option<String>,
    pub addr: SocketAddr,
}

struct Shared {
    listener: Listener,
    router: Router,
    /// One intake at a time: two alerts of one storm must not both open an incident.
    lock: Mutex<()>,
}

/// Binds, says where on stderr, and serves until the process is stopped.
pub async fn serve(listener: Listener) -> Result<(), String> {
    if !listener.addr.ip().is_loopback() && listener.token.is_none() {
        return Err(format!("refusing to listen on {} without a token: pass --token-file FILE", listener.addr));
    }
    let socket = tokio::net::TcpListener::bind(listener.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", listener.addr))?;
    let bound = socket.local_addr().map_err(|e| e.to_string())?;
    log(&format!("listening on http://{bound}/alerts"));
    let router = Router::new(&listener.runbooks);
    let shared = Arc::new(Shared { listener: Listener { addr: bound, ..listener }, router, lock: Mutex::new(()) });
    let app = HttpRouter::new().route("/alerts", post(receive)).route("/", post(receive)).with_state(shared);
    axum::serve(socket, app).await.map_err(|e| format!("the listener stopped: {e}"))
}

/// One sanitised line to stderr. A closed stderr (a supervisor gone) must not stop the service.
fn log(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "warroom: {}", sanitize::line(line));
}

fn reply(status: StatusCode, text: &str) -> (StatusCode, String) {
    (status, format!("{}\n", sanitize::line(text)))
}

async fn receive(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> impl IntoResponse {
    if let Err(refusal) = check(&shared.listener, &headers, body.len()) {
        log(&format!("refused a request: {}", refusal.1.trim_end()));
        return refusal;
    }
    let alerts = match parse(&body) {
        Ok(alerts) => alerts,
        Err(why) => return reply(StatusCode::BAD_REQUEST, &why.0),
    };
    if !shared.listener.workspace.is_healthy() {
        return reply(StatusCode::SERVICE_UNAVAILABLE, "NOT SAVED: the store cannot write; retry later");
    }
    let _one_at_a_time = shared.lock.lock().await;
    let worker = Arc::clone(&shared);
    let outcome = tokio::task::spawn_blocking(move || {
        let l = &worker.listener;
        let intake =
            Intake { workspace: &l.workspace, router: &worker.router, runbooks: &l.runbooks, clocks: &l.clocks };
        let mut lines = Vec::new();
        for alert in alerts {
            let name = format!("{} ({})", alert.name(), alert.key);
            let landed = intake.take(alert, &l.actor, Utc::now())?;
            lines.push(format!("{name}: {landed}"));
        }
        Ok::<_, StoreError>(lines)
    })
    .await;
    match outcome {
        Ok(Ok(lines)) => {
            for line in &lines {
                log(line);
            }
            (StatusCode::OK, format!("{}\n", lines.join("\n")))
        }
        Ok(Err(e @ (StoreError::NotSaved { .. } | StoreError::Unhealthy | StoreError::Io { .. }))) => {
            reply(StatusCode::SERVICE_UNAVAILABLE, &e.to_string())
        }
        Ok(Err(e)) => reply(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
        Err(_) => reply(StatusCode::INTERNAL_SERVER_ERROR, "the intake failed"),
    }
}

/// The request's credentials and shape, before its body is read as alerts.
fn check(listener: &Listener, headers: &HeaderMap, length: usize) -> Result<(), (StatusCode, String)> {
    if headers.contains_key(header::ORIGIN) {
        return Err(reply(StatusCode::FORBIDDEN, "requests from browsers (with an Origin header) are refused"));
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    if !host_allowed(host, listener.addr) {
        return Err(reply(StatusCode::MISDIRECTED_REQUEST, "unexpected Host header"));
    }
    if let Some(token) = &listener.token {
        let given =
            headers.get(header::AUTHORIZATION).and_then(|h| h.to_str().ok()).and_then(|h| h.strip_prefix("Bearer "));
        if !given.is_some_and(|given| same(given.trim().as_bytes(), token.as_bytes())) {
            return Err(reply(StatusCode::UNAUTHORIZED, "missing or wrong bearer token"));
        }
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|t| t.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json")));
    if !json {
        return Err(reply(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json"));
    }
    if length > MAX_BODY {
        return Err(reply(StatusCode::PAYLOAD_TOO_LARGE, "the body is larger than 1 MiB"));
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
