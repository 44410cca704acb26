//! A full disk and a read-only workspace: one-line causes, nothing acknowledged is lost; the
//! console and the listener stay live on a full disk and recover by themselves once space is
//! freed. These mount a small tmpfs, so they need root (CI runs as root and insists); elsewhere
//! they say so and pass.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::tmux::Tmux;
use common::{BIN, Workspace, post};

const SLOW: Duration = Duration::from_secs(20);

struct Mount {
    path: PathBuf,
}

impl Mount {
    fn tmpfs(at: &Path, size: &str) -> Option<Self> {
        std::fs::create_dir_all(at).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            assert!(std::env::var_os("CI").is_none(), "CI runs as root and must be able to mount a tmpfs");
            eprintln!("skipped: cannot mount a tmpfs here (needs root)");
            return None;
        }
        Some(Self { path: at.to_owned() })
    }

    /// Writes until the disk is full.
    fn fill(&self) {
        use std::io::Write;
        let mut file = std::fs::File::create(self.path.join("filler")).expect("filler");
        let block = vec![0u8; 64 * 1024];
        while file.write_all(&block).is_ok() {}
        let small = vec![0u8; 512];
        while file.write_all(&small).is_ok() {}
        let _ = file.sync_all();
    }

    fn free(&self) {
        std::fs::remove_file(self.path.join("filler")).expect("free the space");
    }

    fn remount(&self, options: &str) {
        let status = Command::new("mount").args(["-o", &format!("remount,{options}")]).arg(&self.path).status();
        assert!(status.is_ok_and(|s| s.success()), "remount {options}");
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.path).status();
    }
}

fn workspace_on(mount: &Mount) -> Workspace {
    Workspace { dir: tempfile::tempdir_in(&mount.path).expect("dir on tmpfs"), store: None }
}

#[test]
fn a_full_disk_is_one_line_not_saved_and_the_log_stays_verifiable() {
    let base = tempfile::tempdir().expect("base");
    let Some(mount) = Mount::tmpfs(&base.path().join("small"), "512k") else { return };
    let ws = workspace_on(&mount);
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    ws.ok("alice", &["note", &id, "before the disk filled"]);

    let filler = mount.path.join("filler");
    let _ = std::fs::write(&filler, vec![b'x'; 1 << 20]);
    let note = "x".repeat(4000);
    let err = ws.refused("alice", &["note", &id, &note], 4);
    assert!(err.contains("NOT SAVED") && (err.contains("No space left") || err.contains("disk is full")), "{err}");

    std::fs::remove_file(&filler).expect("free space");
    ws.ok("alice", &["note", &id, "after space came back"]);
    ws.ok("auditor", &["verify", &id]);
    let incident = ws.status_json(&id);
    let texts: Vec<&str> =
        incident["notes"].as_array().expect("notes").iter().filter_map(|n| n["text"].as_str()).collect();
    assert_eq!(texts, ["before the disk filled", "after space came back"]);
}

#[test]
fn a_read_only_workspace_refuses_writes_in_one_line_and_still_reads() {
    let base = tempfile::tempdir().expect("base");
    let Some(mount) = Mount::tmpfs(&base.path().join("ro"), "4m") else { return };
    let ws = workspace_on(&mount);
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    let before = std::fs::read(ws.log(&id)).expect("log");
    mount.remount("ro");

    let err = ws.refused("alice", &["tick", &id, "confirm-signal"], 4);
    assert!(err.contains("read-only"), "{err}");
    let err = ws.refused("alice", &["declare", "--runbook", "cross-tenant-pii-leak"], 4);
    assert!(err.contains("read-only"), "{err}");
    assert_eq!(ws.status_json(&id)["state"], "active", "status still reads");
    ws.ok("auditor", &["verify", &id]);
    assert_eq!(std::fs::read(ws.log(&id)).expect("log"), before);
    mount.remount("rw");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

fn alert(n: u32) -> String {
    format!(r#"{{"name":"DiskTest{n}","labels":{{"agent":"a{n}"}},"annotations":{{"summary":"alert {n}"}}}}"#)
}

fn warroom(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(BIN).env("WARROOM_DIR", dir).env("WARROOM_USER", "auditor").args(args).output().expect("warroom")
}

/// POSTs until the answer is `status`, for up to `within`.
fn post_until(port: u16, body: &str, status: u16, within: Duration) -> Duration {
    let started = Instant::now();
    loop {
        if post(port, body) == status {
            return started.elapsed();
        }
        assert!(started.elapsed() < within, "no {status} within {within:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_console_says_not_saved_stays_live_and_recovers_when_space_is_freed() {
    let base = tempfile::tempdir().expect("base");
    let Some(disk) = Mount::tmpfs(&base.path().join("small"), "4m") else { return };
    let ws = disk.path.join("ws");
    let tmux = Tmux::new("full");
    let port = free_port();
    tmux.start_in("a", &ws, "alice", (80, 24), &format!("--demo --listen 127.0.0.1:{port}"));
    tmux.wait_for("a", " saved ", SLOW);
    assert_eq!(post(port, &alert(1)), 200);

    disk.fill();
    // Another responder's notes take what room the log's last page had left, down to the
    // shortest note.
    for size in [600, 100, 1] {
        let note = "y".repeat(size);
        let full = (0..40).any(|_| warroom(&ws, &["note", "001", &note]).status.code() == Some(4));
        assert!(full, "the disk never filled");
    }
    tmux.keys("a", &["n"]);
    tmux.keys("a", &["-l", "written on a full disk"]);
    tmux.keys("a", &["C-s"]);
    let started = Instant::now();
    let screen = tmux.wait_for("a", "NOT SAVED", Duration::from_secs(2));
    assert!(screen.contains("No space left") || screen.contains("short write"), "the cause is shown:\n{screen}");
    eprintln!("NOT SAVED shown {:?} after the failing write was sent", started.elapsed());
    let header = screen.lines().next().unwrap_or_default().to_owned();
    tmux.wait_until("a", "the countdown moving while NOT SAVED", SLOW, |now| {
        now.lines().next().is_some_and(|line| line != header) && now.contains("NOT SAVED")
    });
    assert_eq!(post(port, &alert(2)), 503, "the hosted listener answers at once, asking for a retry");
    assert!(screen.contains("written on a full disk"), "the refused note stays in its form:\n{screen}");

    disk.free();
    let freed = Instant::now();
    tmux.wait_for("a", " saved ", SLOW);
    eprintln!("recovered {:?} after space was freed", freed.elapsed());
    post_until(port, &alert(2), 200, SLOW);
    tmux.keys("a", &["C-s"]);
    tmux.wait_for("a", "noted: written on a full disk", SLOW);
    tmux.keys("a", &["q"]);
    tmux.wait_for("a", "EXITED 0", SLOW);

    let verify = warroom(&ws, &["verify"]);
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
    let status = String::from_utf8(warroom(&ws, &["status", "--json"]).stdout).expect("json");
    assert_eq!(status.matches("written on a full disk").count(), 1, "saved once, after the disk was freed");
    let oplog = std::fs::read_to_string(ws.join("warroom.log")).unwrap_or_default();
    assert!(oplog.contains(r#""event":"recovery""#), "the recovery is in the operational log:\n{oplog}");
}

struct Listening(Child);

impl Drop for Listening {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_standalone_listener_answers_503_on_a_full_disk_and_200_once_space_is_freed() {
    let base = tempfile::tempdir().expect("base");
    let Some(disk) = Mount::tmpfs(&base.path().join("small"), "4m") else { return };
    let ws = disk.path.join("ws");
    let port = free_port();
    let child = Command::new(BIN)
        .env("WARROOM_DIR", &ws)
        .env("WARROOM_USER", "alertmanager")
        .args(["listen", "--addr", &format!("127.0.0.1:{port}")])
        .stderr(Stdio::null())
        .spawn()
        .expect("listen");
    let _listening = Listening(child);
    post_until(port, &alert(1), 200, SLOW);

    disk.fill();
    let mut refused = 0;
    for n in 2..40 {
        match post(port, &alert(n)) {
            503 => refused += 1,
            200 => {}
            other => panic!("alert {n}: HTTP {other}, neither stored nor a retry"),
        }
    }
    assert!(refused > 0, "a full disk refuses alerts with 503");
    disk.free();
    let took = post_until(port, &alert(99), 200, SLOW);
    eprintln!("the listener answered 200 {took:?} after space was freed");
    let verify = warroom(&ws, &["verify"]);
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
}

#[test]
fn an_export_that_fills_the_disk_leaves_no_partial_bundle_behind() {
    let base = tempfile::tempdir().expect("base");
    let Some(disk) = Mount::tmpfs(&base.path().join("small"), "4m") else { return };
    let ws = workspace_on(&disk);
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    disk.fill();
    let out = disk.path.join("handover");
    let failed = ws.run("dpo", &["export", &id, "--out", out.to_str().expect("path")]);
    assert!(!failed.status.success(), "an export on a full disk fails");
    let left: Vec<String> = std::fs::read_dir(&disk.path)
        .expect("mount")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.contains("handover"))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    disk.free();
    ws.ok("dpo", &["export", &id, "--out", out.to_str().expect("path")]);
    ws.ok("auditor", &["verify", out.to_str().expect("path")]);
}
