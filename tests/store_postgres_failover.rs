//! Failover: a primary with a synchronous standby, writers appending through a multi-host URL,
//! the primary killed outright and the standby promoted. Every append a writer was told was
//! saved is on the new primary, and the log's chain verifies there.

mod common;

use std::collections::BTreeSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use common::{Workspace, postgres};
use warroom::domain::Command;
use warroom::domain::event::Actor;
use warroom::store::follow::LogName;
use warroom::store::signing::Proofs;
use warroom::store::{PgStore, Store};

/// What the writers saw: the notes acknowledged (with when each was asked for), and the exit
/// codes of refusals.
#[derive(Default)]
struct Outcomes {
    acknowledged: Vec<(String, Instant)>,
    refused: Vec<(Option<i32>, String)>,
}

#[test]
fn a_primary_killed_under_writers_loses_no_acknowledged_event_once_its_standby_is_promoted() {
    let mut primary = postgres::Server::start();
    let standby = postgres::Server::standby_of(&primary);
    primary.sql("postgres", "CREATE DATABASE war");
    let url = format!(
        "host={},{} port=5432,5432 user=admin dbname=war target_session_attrs=read-write connect_timeout=2",
        primary.socket().display(),
        standby.socket().display()
    );
    let ws = Workspace { store: Some(url), ..Workspace::new() };
    ws.ok("alice", &["store", "init"]);
    ws.ok("alice", &["declare", "--runbook", "cross-tenant-pii-leak"]);

    let outcomes = Mutex::new(Outcomes::default());
    let stop = AtomicBool::new(false);
    let (killed_at, promoted_at) = std::thread::scope(|scope| {
        let _stop_writers = StopOnDrop(&stop);
        for writer in 0..3 {
            let (ws, outcomes, stop) = (&ws, &outcomes, &stop);
            scope.spawn(move || {
                for n in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let text = format!("writer {writer} note {n}");
                    let asked = Instant::now();
                    let out = ws.run(&format!("w{writer}"), &["note", "001", &text]);
                    let mut seen = outcomes.lock().expect("outcomes");
                    if out.status.success() {
                        seen.acknowledged.push((text, asked));
                    } else {
                        seen.refused.push((out.status.code(), common::stderr(&out)));
                    }
                }
            });
        }
        let count = |since: Instant| {
            let seen = outcomes.lock().expect("outcomes");
            (seen.acknowledged.iter().filter(|(_, at)| *at > since).count(), seen.refused.len())
        };
        let started = Instant::now();
        wait_until("30 acknowledged appends before the kill", || count(started).0 >= 30);
        // Give the writers time to be in the middle of their transactions.
        std::thread::sleep(Duration::from_millis(20));
        primary.kill_hard();
        let killed_at = Instant::now();
        wait_until("a writer refused while no primary runs", || count(killed_at).1 > 0);
        standby.promote();
        let promoted_at = Instant::now();
        wait_until("30 acknowledged appends on the new primary", || count(promoted_at).0 >= 30);
        (killed_at, promoted_at)
    });

    let outcomes = outcomes.into_inner().expect("outcomes");
    let status = ws.status_json("001");
    let notes: BTreeSet<&str> =
        status["notes"].as_array().expect("notes").iter().filter_map(|n| n["text"].as_str()).collect();
    let lost: Vec<&str> =
        outcomes.acknowledged.iter().map(|(text, _)| text.as_str()).filter(|text| !notes.contains(text)).collect();
    assert!(lost.is_empty(), "acknowledged and lost in the failover: {lost:?}");
    assert!(
        outcomes.refused.iter().all(|(code, _)| *code == Some(4)),
        "while no primary ran, writers were refused as the store being unavailable (exit 4): {:?}",
        outcomes.refused.iter().filter(|(code, _)| *code != Some(4)).collect::<Vec<_>>()
    );
    let verdict = ws.ok("auditor", &["verify"]);
    assert!(!verdict.contains("damaged"), "{verdict}");
    let first_after = outcomes.acknowledged.iter().map(|(_, at)| *at).filter(|at| *at > killed_at).min();
    let first_after = first_after.expect("an append after the kill");
    eprintln!(
        "failover: {} acknowledged ({} refused); kill to promoted {} ms, kill to the first append asked \
         for after it and acknowledged {} ms",
        outcomes.acknowledged.len(),
        outcomes.refused.len(),
        (promoted_at - killed_at).as_millis(),
        (first_after - killed_at).as_millis()
    );
}

#[test]
fn a_process_that_read_a_line_the_failover_lost_reads_the_new_history_and_chains_onto_it() {
    let url = postgres::database();
    let ws = Workspace { store: Some(url.clone()), ..Workspace::new() };
    ws.ok_at("alice", "2026-11-24T09:00:00Z", &["declare", "--runbook", "cross-tenant-pii-leak"]);
    let id = "INC-20261124-001";
    let at = DateTime::parse_from_rfc3339("2026-11-24T09:01:00Z").expect("time").with_timezone(&Utc);
    let note = |text: &str| Command::Note { text: text.to_owned() };
    let alice = Actor::named("alice");
    // A console's store: it appends a line and keeps what it read.
    let console = PgStore::open(&url, ws.path(), Proofs::default()).expect("store");
    console.execute(id, &alice, at, note("seen then lost")).expect("appended");
    // The primary dies after other sessions saw that line and before its standby had it: the
    // promoted standby's log ends one line earlier, and another host appends a line of the same
    // length in its place.
    let database = url.rsplit("dbname=").next().expect("dbname");
    postgres::shared().sql(
        database,
        &format!(
            "ALTER TABLE warroom.lines DISABLE TRIGGER USER;
             DELETE FROM warroom.lines WHERE log = '{id}' AND seq = (SELECT seq FROM warroom.logs WHERE name = '{id}');
             UPDATE warroom.logs SET seq = seq - 1,
                 length = (SELECT max(byte_offset + length(line)) FROM warroom.lines WHERE log = '{id}')
                 WHERE name = '{id}';
             ALTER TABLE warroom.lines ENABLE TRIGGER USER;"
        ),
    );
    let other = PgStore::open(&url, ws.path(), Proofs::default()).expect("store");
    other.execute(id, &alice, at, note("after failover")).expect("appended");

    let notes = |store: &PgStore| -> Vec<String> {
        store.incident(id).expect("incident").notes.iter().map(|n| n.text.clone()).collect()
    };
    assert_eq!(notes(&console), ["after failover"], "the console shows the history the database holds");
    console.execute(id, &alice, at, note("next")).expect("appended");
    assert_eq!(notes(&other), ["after failover", "next"]);
    let verified = other.verify(&LogName::Incident(id.into())).expect("the chain verifies");
    assert_eq!(verified.events, notes(&other).len() as u64 + 1);
}

/// Stops the writers when the test's own thread leaves the scope, by success or panic.
struct StopOnDrop<'a>(&'a AtomicBool);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}
