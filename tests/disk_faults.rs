//! A full disk and a read-only workspace: one-line causes, nothing acknowledged is lost.
//! These mount a small tmpfs, so they need root (CI runs as root); elsewhere they say so and pass.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::Workspace;

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
            eprintln!("skipped: cannot mount a tmpfs here (needs root)");
            return None;
        }
        Some(Self { path: at.to_owned() })
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
    Workspace { dir: tempfile::tempdir_in(&mount.path).expect("dir on tmpfs") }
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
