//! Writers on one PostgreSQL incident killed anywhere in their transactions: nothing another
//! writer was told was saved is lost. (Racing writers that all finish: tests/durability.rs.)

mod common;

use std::collections::BTreeSet;
use std::process::Stdio;
use std::time::Duration;

use common::Workspace;

#[test]
fn writers_killed_in_the_middle_lose_no_acknowledged_event() {
    let ws = Workspace::on_postgres();
    ws.ok("alice", &["declare", "--runbook", "cross-tenant-pii-leak"]);
    let id = "001";
    let mut acknowledged = Vec::new();
    let mut killed = 0;
    for round in 0..25u64 {
        // Three writers at once: one is killed after a delay that walks through its start-up,
        // connection and transaction; the other two run to the end.
        let mut writers: Vec<(String, std::process::Child)> = (0..3)
            .map(|k| {
                let text = format!("round {round} writer {k}");
                let child = ws
                    .command(&format!("w{k}"))
                    .args(["note", id, &text])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .expect("writer");
                (text, child)
            })
            .collect();
        std::thread::sleep(Duration::from_millis(round * 7 % 60));
        let _ = writers[0].1.kill();
        for (text, mut child) in writers {
            let status = child.wait().expect("wait");
            if status.success() {
                acknowledged.push(text);
            } else {
                killed += 1;
            }
        }
    }
    assert!(killed >= 10, "most kills land before the writer finished ({killed} of 25)");
    ws.ok("alice", &["note", id, "after the kills"]);
    let status: serde_json::Value =
        serde_json::from_str(&ws.ok("auditor", &["status", "001", "--json"])).expect("status json");
    let notes: BTreeSet<&str> =
        status["incidents"][0]["notes"].as_array().expect("notes").iter().filter_map(|n| n["text"].as_str()).collect();
    let lost: Vec<&String> = acknowledged.iter().filter(|t| !notes.contains(t.as_str())).collect();
    assert!(lost.is_empty(), "acknowledged and lost: {lost:?}");
    assert!(notes.contains("after the kills"), "the log's head was not left locked");
    let verdict = ws.ok("auditor", &["verify"]);
    assert!(!verdict.contains("damaged"), "{verdict}");
}
