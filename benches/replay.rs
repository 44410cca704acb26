//! Replay + verify of a 1,000,000-event log, beside `wc -l` and `sha256sum` on the same file.
//! Run: `cargo bench --bench replay` (figures in BENCHMARKS.md). WARROOM_BENCH_EVENTS overrides
//! the size. The replay itself runs in a child process so that its peak memory is its own.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use warroom::domain::incident::Incident;
use warroom::store::line;
use warroom::store::scan::{Position, scan};

#[path = "support/timing.rs"]
mod timing;
#[path = "support/workload.rs"]
mod workload;
use timing::best_of;

const BIN: &str = env!("CARGO_BIN_EXE_warroom");

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--replay-child") {
        return replay_child(Path::new(&args[i + 1]));
    }
    let events: u64 = std::env::var("WARROOM_BENCH_EVENTS").ok().and_then(|n| n.parse().ok()).unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("replay.jsonl");
    let bytes = workload::generate_log(BIN, &dir.path().join("ws"), events, &log);
    println!("workload: one incident log, {events} events, {:.1} MB", mb(bytes));

    let _ = std::fs::read(&log);
    for (name, tool) in [("wc -l", "wc"), ("sha256sum", "sha256sum")] {
        let arg = if tool == "wc" { vec!["-l"] } else { vec![] };
        let t = best_of(3, || {
            Command::new(tool).args(&arg).arg(&log).output().expect(tool);
        });
        println!("{name:<28} {t:>7.3} s  {:>8.0} MB/s", mb(bytes) / t);
    }
    let data = std::fs::read(&log).expect("read");
    let hash_only = best_of(3, || {
        for l in data.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            if let Ok((body, _)) = line::split_seal(l) {
                std::hint::black_box(line::body_hash(body));
            }
        }
    });
    println!("{:<28} {hash_only:>7.3} s  {:>8.0} MB/s", "sha-256 of every line (1 core)", mb(bytes) / hash_only);
    drop(data);

    let mut runs = Vec::new();
    for _ in 0..3 {
        let out = Command::new(std::env::current_exe().expect("self"))
            .arg("--replay-child")
            .arg(&log)
            .output()
            .expect("child");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        runs.push(text);
    }
    runs.sort();
    let best = &runs[0];
    let (secs, peak_kb): (f64, u64) = {
        let mut it = best.split_whitespace();
        (
            it.next().and_then(|s| s.parse().ok()).unwrap_or(f64::NAN),
            it.next().and_then(|s| s.parse().ok()).unwrap_or(0),
        )
    };
    println!(
        "{:<28} {secs:>7.3} s  {:>8.0} MB/s  {:>9.0} events/s  peak RSS {:.1} MB",
        "warroom replay + verify",
        mb(bytes) / secs,
        events as f64 / secs,
        peak_kb as f64 / 1024.0
    );
}

fn replay_child(log: &Path) {
    let started = Instant::now();
    let file = std::fs::File::open(log).expect("open");
    let mut incident: Option<Incident> = None;
    let (end, torn) =
        scan(file, Position::START, warroom::store::line::genesis("INC-20261124-001"), |e| match incident.as_mut() {
            Some(i) => i.apply(&e),
            None => incident = Incident::declared(&e),
        })
        .expect("valid log");
    let secs = started.elapsed().as_secs_f64();
    assert!(torn.is_none() && end.seq > 0 && incident.is_some());
    println!("{secs:.4} {}", peak_rss_kb());
}

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| l.strip_prefix("VmHWM:").map(|v| v.trim().trim_end_matches(" kB").to_owned()))
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}
