//! A minimal HTTP/1.1 client for the load benchmarks: one POST per connection, like a
//! webhook sender, so nothing but the server under test is measured.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Instant;

/// POSTs `body` as JSON to `/alerts` at `addr` and returns the status code (0 if none).
pub fn post(addr: &str, body: &[u8]) -> u16 {
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

/// `clients` threads each POST `per_client` bodies; returns (requests/s, p50 ms, p99 ms).
pub fn load(addr: &str, clients: usize, per_client: usize, body: impl Fn(usize) -> Vec<u8> + Sync) -> (f64, f64, f64) {
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

/// A distinct alert for the mass-false-action runbook (a storm of them groups into one incident).
pub fn storm_alert(n: usize) -> Vec<u8> {
    format!(r#"{{"name":"AgentOutboundNoticeSpike","labels":{{"environment":"production","agent":"mailer-{n}"}}}}"#)
        .into_bytes()
}
