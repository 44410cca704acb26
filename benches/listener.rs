//! Alerts per second through `warroom listen` with durable acknowledgement, and p50/p99
//! latency, beside the same client against a handler that only answers 200 (the ceiling of
//! this machine). Bounded: a fixed number of requests on loopback. Run: `cargo bench --bench listener`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_warroom");

fn post(addr: &str, body: &[u8]) -> u16 {
    let mut stream = TcpStream::connect(addr).expect("connect");
    let head = format!(
        "POST /alerts HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("head");
    stream.write_all(body).expect("body");
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

fn run(addr: &str, clients: usize, per_client: usize, body: impl Fn(usize) -> Vec<u8> + Sync) -> (f64, f64, f64) {
    let started = Instant::now();
    let mut latencies: Vec<f64> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..clients)
            .map(|c| {
                let body = &body;
                scope.spawn(move || {
                    (0..per_client)
                        .map(|i| {
                            let t = Instant::now();
                            let status = post(addr, &body(c * per_client + i));
                            assert_eq!(status, 200);
                            t.elapsed().as_secs_f64() * 1e3
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("client")).collect()
    });
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_by(f64::total_cmp);
    let n = latencies.len();
    (n as f64 / elapsed, latencies[n / 2], latencies[(n - 1) * 99 / 100])
}

fn trivial_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
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
                let _ = (&stream).write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n");
            });
        }
    });
    addr
}

fn main() {
    let dir = tempfile::tempdir_in(std::env::temp_dir()).expect("dir");
    let mut child = Command::new(BIN)
        .args(["--dir"])
        .arg(dir.path())
        .args(["--as", "alertmanager", "listen", "--addr", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("listener");
    let mut reader = BufReader::new(child.stderr.take().expect("stderr"));
    let mut first = String::new();
    reader.read_line(&mut first).expect("line");
    std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    let addr = first.split("http://").nth(1).and_then(|r| r.split('/').next()).expect("addr").to_owned();
    std::thread::sleep(Duration::from_millis(100));
    let alert = |n: usize| {
        format!(r#"{{"name":"AgentOutboundNoticeSpike","labels":{{"environment":"production","agent":"mailer-{n}"}}}}"#)
            .into_bytes()
    };
    let count: usize = std::env::var("WARROOM_BENCH_ALERTS").ok().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    println!("workload: {count} distinct alerts for one runbook (a storm) per run, one per request, loopback");
    let ceiling = trivial_server();
    for clients in [4, 16] {
        let offset = clients * count;
        let (rate, p50, p99) = run(&addr, clients, count / clients, |n| alert(offset + n));
        println!(
            "{clients:>2} clients  warroom listen (durable 200)  {rate:>7.0} alerts/s   p50 {p50:>6.2} ms  p99 {p99:>6.2} ms"
        );
        let (rate, p50, p99) = run(&ceiling, clients, count / clients, alert);
        println!(
            "{clients:>2} clients  trivial 200 handler (ceiling) {rate:>7.0} requests/s p50 {p50:>6.2} ms  p99 {p99:>6.2} ms"
        );
    }
    let _ = child.kill();
    let _ = child.wait();
}
