//! `warroom verify` of one incident log, end to end as an auditor runs it, unsigned and signed,
//! beside `sha256sum` of the same file: 1,000,000 events written as an alert storm writes them
//! (one signature per write of 100 events) and 100,000 events written one command at a time
//! (one signature each). Run: `cargo bench --bench verify` (needs ssh-keygen).
//! WARROOM_BENCH_EVENTS scales both logs (default 1,000,000; the second is a tenth of it).

use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "support/timing.rs"]
mod timing;
use timing::best_of;

const BIN: &str = env!("CARGO_BIN_EXE_warroom");
const ID: &str = "INC-20261124-001";

fn main() {
    let events: u64 = std::env::var("WARROOM_BENCH_EVENTS").ok().and_then(|n| n.parse().ok()).unwrap_or(1_000_000);
    let root = tempfile::tempdir().expect("temp dir");
    let key = root.path().join("alice_ed25519");
    let made = Command::new("ssh-keygen").args(["-q", "-t", "ed25519", "-N", "", "-f"]).arg(&key).status();
    assert!(made.expect("ssh-keygen").success());
    let public = std::fs::read_to_string(key.with_extension("pub")).expect("pub");
    let signers = format!("alice {}\n", public.split_whitespace().take(2).collect::<Vec<_>>().join(" "));
    println!("machine: {} cores", std::thread::available_parallelism().map_or(1, |n| n.get()));
    for (label, count, every) in [("alert storm", events, 100), ("one command at a time", events / 10, 1)] {
        let unsigned = workspace(root.path(), &format!("{every}-unsigned"), None, &key, count, every);
        let signed = workspace(root.path(), &format!("{every}-signed"), Some(&signers), &key, count, every);
        let log = unsigned.join("incidents").join(format!("{ID}.jsonl"));
        let signed_log = signed.join("incidents").join(format!("{ID}.jsonl"));
        let mb = |p: &Path| std::fs::metadata(p).map_or(0.0, |m| m.len() as f64 / 1e6);
        println!(
            "workload: {label}: {count} events; unsigned {:.0} MB, signed {:.0} MB ({} signatures)",
            mb(&log),
            mb(&signed_log),
            count.div_ceil(every)
        );
        let _ = std::fs::read(&log);
        let _ = std::fs::read(&signed_log);
        let sums = best_of(3, || {
            let out = Command::new("sha256sum").arg(&signed_log).output().expect("sha256sum");
            assert!(out.status.success());
        });
        let plain = best_of(3, || verify(&unsigned));
        let with_sigs = best_of(3, || verify(&signed));
        let per_signature = (with_sigs - plain) / count.div_ceil(every) as f64 * 1e6;
        println!("  sha256sum of the signed log      {sums:>7.3} s");
        println!("  warroom verify, unsigned          {plain:>7.3} s   {:.2}× sha256sum", plain / sums);
        println!(
            "  warroom verify, signed            {with_sigs:>7.3} s   {:.2}× unsigned, {per_signature:.1} µs more per signature (wall, both cores)",
            with_sigs / plain
        );
    }
}

fn workspace(root: &Path, name: &str, signers: Option<&str>, key: &Path, events: u64, every: u64) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(dir.join("incidents")).expect("incidents");
    if let Some(signers) = signers {
        std::fs::write(dir.join("allowed_signers"), signers).expect("signers");
    }
    let out = dir.join("incidents").join(format!("{ID}.jsonl"));
    let mut generate = Command::new(BIN);
    generate.arg("--dir").arg(root.join("scratch")).args(["generate", "log", "--events", &events.to_string(), "--out"]);
    generate.arg(&out).env("WARROOM_TEST_NOW", "2026-11-24T02:00:00Z");
    if signers.is_some() {
        generate.arg("--sign-with").arg(key).args(["--sign-every", &every.to_string()]);
    }
    assert!(generate.status().expect("generate").success());
    dir
}

fn verify(dir: &Path) {
    let out = Command::new(BIN).arg("--dir").arg(dir).args(["verify", ID]).output().expect("verify");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}
