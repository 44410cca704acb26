//! Append + acknowledge: the time from asking to record an event to holding the proof that it
//! is durable (lock, catch-up, one O_APPEND write, sync_data). Run: `cargo bench --bench append`.

use std::time::Instant;

use chrono::Utc;
use warroom::catalog::{self, Origin};
use warroom::domain::Command;
use warroom::domain::event::Actor;
use warroom::store::{Store, Workspace};

fn main() {
    let count: usize = std::env::var("WARROOM_BENCH_APPENDS").ok().and_then(|n| n.parse().ok()).unwrap_or(5_000);
    let dir =
        tempfile::tempdir_in(std::env::var("WARROOM_BENCH_DIR").map_or_else(|_| std::env::temp_dir(), Into::into))
            .expect("dir");
    let runbook = catalog::load(&Origin::Embedded, Utc::now().date_naive())
        .get("cross-tenant-pii-leak")
        .expect("runbook")
        .clone();
    let workspace = Workspace::open(dir.path()).expect("workspace");
    let actor = Actor {
        name: "alice".into(),
        login: "oncall".into(),
        host: "bench".into(),
        pid: std::process::id(),
        fixed_clock: false,
    };
    let declare = |id: String| Command::Declare {
        id,
        runbook: Box::new(runbook.clone()),
        clocks: Vec::new(),
        severity: None,
        title: None,
        aware_at: None,
        drill: false,
        from_alert: None,
    };
    let incident = workspace.declare(&actor, Utc::now(), &declare).expect("declare");
    let mut samples = Vec::with_capacity(count);
    for n in 0..count {
        let note =
            Command::Note { text: format!("note {n}: trace 7f3a pinned, 3 records of tenant acme seen by globex") };
        let started = Instant::now();
        workspace.execute(&incident, &actor, Utc::now(), note).expect("append");
        samples.push(started.elapsed().as_secs_f64() * 1e6);
    }
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
    let fsync = fsync_floor(dir.path(), count.min(2_000));
    println!("workload: {count} notes appended to one incident, one process, workspace {}", dir.path().display());
    println!("append + acknowledge   median {:>7.1} µs   p99 {:>7.1} µs   max {:>8.1} µs", at(0.5), at(0.99), at(1.0));
    println!("reference: write+fdatasync of 200 bytes   median {:>7.1} µs   p99 {:>7.1} µs", fsync.0, fsync.1);
}

/// The same file system's floor: one small write and fdatasync, nothing else.
fn fsync_floor(dir: &std::path::Path, n: usize) -> (f64, f64) {
    use std::io::Write;
    let path = dir.join("floor");
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path).expect("floor");
    let line = [b'x'; 200];
    let mut samples: Vec<f64> = (0..n)
        .map(|_| {
            let started = Instant::now();
            file.write_all(&line).expect("write");
            file.sync_data().expect("sync");
            started.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    (samples[samples.len() / 2], samples[(samples.len() - 1) * 99 / 100])
}
