//! Commander-only decisions (resolve, close, waive, the evidence-hold override, a deadline
//! moved later): refused to anyone else, who may take them in the commander's stead once they
//! say so. The log records it right before the decision, and `verify` accepts it.

mod common;

use common::Workspace;

fn last_lines(ws: &Workspace, id: &str, n: usize) -> Vec<String> {
    let log = std::fs::read_to_string(ws.log(id)).expect("log");
    let mut last: Vec<String> = log.lines().rev().take(n).map(str::to_owned).collect();
    last.reverse();
    last
}

fn in_stead_of(line: &str, commander: &str, what: &str, reason: &str) -> bool {
    let data =
        format!(r#""kind":"acted_in_stead","data":{{"commander":"{commander}","what":"{what}","reason":"{reason}"}}"#);
    line.contains(&data)
}

#[test]
fn only_the_commander_resolves_unless_another_says_they_act_in_the_commanders_stead() {
    let ws = Workspace::new();
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    let before = std::fs::read_to_string(ws.log(&id)).expect("log");
    let err = ws.refused("bob", &["resolve", &id], 1);
    assert!(err.contains("only the commander (alice) may resolve") && err.contains("--in-stead REASON"), "{err}");
    assert_eq!(std::fs::read_to_string(ws.log(&id)).expect("log"), before, "a refusal appends nothing");

    let err = ws.refused("bob", &["resolve", &id, "--in-stead", " "], 1);
    assert!(err.contains("why you act in the commander's stead"), "a reason is asked: {err}");
    let out = ws.ok("bob", &["resolve", &id, "--in-stead", "alice unreachable since 02:10"]);
    assert!(out.contains("bob resolved"), "{out}");
    let [marker, resolved] = <[String; 2]>::try_from(last_lines(&ws, &id, 2)).expect("two lines");
    assert!(
        in_stead_of(&marker, "alice", "resolve", "alice unreachable since 02:10") && marker.contains(r#""name":"bob""#),
        "{marker}"
    );
    assert!(resolved.contains(r#""kind":"resolved""#), "{resolved}");

    ws.ok("bob", &["note", &id, "vendor confirms rotation", "--in-stead", "habit"]);
    let [note] = <[String; 1]>::try_from(last_lines(&ws, &id, 1)).expect("a line");
    assert!(note.contains("note_added"), "what anyone may do is recorded plainly: {note}");
    ws.ok(
        "alice",
        &["close", &id, "--force", "--reason", "contained; follow-up in the DPO's hands", "--in-stead", "x"],
    );
    let log = std::fs::read_to_string(ws.log(&id)).expect("log");
    assert_eq!(log.matches("acted_in_stead").count(), 1, "the commander acts in no one's stead: {log}");
    ws.ok("auditor", &["verify", &id]);
}

#[test]
fn handing_over_command_passes_its_powers_only_when_the_new_commander_accepts() {
    let ws = Workspace::new();
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    ws.ok("alice", &["assign", &id, "commander", "bob"]);
    let err = ws.refused("bob", &["resolve", &id], 1);
    assert!(err.contains("only the commander (alice)"), "not yet accepted: {err}");
    ws.ok("bob", &["accept", &id]);
    let err = ws.refused("alice", &["resolve", &id], 1);
    assert!(err.contains("only the commander (bob) may resolve"), "{err}");
    ws.ok("bob", &["resolve", &id]);
}

#[test]
fn a_waiver_is_the_commanders_or_the_filing_roles_and_the_hold_override_only_the_commanders() {
    let ws = Workspace::new();
    let id = ws.ok("alice", &["declare", "--runbook", "cross-tenant-pii-leak", "--aware-at", "-1h"]).trim().to_owned();
    let err = ws.refused("priya", &["waive", &id, "gdpr-34", "--rationale", "contact data only"], 1);
    assert!(err.contains("only the commander (alice) may waive gdpr-34"), "{err}");
    ws.ok("alice", &["assign", &id, "privacy", "priya"]);
    ws.ok("priya", &["waive", &id, "gdpr-34", "--rationale", "contact data only"]);
    assert!(!std::fs::read_to_string(ws.log(&id)).expect("log").contains("acted_in_stead"), "the DPO's own call");

    let hold = ["tick", &id, "fix-filter", "--force", "--override-hold", "leak ongoing; traces pinned"];
    let err = ws.refused("carol", &hold, 1);
    assert!(err.contains("only the incident commander (alice) can override the evidence hold"), "{err}");
    ws.ok("carol", &[&hold[..], &["--in-stead", "alice asleep, paged twice"]].concat());
    let lines = last_lines(&ws, &id, 2);
    assert!(in_stead_of(&lines[0], "alice", "override the evidence hold", "alice asleep, paged twice"), "{lines:?}");
    assert!(lines[1].contains("step_ticked") && lines[1].contains("leak ongoing"), "{lines:?}");
}
