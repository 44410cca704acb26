//! Paging through the outbox, against a receiver on loopback that answers 202 and notes when
//! each page arrived. (1) Latency: `warroom declare` started → its page received, while
//! `warroom outbox run` delivers, beside the same declare alone with no notifiers configured
//! (what paging adds to a declaration). (2) Throughput: a backlog of queued pages (a storm of
//! declarations while no deliverer ran) delivered by one `outbox run`, beside the same number
//! of POSTs sent one by one to the same receiver by a bare client (the ceiling). (3) Append:
//! `warroom note` on an incident whose pages were sent, with notifiers configured and a
//! deliverer woken by every append, beside the same notes in a workspace with neither. Bounded:
//! 60 declarations, a backlog of 300, 100 notes. Run: `cargo bench --bench paging`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_warroom");
const DECLARATIONS: usize = 60;
const BACKLOG: usize = 300;
const NOTES: usize = 100;

/// A receiver answering 202 to every POST; each arrival's instant, in order.
fn receiver() -> (String, Arc<Mutex<Vec<Instant>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let arrived = Arc::new(Mutex::new(Vec::new()));
    let keep = Arc::clone(&arrived);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let keep = Arc::clone(&keep);
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                keep.lock().expect("arrived").push(Instant::now());
                let _ = (&stream).write_all(b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            });
        }
    });
    (addr, arrived)
}

fn workspace(addr: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("workspace");
    if let Some(addr) = addr {
        let yaml = format!(
            "notifiers:\n  hook: {{ kind: webhook, url: \"http://{addr}/page\" }}\nrotations:\n  privacy-oncall: [{{ notifier: hook }}]\n"
        );
        std::fs::write(dir.path().join("warroom.yaml"), yaml).expect("warroom.yaml");
    }
    dir
}

fn warroom(dir: &Path, actor: &str) -> Command {
    let mut command = Command::new(BIN);
    command.env("WARROOM_DIR", dir).env("WARROOM_USER", actor).env("WARROOM_CONFIG", "/nonexistent");
    command
}

/// One declaration (the declarer commands; privacy is paged); how long the command took.
fn declare(dir: &Path) -> Duration {
    let started = Instant::now();
    let out = warroom(dir, "alice").args(["declare", "--runbook", "cross-tenant-pii-leak"]).output().expect("declare");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    started.elapsed()
}

/// The id `warroom declare` printed first.
fn declared_id(dir: &Path) -> String {
    let out = warroom(dir, "alice").args(["declare", "--runbook", "cross-tenant-pii-leak"]).output().expect("declare");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).split_whitespace().next().expect("id").to_owned()
}

/// `NOTES` notes appended one command at a time; each command's spawn → exit.
fn notes(dir: &Path, id: &str) -> Vec<f64> {
    (0..NOTES)
        .map(|n| {
            let started = Instant::now();
            let out = warroom(dir, "alice").args(["note", id, &format!("note {n}")]).output().expect("note");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            ms(started.elapsed())
        })
        .collect()
}

fn wait_for(arrived: &Mutex<Vec<Instant>>, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while arrived.lock().expect("arrived").len() < count {
        assert!(Instant::now() < deadline, "pages did not arrive");
        std::thread::sleep(Duration::from_micros(200));
    }
}

/// One POST on its own connection, as the deliverer sends each page; waits for the answer.
fn bare_post(addr: &str) {
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    let head = format!("POST /page HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}");
    stream.write_all(head.as_bytes()).expect("post");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 202"), "{answer}");
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn percentiles(mut values: Vec<f64>) -> (f64, f64) {
    values.sort_by(f64::total_cmp);
    (values[values.len() / 2], values[(values.len() - 1) * 99 / 100])
}

fn deliverer(dir: &Path) -> std::process::Child {
    warroom(dir, "ops").args(["outbox", "run"]).stderr(Stdio::null()).spawn().expect("outbox run")
}

fn main() {
    let (addr, arrived) = receiver();

    let ws = workspace(Some(&addr));
    let mut runner = deliverer(ws.path());
    std::thread::sleep(Duration::from_millis(500));
    let mut to_page = Vec::new();
    let mut declared = Vec::new();
    for n in 0..DECLARATIONS {
        let started = Instant::now();
        declared.push(ms(declare(ws.path())));
        wait_for(&arrived, n + 1);
        to_page.push(ms(arrived.lock().expect("arrived")[n] - started));
    }
    runner.kill().expect("kill");
    let _ = runner.wait();
    let bare = workspace(None);
    let alone: Vec<f64> = (0..DECLARATIONS).map(|_| ms(declare(bare.path()))).collect();
    let ((page50, page99), (dec50, dec99), (alone50, alone99)) =
        (percentiles(to_page), percentiles(declared), percentiles(alone));
    println!("{DECLARATIONS} declarations, one page each, `outbox run` delivering:");
    println!("  declare started → page received      p50 {page50:.1} ms  p99 {page99:.1} ms");
    println!("  declare command (spawn → exit)       p50 {dec50:.1} ms  p99 {dec99:.1} ms");
    println!("  reference: declare, no notifiers     p50 {alone50:.1} ms  p99 {alone99:.1} ms");

    let ws = workspace(Some(&addr));
    for _ in 0..BACKLOG {
        declare(ws.path());
    }
    let before = arrived.lock().expect("arrived").len();
    let started = Instant::now();
    let mut runner = deliverer(ws.path());
    wait_for(&arrived, before + BACKLOG);
    let drained = started.elapsed();
    runner.kill().expect("kill");
    let _ = runner.wait();
    let started = Instant::now();
    for _ in 0..BACKLOG {
        bare_post(&addr);
    }
    let ceiling = started.elapsed();
    println!("a backlog of {BACKLOG} queued pages (one per incident):");
    println!(
        "  outbox run, start → all received     {:.0} ms, {:.0} pages/s",
        ms(drained),
        BACKLOG as f64 / drained.as_secs_f64()
    );
    println!(
        "  reference: bare POSTs, one by one    {:.0} ms, {:.0} requests/s",
        ms(ceiling),
        BACKLOG as f64 / ceiling.as_secs_f64()
    );

    let ws = workspace(Some(&addr));
    let mut runner = deliverer(ws.path());
    let before = arrived.lock().expect("arrived").len();
    let id = declared_id(ws.path());
    wait_for(&arrived, before + 1);
    let paging = percentiles(notes(ws.path(), &id));
    runner.kill().expect("kill");
    let _ = runner.wait();
    let bare = workspace(None);
    let id = declared_id(bare.path());
    let quiet = percentiles(notes(bare.path(), &id));
    println!("{NOTES} notes, one `warroom note` each (spawn → durable → exit):");
    println!("  notifiers configured, deliverer running p50 {:.1} ms  p99 {:.1} ms", paging.0, paging.1);
    println!("  reference: no notifiers, no deliverer   p50 {:.1} ms  p99 {:.1} ms", quiet.0, quiet.1);
}
