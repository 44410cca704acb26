//! The evidence log under stress: racing writers, killed writers, torn tails, damaged lines.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::Workspace;
use warroom::store::verify::verify_file;

fn notes(ws: &Workspace, id: &str) -> Vec<String> {
    ws.status_json(id)["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .map(|n| n["text"].as_str().expect("text").to_owned())
        .collect()
}

#[test]
fn four_processes_times_500_appends_make_one_chain_of_2000() {
    four_processes_of_500_appends(&Workspace::new());
}

#[test]
fn four_processes_times_500_appends_make_one_chain_of_2000_on_postgresql() {
    four_processes_of_500_appends(&Workspace::on_postgres());
}

fn four_processes_of_500_appends(ws: &Workspace) {
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    let children: Vec<_> = (0..4)
        .map(|p| {
            ws.command(&format!("writer-{p}"))
                .args(["generate", "appends", &id, "--count", "500", "--prefix", &format!("w{p}")])
                .stdout(Stdio::piped())
                .spawn()
                .expect("spawn writer")
        })
        .collect();
    let mut acked = 0;
    for child in children {
        let out = child.wait_with_output().expect("writer");
        assert!(out.status.success());
        acked += String::from_utf8_lossy(&out.stdout).lines().filter(|l| l.starts_with("ack ")).count();
    }
    assert_eq!(acked, 2000);
    let verified = ws.ok("auditor", &["verify", &id]);
    assert!(verified.contains(": 2001 events"), "{verified}");
    let all = notes(ws, &id);
    assert_eq!(all.len(), 2000);
    assert_eq!(all.iter().collect::<BTreeSet<_>>().len(), 2000, "no note written twice");
    for p in 0..4 {
        let mine: Vec<usize> =
            all.iter().filter_map(|t| t.strip_prefix(&format!("w{p}-"))).map(|n| n.parse().expect("n")).collect();
        assert_eq!(mine, (0..500).collect::<Vec<_>>(), "writer {p}'s notes keep their order");
    }
}

#[test]
fn killing_writers_mid_append_loses_no_acknowledged_event() {
    let ws = Workspace::new();
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    let mut acked: BTreeSet<String> = BTreeSet::new();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for round in 0..25 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let kill_after = 1 + (seed % 40) as usize;
        let mut child = ws
            .command("victim")
            .args(["generate", "appends", &id, "--count", "100000", "--prefix", &format!("r{round}")])
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let mut seen = 0;
        while seen < kill_after {
            match lines.next() {
                Some(Ok(line)) => {
                    acked.insert(line.splitn(3, ' ').nth(2).expect("text").to_owned());
                    seen += 1;
                }
                _ => break,
            }
        }
        child.kill().expect("SIGKILL");
        for line in lines.map_while(Result::ok) {
            acked.insert(line.splitn(3, ' ').nth(2).expect("text").to_owned());
        }
        let _ = child.wait();
    }
    ws.ok("alice", &["note", &id, "after the crashes"]);
    ws.ok("auditor", &["verify", &id]);
    let stored: BTreeSet<String> = notes(&ws, &id).into_iter().collect();
    let lost: Vec<&String> = acked.difference(&stored).collect();
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    assert!(acked.len() >= 25, "each round acknowledged at least one note");
}

#[test]
fn a_torn_tail_is_quarantined_by_the_next_writer_and_nothing_is_lost() {
    let ws = Workspace::new();
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    ws.ok("alice", &["note", &id, "before the crash"]);
    let torn = br#"{"v":1,"seq":3,"prev":"00","at":"2026-11-24T05:00:00Z","actor":{"na"#;
    std::fs::OpenOptions::new().append(true).open(ws.log(&id)).expect("open").write_all(torn).expect("tear");

    let err = ws.refused("auditor", &["verify", &id], 3);
    assert!(err.contains("failed verification"), "{err}");
    let report = String::from_utf8(ws.run("auditor", &["verify", &id]).stdout).expect("utf-8");
    assert!(report.contains("seq 3") && report.contains("torn tail"), "{report}");

    let out = ws.ok("bob", &["note", &id, "after the crash"]);
    assert!(out.contains("quarantined a torn tail"), "{out}");
    ws.ok("auditor", &["verify", &id]);
    let quarantined: Vec<_> = std::fs::read_dir(ws.path().join("quarantine")).expect("quarantine").collect();
    assert_eq!(quarantined.len(), 1);
    let path = quarantined[0].as_ref().expect("entry").path();
    assert_eq!(std::fs::read(path).expect("copy"), torn, "the torn bytes are kept verbatim");
    assert_eq!(notes(&ws, &id), ["before the crash", "after the crash"]);
}

#[test]
fn a_damaged_line_in_the_middle_makes_the_incident_read_only() {
    let ws = Workspace::new();
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    for n in 0..3 {
        ws.ok("alice", &["note", &id, &format!("note {n}")]);
    }
    let log = ws.log(&id);
    let mut bytes = std::fs::read(&log).expect("log");
    let at = bytes.windows(6).position(|w| w == b"note 1").expect("note 1");
    bytes[at + 5] = b'7';
    std::fs::write(&log, &bytes).expect("tamper");

    let err = ws.refused("alice", &["note", &id, "more"], 3);
    assert!(err.contains("damaged at seq 3") && err.contains("read-only"), "{err}");
    assert_eq!(std::fs::read(&log).expect("log"), bytes, "nothing appended to a damaged log");
    let other = ws.declare("alice", "cross-tenant-pii-leak");
    ws.ok("alice", &["note", &other, "other incidents still work"]);

    let out = ws.run("auditor", &["status"]);
    assert_eq!(out.status.code(), Some(3), "status says something is damaged");
    let text = String::from_utf8(out.stdout.clone()).expect("utf-8");
    assert!(text.contains(&other), "the healthy incident is listed:\n{text}");
    assert!(text.contains(&format!("✗ {id}  CANNOT BE READ")) && text.contains("seq 3"), "{text}");
    assert!(common::stderr(&out).contains(&id), "the refusal names it: {}", common::stderr(&out));
    let out = ws.run("auditor", &["status", "--json"]);
    assert_eq!(out.status.code(), Some(3));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("the whole JSON object");
    assert_eq!(json["incidents"][0]["id"], other.as_str());
    assert_eq!(json["unreadable"][0]["id"], id.as_str());
    assert!(json["unreadable"][0]["error"].as_str().is_some_and(|e| e.contains("seq 3")), "{json}");
}

#[test]
fn flipping_any_byte_is_caught_and_names_its_seq() {
    let ws = Workspace::new();
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    for n in 0..4 {
        ws.ok("alice", &["note", &id, &format!("n{n} é \u{1b}")]);
    }
    let log = ws.log(&id);
    let pristine = std::fs::read(&log).expect("log");
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(pristine.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i + 1))
        .collect();
    let seq_of = |offset: usize| line_starts.iter().filter(|s| **s <= offset).count();
    let tampered = ws.path().join("tampered.jsonl");
    let step = (pristine.len() / 500).max(1);
    let mut checked = 0;
    for offset in (0..pristine.len()).step_by(step).chain([pristine.len() - 1, line_starts[2] - 1]) {
        for flip in [0x01u8, 0x20, 0x80] {
            let mut bytes = pristine.clone();
            bytes[offset] ^= flip;
            std::fs::write(&tampered, &bytes).expect("write");
            let failure = verify_file(&tampered, None).expect_err("a flipped byte went unnoticed");
            let expected = format!("seq {} ", seq_of(offset));
            assert!(
                failure.to_string().starts_with(&expected),
                "byte {offset} flip {flip:#x}: {failure} (wanted {expected})"
            );
            checked += 1;
        }
    }
    // The same through the binary, as an auditor runs it.
    let mut bytes = pristine.clone();
    let middle = (line_starts[3] + line_starts[4]) / 2;
    bytes[middle] ^= 0x04;
    std::fs::write(&tampered, &bytes).expect("write");
    let out = ws.run("auditor", &["verify", tampered.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("seq 4 "), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(checked > 1000);
}

#[test]
fn concurrent_declarations_get_distinct_ids() {
    let ws = Workspace::new();
    let children: Vec<_> = (0..8)
        .map(|n| {
            ws.command(&format!("r{n}"))
                .args(["declare", "--runbook", "cross-tenant-pii-leak"])
                .stdout(Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    let ids: BTreeSet<String> = children
        .into_iter()
        .map(|c| String::from_utf8(c.wait_with_output().expect("wait").stdout).expect("utf-8").trim().to_owned())
        .collect();
    assert_eq!(ids.len(), 8, "{ids:?}");
    let started = Instant::now();
    ws.ok("auditor", &["verify"]);
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn a_log_cut_before_its_archiving_is_marked_open_again_by_verify() {
    let ws = Workspace::new();
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    ws.ok("alice", &["resolve", &id]);
    ws.ok("alice", &["close", &id, "--force", "--reason", "contained"]);
    ws.ok("alice", &["archive", &id, "--reason", "clocks tracked by the DPO"]);
    assert!(!ws.ok("auditor", &["status"]).contains(&id), "archived: not listed");
    let log = ws.log(&id);
    let bytes = std::fs::read(&log).expect("log");
    let last_line = bytes[..bytes.len() - 1].iter().rposition(|b| *b == b'\n').expect("lines") + 1;
    assert!(String::from_utf8_lossy(&bytes[last_line..]).contains(r#""kind":"archived""#));
    std::fs::write(&log, &bytes[..last_line]).expect("cut the archiving");

    let out = ws.run("auditor", &["verify", &id]);
    let verified = String::from_utf8_lossy(&out.stdout);
    assert!(verified.contains("marked open again"), "{verified}");
    assert_eq!(out.status.code(), Some(3), "the bundle written at archiving holds its checkpoint: {verified}");
    assert!(verified.contains("TRUNCATED: seq"), "{verified}");
    assert!(ws.ok("auditor", &["status"]).contains(&id), "the closed incident is listed again");
    assert_eq!(ws.status_json(&id)["state"], "closed");
}

#[test]
fn a_console_or_listener_starting_marks_a_cut_archiving_open_again_reading_only_log_tails() {
    use warroom::store::Store;
    let ws = Workspace::new();
    let closed = ws.declare("alice", "cross-tenant-pii-leak");
    ws.ok("alice", &["resolve", &closed]);
    ws.ok("alice", &["close", &closed, "--force", "--reason", "done"]);
    ws.ok("alice", &["archive", &closed, "--reason", "done"]);
    let cut = ws.declare("alice", "cross-tenant-pii-leak");
    ws.ok("alice", &["resolve", &cut]);
    ws.ok("alice", &["close", &cut, "--force", "--reason", "done"]);
    ws.ok("alice", &["archive", &cut, "--reason", "done"]);
    let bytes = std::fs::read(ws.log(&cut)).expect("log");
    let last_line = bytes[..bytes.len() - 1].iter().rposition(|b| *b == b'\n').expect("lines") + 1;
    std::fs::write(ws.log(&cut), &bytes[..last_line]).expect("cut the archiving");

    let store = warroom::store::Workspace::open(ws.path()).expect("workspace");
    let repaired = store.reconcile();
    assert_eq!(repaired.len(), 1, "{repaired:?}");
    assert!(repaired[0].starts_with(&cut) && repaired[0].contains("marked open again"), "{repaired:?}");
    assert!(store.reconcile().is_empty(), "nothing left to set right");
    let status = ws.ok("auditor", &["status"]);
    assert!(status.contains(&cut) && !status.contains(&closed), "{status}");
}

/// Extends the log with `len` zero bytes (a sparse file: no disk written) and no newline.
fn append_zeros(log: &std::path::Path, len: u64) {
    let file = std::fs::OpenOptions::new().write(true).open(log).expect("open");
    let end = file.metadata().expect("metadata").len();
    file.set_len(end + len).expect("extend");
}

#[test]
fn a_torn_tail_of_one_and_a_half_gigabytes_is_counted_in_bounded_memory() {
    let ws = Workspace::new();
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    let tail: u64 = 3 << 29;
    append_zeros(&ws.log(&id), tail);

    let out = std::process::Command::new("prlimit")
        .args(["--as=1073741824", "--", env!("CARGO_BIN_EXE_warroom"), "verify", &id])
        .env("WARROOM_DIR", ws.path())
        .env("WARROOM_USER", "auditor")
        .output()
        .expect("run warroom under prlimit");
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{report}{}", common::stderr(&out));
    assert!(report.contains(&format!("torn tail of {tail} bytes")), "{report}");
}

#[test]
fn a_line_longer_than_any_writer_writes_is_damage_not_a_torn_tail() {
    let ws = Workspace::new();
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    let log = ws.log(&id);
    append_zeros(&log, 300 << 20);
    std::fs::OpenOptions::new().append(true).open(&log).expect("open").write_all(b"\n").expect("newline");
    let size = std::fs::metadata(&log).expect("log").len();

    let err = ws.refused("alice", &["note", &id, "more"], 3);
    assert!(err.contains("damaged at seq 2") && err.contains("longer than the 256 MiB"), "{err}");
    assert_eq!(std::fs::metadata(&log).expect("log").len(), size, "nothing cut, nothing appended");
}
