//! Alerts per second through `warroom listen` with durable acknowledgement, and p50/p99
//! latency, beside the same client against a handler that only answers 200 (the ceiling of
//! this machine) and against a handler that appends each body to a file and syncs it with group
//! commit before answering (the floor for any durable server on this disk). Bounded: a fixed number of requests on loopback. Run: `cargo bench --bench listener`.

#[path = "support/http.rs"]
mod http;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_warroom");

fn trivial_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                read_request(&stream);
                let _ = (&stream).write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n");
            });
        }
    });
    addr
}

/// The floor for any durable server on this disk: the trivial handler, except that every body is
/// appended to one file by a single writer thread that syncs once per batch of waiting requests
/// (group commit) and answers them after that sync.
fn durable_floor_server(dir: &std::path::Path) -> String {
    use std::sync::mpsc;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let mut log = std::fs::OpenOptions::new().create(true).append(true).open(dir.join("floor.log")).expect("log");
    let (tx, rx) = mpsc::channel::<(Vec<u8>, mpsc::Sender<()>)>();
    std::thread::spawn(move || {
        while let Ok(first) = rx.recv() {
            let batch: Vec<_> = std::iter::once(first).chain(rx.try_iter()).collect();
            let mut bytes = Vec::new();
            for (body, _) in &batch {
                bytes.extend_from_slice(body);
                bytes.push(b'\n');
            }
            log.write_all(&bytes).expect("append");
            log.sync_data().expect("sync");
            for (_, done) in batch {
                let _ = done.send(());
            }
        }
    });
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let tx = tx.clone();
            std::thread::spawn(move || {
                let body = read_request(&stream);
                let (done, durable) = mpsc::channel();
                if tx.send((body, done)).is_ok() && durable.recv().is_ok() {
                    let _ =
                        (&stream).write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n");
                }
            });
        }
    });
    addr
}

fn read_request(stream: &std::net::TcpStream) -> Vec<u8> {
    let mut reader = BufReader::new(stream);
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    body
}

fn main() {
    let dir = tempfile::tempdir_in(std::env::temp_dir()).expect("dir");
    let (child, addr) = listener(dir.path(), None);
    let signed_dir = tempfile::tempdir_in(std::env::temp_dir()).expect("dir");
    let key = signing_workspace(signed_dir.path());
    let (signed_child, signed_addr) = listener(&signed_dir.path().join("ws"), Some(&key));
    std::thread::sleep(Duration::from_millis(100));
    let alert = http::storm_alert;
    let count: usize = std::env::var("WARROOM_BENCH_ALERTS").ok().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    println!("workload: {count} distinct alerts for one runbook (a storm) per run, one per request, loopback");
    let ceiling = trivial_server();
    let floor = durable_floor_server(dir.path());
    for clients in [4, 16] {
        let offset = clients * count;
        let (rate, p50, p99) = http::load(&addr, clients, count / clients, |n| alert(offset + n));
        println!(
            "{clients:>2} clients  warroom listen (durable 200)  {rate:>7.0} alerts/s   p50 {p50:>6.2} ms  p99 {p99:>6.2} ms"
        );
        let (rate, p50, p99) = http::load(&signed_addr, clients, count / clients, |n| alert(offset + n));
        println!(
            "{clients:>2} clients  warroom listen, signed (ed25519 key file) {rate:>7.0} alerts/s   p50 {p50:>6.2} ms  p99 {p99:>6.2} ms"
        );
        let (rate, p50, p99) = http::load(&floor, clients, count / clients, alert);
        println!(
            "{clients:>2} clients  append + sync_data handler (floor) {rate:>7.0} requests/s p50 {p50:>6.2} ms  p99 {p99:>6.2} ms"
        );
        let (rate, p50, p99) = http::load(&ceiling, clients, count / clients, alert);
        println!(
            "{clients:>2} clients  trivial 200 handler (ceiling) {rate:>7.0} requests/s p50 {p50:>6.2} ms  p99 {p99:>6.2} ms"
        );
    }
    for mut running in [child, signed_child] {
        let _ = running.kill();
        let _ = running.wait();
    }
    one_group(count);
}

/// A workspace under `dir/ws` whose allowed_signers lists a fresh ed25519 key for
/// `alertmanager`; the key's path.
fn signing_workspace(dir: &std::path::Path) -> std::path::PathBuf {
    let key = dir.join("alertmanager_ed25519");
    let made = Command::new("ssh-keygen").args(["-q", "-t", "ed25519", "-N", "", "-f"]).arg(&key).status();
    assert!(made.expect("ssh-keygen").success());
    let public = std::fs::read_to_string(key.with_extension("pub")).expect("pub");
    let public: Vec<&str> = public.split_whitespace().take(2).collect();
    std::fs::create_dir_all(dir.join("ws")).expect("ws");
    std::fs::write(dir.join("ws/allowed_signers"), format!("alertmanager {}\n", public.join(" "))).expect("signers");
    key
}

/// Starts `warroom listen` on a workspace, signing with `key` if given; its child process and
/// address.
fn listener(dir: &std::path::Path, key: Option<&std::path::Path>) -> (std::process::Child, String) {
    let mut child = Command::new(BIN)
        .args(["--dir"])
        .arg(dir)
        .args(key.map(|k| vec![std::ffi::OsStr::new("--key"), k.as_os_str()]).unwrap_or_default())
        .args(["--as", "alertmanager", "listen", "--addr", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("listener");
    let mut reader = BufReader::new(child.stderr.take().expect("stderr"));
    let mut first = String::new();
    reader.read_line(&mut first).expect("line");
    std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    let addr = first.split("http://").nth(1).and_then(|r| r.split('/').next()).expect("addr").to_owned();
    (child, addr)
}

fn peak_resident_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

/// The same number of alerts as one Alertmanager group in one request (a storm as
/// Alertmanager delivers it), on a fresh listener: time to a durable 200 and peak memory.
fn one_group(count: usize) {
    let dir = tempfile::tempdir_in(std::env::temp_dir()).expect("dir");
    let (mut child, addr) = listener(dir.path(), None);
    std::thread::sleep(Duration::from_millis(100));
    let alerts: Vec<String> = (0..count)
        .map(|n| {
            format!(
                r#"{{"status":"firing","labels":{{"alertname":"AgentOutboundNoticeSpike","environment":"production","agent":"mailer-{n}"}},"annotations":{{"summary":"outbound notices spiked on mailer-{n}"}},"startsAt":"2026-11-24T08:00:00Z","fingerprint":"fp{n:08}"}}"#
            )
        })
        .collect();
    let body = format!(r#"{{"version":"4","status":"firing","groupKey":"storm","alerts":[{}]}}"#, alerts.join(","));
    let before = peak_resident_mib(child.id());
    let started = std::time::Instant::now();
    let status = http::post(&addr, body.as_bytes());
    let took = started.elapsed().as_secs_f64();
    assert_eq!(status, 200);
    println!(
        "one group of {count} alerts in one request ({:.1} MB)  durable 200 after {:.2} s  {:>7.0} alerts/s   listener peak resident {:.1} MiB (idle {:.1} MiB)",
        body.len() as f64 / 1e6,
        took,
        count as f64 / took,
        peak_resident_mib(child.id()),
        before
    );
    let _ = child.kill();
    let _ = child.wait();
}
