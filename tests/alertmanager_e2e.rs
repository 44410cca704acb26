//! A real Prometheus Alertmanager (Debian's prometheus-alertmanager and amtool; .ci/run installs
//! them) sending to `warroom listen` on loopback. Waits for results by polling, never sleeping
//! a fixed time.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU16, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{Workspace, post_to};

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

fn listen(ws: &Workspace, port: u16) -> Killed {
    let mut child = ws
        .command("alertmanager")
        .args(["listen", "--addr", &format!("127.0.0.1:{port}")])
        .stderr(Stdio::piped())
        .spawn()
        .expect("listener");
    let mut first = String::new();
    BufReader::new(child.stderr.as_mut().expect("stderr")).read_line(&mut first).expect("line");
    assert!(first.contains("listening"), "{first}");
    Killed(child)
}

fn alertmanager(dir: &std::path::Path, hook_port: u16) -> (Killed, String) {
    assert!(Command::new("amtool").arg("--version").output().is_ok(), "amtool is needed (.ci/run installs it)");
    let config = dir.join("alertmanager.yml");
    std::fs::write(
        &config,
        format!(
            "route:\n  receiver: warroom\n  group_by: ['alertname', 'agent']\n  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1h\n\
             receivers:\n  - name: warroom\n    webhook_configs:\n      - url: 'http://127.0.0.1:{hook_port}/alerts'\n        send_resolved: true\n"
        ),
    )
    .expect("config");
    let port = free_port();
    let child = Command::new("prometheus-alertmanager")
        .arg(format!("--config.file={}", config.display()))
        .arg(format!("--storage.path={}", dir.join("data").display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .arg("--cluster.listen-address=")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("alertmanager");
    let url = format!("http://127.0.0.1:{port}");
    wait_until("Alertmanager answers", || {
        Command::new("amtool")
            .args(["--alertmanager.url", &url, "alert", "query"])
            .output()
            .is_ok_and(|o| o.status.success())
    });
    (Killed(child), url)
}

fn amtool(url: &str, extra: &[&str]) {
    let out = Command::new("amtool")
        .args([
            "--alertmanager.url",
            url,
            "alert",
            "add",
            "AgentLoopRunaway",
            "agent=planner-7",
            "severity=critical",
            "service=agents",
        ])
        .arg("--annotation=summary=Agent planner-7 exceeded tool-call budget")
        .args(extra)
        .output()
        .expect("amtool");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// When Alertmanager says the alert started, on its own clock (which may differ from the test's):
/// an alert ended then is resolved on that clock.
fn started_at(url: &str) -> String {
    let out = Command::new("amtool")
        .args(["--alertmanager.url", url, "--output", "json", "alert", "query"])
        .output()
        .expect("amtool query");
    let alerts: serde_json::Value = serde_json::from_slice(&out.stdout).expect("amtool json");
    alerts[0]["startsAt"].as_str().expect("startsAt").to_owned()
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < Duration::from_secs(60), "{what}: not within 60 s");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn alert_lines(ws: &Workspace) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(ws.path().join("incidents")) else { return Vec::new() };
    entries
        .filter_map(Result::ok)
        .flat_map(|e| {
            std::fs::read_to_string(e.path()).unwrap_or_default().lines().map(str::to_owned).collect::<Vec<_>>()
        })
        .filter(|l| l.contains(r#""kind":"alert_received""#))
        .collect()
}

#[test]
fn alertmanager_to_warroom_end_to_end() {
    let ws = Workspace::new();
    let dir = tempfile::tempdir().expect("dir");
    let hook = free_port();
    let _listener = listen(&ws, hook);
    let (_am, url) = alertmanager(dir.path(), hook);

    amtool(&url, &[]);
    wait_until("the incident opens", || alert_lines(&ws).len() == 1);
    let status: serde_json::Value = serde_json::from_str(&ws.ok("auditor", &["status", "--json"])).expect("json");
    assert_eq!(status["incidents"].as_array().expect("incidents").len(), 1);
    assert_eq!(status["incidents"][0]["runbook"], "runaway-agent-cost");

    amtool(&url, &[]);
    let end = started_at(&url);
    amtool(&url, &[&format!("--end={end}")]);
    wait_until("the resolved alert is recorded", || {
        alert_lines(&ws).iter().any(|l| l.contains(r#""status":"resolved""#))
    });
    let status: serde_json::Value = serde_json::from_str(&ws.ok("auditor", &["status", "--json"])).expect("json");
    assert_eq!(status["incidents"].as_array().expect("incidents").len(), 1, "the same incident, not a second one");
    assert_eq!(status["incidents"][0]["state"], "active", "resolved alerts never close incidents");
    assert_eq!(alert_lines(&ws).len(), 2, "one firing, one resolved");
    ws.ok("auditor", &["verify"]);
}

/// Between Alertmanager and the listener: relays each request, except that it swallows the
/// first answer (the listener has stored the alert, but Alertmanager never hears so), and
/// counts what happened, so the test waits on events rather than on time.
#[derive(Default)]
struct Relay {
    target: AtomicU16,
    swallowed: AtomicUsize,
    failed: AtomicUsize,
    answered_ok: AtomicUsize,
}

impl Relay {
    /// Listens on a port of its own (no race with another test for a port picked earlier).
    fn start(target: u16) -> (Arc<Self>, u16) {
        let relay = Arc::new(Self { target: AtomicU16::new(target), ..Self::default() });
        let socket = TcpListener::bind(("127.0.0.1", 0)).expect("relay");
        let port = socket.local_addr().expect("addr").port();
        let shared = Arc::clone(&relay);
        std::thread::spawn(move || {
            for incoming in socket.incoming().flatten() {
                shared.relay(incoming);
            }
        });
        (relay, port)
    }

    fn relay(&self, mut incoming: TcpStream) {
        let Some(request) = read_http(&mut incoming) else { return };
        let target = self.target.load(Ordering::SeqCst);
        let answer = TcpStream::connect(("127.0.0.1", target)).ok().and_then(|mut upstream| {
            upstream.write_all(&request).ok()?;
            read_http(&mut upstream)
        });
        match answer {
            None => {
                self.failed.fetch_add(1, Ordering::SeqCst);
            }
            Some(_) if self.swallowed.load(Ordering::SeqCst) == 0 => {
                // From here the listener counts as down until the test brings one back: a retry
                // that came before the test killed it would otherwise reach it and be answered.
                self.target.store(0, Ordering::SeqCst);
                self.swallowed.fetch_add(1, Ordering::SeqCst);
            }
            Some(answer) => {
                if answer.starts_with(b"HTTP/1.1 200") {
                    self.answered_ok.fetch_add(1, Ordering::SeqCst);
                }
                let _ = incoming.write_all(&answer);
            }
        }
    }
}

/// One HTTP/1.1 message (head and `Content-Length` body), or `None` if the peer went away.
fn read_http(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut message = Vec::new();
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        message.extend_from_slice(line.as_bytes());
        let lower = line.to_ascii_lowercase();
        if let Some(value) = lower.strip_prefix("content-length:") {
            length = value.trim().parse().ok()?;
        }
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    message.extend_from_slice(&body);
    Some(message)
}

#[test]
fn the_listener_dies_before_answering_alertmanager_retries_and_the_alert_is_stored_once() {
    let ws = Workspace::new();
    let dir = tempfile::tempdir().expect("dir");
    let first_port = free_port();
    let (relay, hook) = Relay::start(first_port);
    let listener = listen(&ws, first_port);
    let (_am, url) = alertmanager(dir.path(), hook);

    amtool(&url, &[]);
    wait_until("the first answer is swallowed", || relay.swallowed.load(Ordering::SeqCst) == 1);
    assert_eq!(alert_lines(&ws).len(), 1, "stored durably before the answer");
    drop(listener);
    wait_until("Alertmanager retries while the listener is down", || relay.failed.load(Ordering::SeqCst) >= 1);

    let second_port = free_port();
    relay.target.store(second_port, Ordering::SeqCst);
    let _listener = listen(&ws, second_port);
    wait_until("a retry is answered 200", || relay.answered_ok.load(Ordering::SeqCst) >= 1);
    assert_eq!(alert_lines(&ws).len(), 1, "the retry is recognised, not stored twice");
    ws.ok("auditor", &["verify"]);
}

#[test]
fn a_group_of_10000_alerts_from_alertmanager_opens_one_incident_holding_every_alert() {
    let ws = Workspace::new();
    let dir = tempfile::tempdir().expect("dir");
    let hook_port = free_port();
    let _listener = listen(&ws, hook_port);
    let (_alertmanager, url) = alertmanager(dir.path(), hook_port);
    let alerts: Vec<serde_json::Value> = (0..10_000)
        .map(|n| {
            serde_json::json!({
                "labels": {
                    "alertname": "AgentLoopRunaway", "agent": "planner-7", "severity": "critical",
                    "service": "agents", "worker": format!("worker-{n:05}"),
                },
                "annotations": { "summary": format!("Agent planner-7 worker {n} exceeded its tool-call budget") },
            })
        })
        .collect();
    let port: u16 = url.rsplit(':').next().and_then(|p| p.parse().ok()).expect("port");
    let body = serde_json::to_string(&alerts).expect("json");
    assert!(body.len() > 1 << 20, "the group is larger than the old 1 MiB limit");
    assert_eq!(post_to(port, "/api/v2/alerts", &body), 200, "Alertmanager takes the alerts");
    wait_until("all 10,000 alerts stored", || alert_lines(&ws).len() >= 10_000);
    let lines = alert_lines(&ws);
    let distinct: std::collections::BTreeSet<&str> =
        lines.iter().filter_map(|l| l.split(r#""worker":""#).nth(1)?.split('"').next()).collect();
    assert_eq!((lines.len(), distinct.len()), (10_000, 10_000), "each alert once");
    let incidents = std::fs::read_dir(ws.path().join("incidents")).expect("incidents").count();
    assert_eq!(incidents, 1, "one incident for the group");
    ws.ok("auditor", &["verify"]);
}
