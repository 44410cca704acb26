//! The console as a user meets it, in tmux: key press to redrawn screen, and idle CPU and
//! memory with clocks ticking, and keys during an alert storm through the console's own
//! listener. Needs tmux. Run: `cargo bench --bench console`
//! (WARROOM_BENCH_IDLE_SECONDS shortens the 60-second idle measurement).

use std::process::Command;
use std::time::{Duration, Instant};

#[path = "support/http.rs"]
mod http;

const BIN: &str = env!("CARGO_BIN_EXE_warroom");

struct Tmux(String);

impl Tmux {
    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").args(["-L", &self.0, "-f", "/dev/null"]).args(args).output().expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "s"])
    }

    fn until(&self, pred: impl Fn(&str) -> bool) -> Duration {
        let started = Instant::now();
        while !pred(&self.screen()) {
            assert!(started.elapsed() < Duration::from_secs(10), "timed out:\n{}", self.screen());
        }
        started.elapsed()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.run(&["kill-server"]);
    }
}

fn main() {
    let dir = tempfile::tempdir().expect("dir");
    let made = Command::new(BIN)
        .arg("--dir")
        .arg(dir.path())
        .args(["generate", "workspace", "--closed", "0", "--open", "50"])
        .status()
        .expect("generate");
    assert!(made.success());
    println!("workload: 50 open incidents with 4 clocks each, console at 200×60 in tmux 3 on this machine");

    let (mut narrow, mut narrow_floor) = keys_at(dir.path(), "80", "24");
    println!(
        "at 80×24: key press to redrawn screen   median {:.1} ms   (reference: cat in the same tmux, {:.1} ms)",
        median(&mut narrow),
        median(&mut narrow_floor)
    );

    let reference = Tmux(format!("warroom-bench-ref-{}", std::process::id()));
    reference.run(&["new-session", "-d", "-s", "s", "-x", "200", "-y", "60", "cat"]);
    let mut floor = Vec::new();
    for i in 0..40 {
        let marker = format!("k{i:02}x");
        reference.run(&["send-keys", "-t", "s", "-l", &marker]);
        floor.push(reference.until(|s| s.contains(&marker)).as_secs_f64() * 1e3);
    }
    drop(reference);

    let tmux = Tmux(format!("warroom-bench-{}", std::process::id()));
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port();
    let addr = format!("127.0.0.1:{port}");
    let script =
        format!("WARROOM_DIR='{}' WARROOM_CONFIG=/nonexistent '{BIN}' console --listen {addr}", dir.path().display());
    tmux.run(&["new-session", "-d", "-s", "s", "-x", "200", "-y", "60", "sh", "-c", &script]);
    tmux.until(|s| s.contains("Regulatory clocks"));
    let mut latencies = key_latencies(&tmux, 40);
    println!(
        "key press to redrawn screen   median {:.1} ms   (reference: a key echoed by cat in the same tmux, {:.1} ms)",
        median(&mut latencies),
        median(&mut floor)
    );

    let pane: u32 = tmux.run(&["list-panes", "-t", "s", "-F", "#{pane_pid}"]).trim().parse().expect("pane pid");
    let pid = child(pane).unwrap_or(pane);

    let count: usize = std::env::var("WARROOM_BENCH_ALERTS").ok().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let before = cpu_ticks(pid);
    let started = std::time::Instant::now();
    let (storm, mut during) = std::thread::scope(|scope| {
        let storm = scope.spawn(|| http::load(&addr, 4, count / 4, http::storm_alert));
        std::thread::sleep(Duration::from_millis(300));
        let during = key_latencies(&tmux, 10);
        (storm.join().expect("storm"), during)
    });
    let busy = started.elapsed().as_secs_f64();
    let used = cpu_ticks(pid) - before;
    println!(
        "alert storm through the console's listener: {count} alerts at {:.0}/s   console CPU {:.0} % of one core   key press to redrawn screen meanwhile median {:.1} ms   resident memory {:.1} MB",
        storm.0,
        used as f64 / 100.0 / busy * 100.0,
        median(&mut during),
        rss_kb(pid) as f64 / 1024.0
    );
    let seconds: u64 = std::env::var("WARROOM_BENCH_IDLE_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let before = cpu_ticks(pid);
    std::thread::sleep(Duration::from_secs(seconds));
    let used = cpu_ticks(pid) - before;
    let ticks_per_second = 100.0;
    println!(
        "idle for {seconds} s with clocks ticking   CPU {:.2} % of one core   resident memory {:.1} MB",
        used as f64 / ticks_per_second / seconds as f64 * 100.0,
        rss_kb(pid) as f64 / 1024.0
    );
}

/// Key press to redrawn screen in a console of `width`×`height`, and a key echoed by `cat` in a
/// tmux of the same size (the reference), 40 rounds each.
fn keys_at(dir: &std::path::Path, width: &str, height: &str) -> (Vec<f64>, Vec<f64>) {
    let reference = Tmux(format!("warroom-bench-ref-{width}-{}", std::process::id()));
    reference.run(&["new-session", "-d", "-s", "s", "-x", width, "-y", height, "cat"]);
    let mut floor = Vec::new();
    for i in 0..40 {
        let marker = format!("k{i:02}x");
        reference.run(&["send-keys", "-t", "s", "-l", &marker]);
        floor.push(reference.until(|s| s.contains(&marker)).as_secs_f64() * 1e3);
        reference.run(&["send-keys", "-t", "s", "Enter"]);
    }
    drop(reference);
    let tmux = Tmux(format!("warroom-bench-{width}-{}", std::process::id()));
    let script = format!("WARROOM_DIR='{}' WARROOM_CONFIG=/nonexistent '{BIN}' console", dir.display());
    tmux.run(&["new-session", "-d", "-s", "s", "-x", width, "-y", height, "sh", "-c", &script]);
    tmux.until(|s| s.contains("roles"));
    (key_latencies(&tmux, 40), floor)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Opens and closes the help screen `rounds` times, timing each key press to the redrawn screen.
fn key_latencies(tmux: &Tmux, rounds: usize) -> Vec<f64> {
    let mut latencies = Vec::new();
    for _ in 0..rounds {
        tmux.run(&["send-keys", "-t", "s", "?"]);
        latencies.push(tmux.until(|s| s.contains("Keys (any other key closes")).as_secs_f64() * 1e3);
        tmux.run(&["send-keys", "-t", "s", "Escape"]);
        latencies.push(tmux.until(|s| !s.contains("Keys (any other key closes")).as_secs_f64() * 1e3);
    }
    latencies
}

fn child(parent: u32) -> Option<u32> {
    std::fs::read_dir("/proc").ok()?.filter_map(Result::ok).find_map(|e| {
        let pid: u32 = e.file_name().to_str()?.parse().ok()?;
        let stat = std::fs::read_to_string(e.path().join("stat")).ok()?;
        let ppid: u32 = stat.rsplit(')').next()?.split_whitespace().nth(1)?.parse().ok()?;
        (ppid == parent).then_some(pid)
    })
}

fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    fields.get(11).and_then(|u| u.parse::<u64>().ok()).unwrap_or(0)
        + fields.get(12).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0)
}

fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| l.strip_prefix("VmRSS:").map(|v| v.trim().trim_end_matches(" kB").to_owned()))
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}
