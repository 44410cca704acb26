//! The operational log (`warroom.log` in the workspace): a JSON line for every append,
//! refusal, fault and recovery, readable by its owner only, and nothing of it on the terminal.

mod common;

use std::io::Write;
use std::os::unix::fs::PermissionsExt;

use common::Workspace;

fn oplog(ws: &Workspace) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(ws.path().join("warroom.log")).expect("warroom.log");
    text.lines().map(|l| serde_json::from_str(l).expect("one JSON object a line")).collect()
}

fn lines_of<'a>(log: &'a [serde_json::Value], event: &str) -> Vec<&'a serde_json::Value> {
    log.iter().map(|l| &l["fields"]).filter(|f| f["event"] == event).collect()
}

#[test]
fn appends_and_refusals_are_logged_with_who_and_which_incident() {
    let ws = Workspace::new();
    let id = ws.declare("alice", "runaway-agent-cost");
    let err = ws.refused("bob", &["tick", &id, "no-such-step"], 1);
    assert_eq!(err.lines().count(), 1, "the terminal gets the one line only: {err}");
    ws.ok("bob", &["note", &id, "paged finops"]);
    let log = oplog(&ws);
    let appends = lines_of(&log, "append");
    assert_eq!(appends.len(), 2, "{log:?}");
    assert_eq!((appends[0]["actor"].as_str(), appends[0]["call"].as_str()), (Some("alice"), Some("declare")));
    assert_eq!(appends[1]["incident"], id.as_str());
    assert_eq!(appends[1]["call"], "note", "the command's own name");
    let refusals = lines_of(&log, "refusal");
    assert_eq!(refusals.len(), 1);
    assert_eq!(refusals[0]["actor"], "bob");
    assert_eq!(refusals[0]["call"], "tick");
    assert_eq!(refusals[0]["incident"], id.as_str());
    assert!(refusals[0]["reason"].as_str().is_some_and(|r| r.contains("no-such-step")), "{:?}", refusals[0]);
    let mode = std::fs::metadata(ws.path().join("warroom.log")).expect("meta").permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn a_quarantined_torn_tail_is_a_recovery_and_a_damaged_line_a_fault() {
    let ws = Workspace::new();
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    let torn = br#"{"v":1,"seq":2,"prev":"00","at":"2026-11-24T05:00:00Z","actor":{"na"#;
    std::fs::OpenOptions::new().append(true).open(ws.log(&id)).expect("open").write_all(torn).expect("tear");
    ws.ok("bob", &["note", &id, "zqx after the crash"]);
    let log = oplog(&ws);
    let recovered = lines_of(&log, "recovery");
    assert_eq!(recovered.len(), 1, "{log:?}");
    assert_eq!(recovered[0]["log"], id.as_str());
    assert_eq!(recovered[0]["bytes"], torn.len());

    let mut bytes = std::fs::read(ws.log(&id)).expect("log");
    let at = bytes.windows(3).position(|w| w == b"zqx").expect("note");
    bytes[at] = b'A';
    std::fs::write(ws.log(&id), &bytes).expect("tamper");
    ws.refused("bob", &["note", &id, "more"], 3);
    let log = oplog(&ws);
    let faults = lines_of(&log, "fault");
    assert!(faults.iter().any(|f| f["log"] == id.as_str() && f["seq"] == 3), "{faults:?}");
}
