//! Workloads the benchmark harnesses share, written by the binary's hidden `generate` command.

use std::path::Path;
use std::process::Command;

/// One incident log of `events` events at `out` (a mix of notes, ticks, reopens and
/// assignments), made in the workspace `ws`; returns its size in bytes.
pub fn generate_log(bin: &str, ws: &Path, events: u64, out: &Path) -> u64 {
    let generated = Command::new(bin)
        .arg("--dir")
        .arg(ws)
        .args(["generate", "log", "--events", &events.to_string(), "--out"])
        .arg(out)
        .env("WARROOM_TEST_NOW", "2026-11-24T02:00:00Z")
        .status()
        .expect("generate");
    assert!(generated.success());
    std::fs::metadata(out).expect("log").len()
}
