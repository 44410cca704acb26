//! `warroom listen` over real HTTP on loopback: alerts accepted once durable, bad requests
//! refused with one line and nothing appended, the token, the Host and Origin checks.

mod common;

use std::io::Write;
use std::net::TcpStream;

use common::Workspace;
use common::listen::Server;

const JSON: (&str, &str) = ("Content-Type", "application/json");

fn firing() -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/alertmanager/alertmanager-webhook-v4-firing.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

fn alert_events(ws: &Workspace) -> usize {
    let Ok(entries) = std::fs::read_dir(ws.path().join("incidents")) else { return 0 };
    entries
        .filter_map(Result::ok)
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default().matches(r#""kind":"alert_received""#).count())
        .sum()
}

#[test]
fn an_alertmanager_post_opens_an_incident_and_a_retry_stores_nothing_more() {
    let ws = Workspace::new();
    let server = Server::start(&ws, &[]);
    let (status, body) = server.post(&[JSON], &firing());
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("opened INC-"), "{body}");
    let (status, body) = server.post(&[JSON, ("User-Agent", "Alertmanager/0.25.0")], &firing());
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("a repeat"), "{body}");
    assert_eq!(alert_events(&ws), 1, "exactly one alert event for two deliveries");
    ws.ok("auditor", &["verify"]);
}

#[test]
fn bad_requests_get_a_4xx_with_one_line_and_append_nothing() {
    let ws = Workspace::new();
    let server = Server::start(&ws, &[]);
    type Case<'a> = (Vec<(&'a str, &'a str)>, Vec<u8>, u16);
    let cases: Vec<Case<'_>> = vec![
        (vec![("Content-Type", "text/plain")], firing(), 415),
        (vec![JSON, ("Origin", "https://evil.example")], firing(), 403),
        (vec![JSON, ("Host", "evil.example")], firing(), 421),
        (vec![JSON], b"{not json".to_vec(), 400),
        (vec![JSON], br#"{"name":"A","status":"maybe"}"#.to_vec(), 400),
    ];
    for (headers, body, expected) in cases {
        let (status, text) = server.post(&headers, &body);
        assert_eq!(status, expected, "{headers:?}: {text}");
        assert!(text.trim().lines().count() <= 1, "one line: {text:?}");
    }
    assert_eq!(alert_events(&ws), 0);
    assert!(!ws.path().join("inbox.jsonl").exists());
}

#[test]
fn a_body_over_the_ceiling_is_a_503_so_the_sender_keeps_it_and_retries() {
    let ws = Workspace::new();
    let server = Server::start(&ws, &["--max-body-mib", "1"]);
    let mut big = firing();
    big.extend(vec![b' '; 1 << 20]);
    let (status, text) = server.post(&[JSON], &big);
    assert_eq!(status, 503, "{text}");
    assert!(text.contains("ceiling of 1 MiB") && text.contains("max_alerts"), "{text}");
    assert_eq!(alert_events(&ws), 0);
    assert_eq!(server.post(&[JSON], &firing()).0, 200, "a body under the ceiling is taken");
}

#[test]
fn a_token_is_required_when_configured_and_compared_exactly() {
    let ws = Workspace::new();
    let token = ws.path().join("token");
    std::fs::write(&token, "s3cret-token\n").expect("token");
    let server = Server::start(&ws, &["--token-file", token.to_str().expect("path")]);
    assert_eq!(server.post(&[JSON], &firing()).0, 401);
    assert_eq!(server.post(&[JSON, ("Authorization", "Bearer s3cret-tokem")], &firing()).0, 401);
    assert_eq!(server.post(&[JSON, ("Authorization", "s3cret-token")], &firing()).0, 401);
    assert_eq!(alert_events(&ws), 0);
    assert_eq!(server.post(&[JSON, ("Authorization", "Bearer s3cret-token")], &firing()).0, 200);
    assert_eq!(alert_events(&ws), 1);
}

#[test]
fn a_non_loopback_address_without_a_token_is_refused() {
    let ws = Workspace::new();
    let err = ws.refused("alertmanager", &["listen", "--addr", "0.0.0.0:0"], 1);
    assert!(err.contains("without a token"), "{err}");
}

fn resident_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let rss = status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.split_whitespace().next());
    rss.and_then(|v| v.parse().ok()).unwrap_or(0)
}

#[test]
fn slow_and_half_sent_requests_neither_grow_memory_nor_block_a_good_alert() {
    let ws = Workspace::new();
    let server = Server::start(&ws, &[]);
    let before = resident_kib(server.child.id());
    let mut held = Vec::new();
    for n in 0..400 {
        let mut stream = TcpStream::connect(&server.addr).expect("connect");
        let head = if n % 2 == 0 {
            // Headers promising a large body, then a trickle of it.
            format!(
                "POST /alerts HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: 60000000\r\n\r\n{{\"name\":\"",
                server.addr
            )
        } else {
            // Headers never finished.
            format!("POST /alerts HTTP/1.1\r\nHost: {}\r\nContent-Ty", server.addr)
        };
        stream.write_all(head.as_bytes()).expect("send");
        held.push(stream);
    }
    for stream in held.iter_mut().step_by(2) {
        let _ = stream.write_all(&[b'x'; 4096]);
    }
    let started = std::time::Instant::now();
    let (status, text) = server.post(&[JSON], &firing());
    let took = started.elapsed();
    let during = resident_kib(server.child.id());
    eprintln!(
        "good alert answered in {took:?}; listener resident {before} KiB before, {during} KiB with 400 slow clients"
    );
    assert_eq!(status, 200, "{text}");
    // Under pressure idle clients are cut after a second, so a good alert may wait about that
    // long for a slot; blocked, it would wait for the slow ones' 15–30 s timeouts.
    assert!(took < std::time::Duration::from_secs(5), "answered in {took:?}");
    assert!(during < 100 * 1024, "resident {during} KiB");
    drop(held);
    assert_eq!(alert_events(&ws), 1);
}

#[test]
fn more_idle_clients_than_connection_slots_still_let_a_good_alert_through() {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    let Ok((_, hard)) = getrlimit(Resource::RLIMIT_NOFILE) else { return };
    if hard < 1400 || setrlimit(Resource::RLIMIT_NOFILE, hard, hard).is_err() {
        assert!(std::env::var_os("CI").is_none(), "CI must allow 1,400 open files");
        eprintln!("skipped: this host allows only {hard} open files");
        return;
    }
    let ws = Workspace::new();
    let server = Server::start(&ws, &[]);
    let held: Vec<TcpStream> = (0..1_200)
        .filter_map(|_| {
            let mut stream = TcpStream::connect(&server.addr).ok()?;
            let _ = stream.write_all(b"POST /alerts HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            Some(stream)
        })
        .collect();
    assert!(held.len() > 1_100, "only {} connections opened", held.len());
    let started = std::time::Instant::now();
    let (status, text) = server.post(&[JSON], &firing());
    let took = started.elapsed();
    eprintln!("good alert answered in {took:?} with {} idle clients holding every slot", held.len());
    assert_eq!(status, 200, "{text}");
    assert!(took < std::time::Duration::from_secs(3), "answered in {took:?}");
    drop(held);
}
