//! A real Prometheus Alertmanager (Debian's prometheus-alertmanager and amtool; .ci/run installs
//! them) sending to `warroom listen` on loopback. Waits for results by polling, never sleeping
//! a fixed time.

mod common;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Workspace;

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
    let end = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
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

#[test]
fn alertmanager_retries_while_the_listener_is_down_and_the_alert_is_stored_once() {
    let ws = Workspace::new();
    let dir = tempfile::tempdir().expect("dir");
    let hook = free_port();
    let (_am, url) = alertmanager(dir.path(), hook);
    amtool(&url, &[]);
    std::thread::sleep(Duration::from_millis(2500));
    assert!(alert_lines(&ws).is_empty());
    let _listener = listen(&ws, hook);
    wait_until("the retried alert arrives", || alert_lines(&ws).len() == 1);
    let settled = Instant::now();
    while settled.elapsed() < Duration::from_secs(3) {
        assert_eq!(alert_lines(&ws).len(), 1, "retries and repeats are not stored twice");
        std::thread::sleep(Duration::from_millis(200));
    }
}
