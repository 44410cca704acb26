//! Exporting an incident of 100,000 events (the whole `warroom export` process: read and verify
//! the log, fold it, render every file, hash and sync the bundle), plain and redacted, beside
//! `cp` + `sha256sum` of the same log. Run: `cargo bench --bench export` (WARROOM_BENCH_EVENTS
//! overrides the size).

use std::process::Command;

#[path = "support/timing.rs"]
mod timing;
#[path = "support/workload.rs"]
mod workload;
use timing::best_of;

const BIN: &str = env!("CARGO_BIN_EXE_warroom");

fn main() {
    let events: u64 = std::env::var("WARROOM_BENCH_EVENTS").ok().and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = dir.path().join("ws");
    let log = ws.join("incidents").join("INC-20261124-001.jsonl");
    std::fs::create_dir_all(log.parent().expect("dir")).expect("incidents");
    let bytes = workload::generate_log(BIN, &ws, events, &log);
    println!("workload: one incident of {events} events, a {:.1} MB log", bytes as f64 / 1e6);

    let copy = dir.path().join("copy.jsonl");
    let reference = best_of(3, || {
        std::fs::copy(&log, &copy).expect("cp");
        let out = Command::new("sha256sum").arg(&copy).output().expect("sha256sum");
        assert!(out.status.success());
    });
    println!("cp + sha256sum of the log (reference)   {reference:>8.3} s");
    for (name, redact) in [("warroom export", false), ("warroom export --redact", true)] {
        let mut n = 0;
        let seconds = best_of(3, || {
            n += 1;
            let out = dir.path().join(format!("bundle-{redact}-{n}"));
            let mut command = Command::new(BIN);
            command.arg("--dir").arg(&ws).args(["--as", "bench", "export", "001", "--out"]).arg(&out);
            if redact {
                command.arg("--redact");
            }
            let status = command.stdout(std::process::Stdio::null()).status().expect("export");
            assert!(status.success());
        });
        println!("{name:<40}{seconds:>8.3} s   (target under 2 s)");
    }
}
