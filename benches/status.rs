//! `warroom status` on a workspace of 10,000 closed and 20 open incidents, end to end (process
//! start, listing, replay of what is open, output). Run: `cargo bench --bench status`.

use std::process::{Command, Stdio};
use std::time::Instant;

const BIN: &str = env!("CARGO_BIN_EXE_warroom");

fn main() {
    let closed: u64 = std::env::var("WARROOM_BENCH_CLOSED").ok().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let dir = tempfile::tempdir().expect("dir");
    let made = Instant::now();
    let status = Command::new(BIN)
        .arg("--dir")
        .arg(dir.path())
        .args(["generate", "workspace", "--closed", &closed.to_string(), "--open", "20"])
        .env("WARROOM_TEST_NOW", "2026-11-24T02:00:00Z")
        .status()
        .expect("generate");
    assert!(status.success());
    let size: u64 = std::fs::read_dir(dir.path().join("incidents"))
        .expect("incidents")
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!(
        "workload: {closed} closed + 20 open incidents, {:.0} MB of logs (made in {:.1} s)",
        size as f64 / 1e6,
        made.elapsed().as_secs_f64()
    );
    for (name, args) in [("warroom status", vec!["status"]), ("warroom status --json", vec!["status", "--json"])] {
        let mut samples: Vec<f64> = (0..30)
            .map(|_| {
                let started = Instant::now();
                let ok = Command::new(BIN)
                    .arg("--dir")
                    .arg(dir.path())
                    .args(&args)
                    .stdout(Stdio::null())
                    .status()
                    .expect("status")
                    .success();
                assert!(ok);
                started.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        samples.sort_by(f64::total_cmp);
        println!("{name:<24} median {:>6.1} ms   max {:>6.1} ms  (30 runs)", samples[15], samples[29]);
    }
    let mut reference: Vec<f64> = (0..30)
        .map(|_| {
            let started = Instant::now();
            Command::new("ls").arg(dir.path().join("incidents")).stdout(Stdio::null()).status().expect("ls");
            started.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    reference.sort_by(f64::total_cmp);
    println!("{:<24} median {:>6.1} ms  (reference: list the incidents folder)", "ls incidents/", reference[15]);
}
