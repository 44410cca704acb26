//! Many writers on one PostgreSQL incident: every append lands once in one chain, and a writer
//! killed anywhere in its transaction loses nothing another writer was told was saved.

mod common;

use std::collections::BTreeSet;
use std::process::Stdio;
use std::time::Duration;

use chrono::{DateTime, Utc};
use common::{Workspace, postgres};
use warroom::domain::Command;
use warroom::domain::event::Actor;
use warroom::store::follow::LogName;
use warroom::store::signing::Proofs;
use warroom::store::{PgStore, Store};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("time").with_timezone(&Utc)
}

fn store(url: &str, dir: &std::path::Path) -> PgStore {
    PgStore::open(url, dir, Proofs::default()).expect("store")
}

#[test]
fn four_writers_of_five_hundred_appends_each_make_one_chain_of_two_thousand() {
    let url = postgres::database();
    let dir = tempfile::tempdir().expect("dir");
    let ws = Workspace { store: Some(url.clone()), ..Workspace::new() };
    ws.ok_at("alice", "2026-11-24T09:00:00Z", &["declare", "--runbook", "cross-tenant-pii-leak"]);
    let id = "INC-20261124-001";
    let declared = store(&url, dir.path()).incident(id).expect("incident").last_seq;
    std::thread::scope(|scope| {
        for writer in 0..4 {
            let (url, dir) = (url.clone(), dir.path());
            scope.spawn(move || {
                let store = store(&url, dir);
                let actor = Actor::named(&format!("writer{writer}"));
                for n in 0..500 {
                    let note = Command::Note { text: format!("writer {writer} note {n}") };
                    store.execute(id, &actor, at("2026-11-24T09:01:00Z"), note).expect("acknowledged");
                }
            });
        }
    });
    let reader = store(&url, dir.path());
    let verified = reader.verify(&LogName::Incident(id.into())).expect("one chain");
    assert_eq!(verified.events, declared + 2000);
    let incident = reader.incident(id).expect("incident");
    let notes: BTreeSet<&str> = incident.notes.iter().map(|n| n.text.as_str()).collect();
    assert_eq!(notes.len(), 2000, "each note once");
    assert!((0..4).all(|w| (0..500).all(|n| notes.contains(format!("writer {w} note {n}").as_str()))));
}

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
