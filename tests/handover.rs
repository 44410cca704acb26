//! Handing over command: the new commander accepts before taking it, and until then the one
//! handing over keeps command; afterwards the powers of command are the new commander's alone.

mod common;

use common::Workspace;

#[test]
fn command_passes_only_when_the_new_commander_accepts_and_powers_pass_with_it() {
    let ws = Workspace::new();
    let id = ws.ok("alice", &["declare", "--runbook", "cross-tenant-pii-leak"]).trim().to_owned();
    let offered = ws.ok("alice", &["assign", &id, "commander", "bob"]);
    assert!(offered.contains("handed command to bob") && offered.contains("until bob accepts"), "{offered}");
    let incident = ws.status_json(&id);
    assert_eq!(incident["roles"]["commander"], "alice", "alice commands until bob accepts");
    assert_eq!(incident["handover"]["to"], "bob");
    assert_eq!(incident["handover"]["from"], "alice");

    let err = ws.refused("carol", &["accept", &id], 1);
    assert!(err.contains("handed to bob, not to carol"), "{err}");
    let accepted = ws.ok("bob", &["accept", &id]);
    assert!(accepted.contains("bob accepted command from alice"), "{accepted}");
    let incident = ws.status_json(&id);
    assert_eq!(incident["roles"]["commander"], "bob");
    assert_eq!(incident["handover"], serde_json::Value::Null);

    let err = ws.refused("alice", &["clock", "drop", &id, "uk-gdpr-33", "--reason", "no UK subjects"], 1);
    assert!(err.contains("bob"), "what only the commander does is bob's now: {err}");
    let again = ws.refused("bob", &["accept", &id], 1);
    assert!(again.contains("not being handed over"), "{again}");
    ws.ok("auditor", &["verify"]);
}

#[test]
fn the_commander_withdraws_an_offer_and_a_responder_who_takes_command_has_it_at_once() {
    let ws = Workspace::new();
    let id = ws.ok("alice", &["declare", "--runbook", "cross-tenant-pii-leak"]).trim().to_owned();
    ws.ok("alice", &["assign", &id, "commander", "bob"]);
    ws.ok("alice", &["assign", &id, "commander", "alice"]);
    let incident = ws.status_json(&id);
    assert_eq!(incident["handover"], serde_json::Value::Null, "withdrawn");
    let err = ws.refused("bob", &["accept", &id], 1);
    assert!(err.contains("not being handed over"), "{err}");
    ws.ok("carol", &["assign", &id, "commander", "carol"]);
    assert_eq!(ws.status_json(&id)["roles"]["commander"], "carol", "taking command is recorded as carol's own act");
}

#[test]
fn a_withdrawn_handover_reads_as_one_in_the_log() {
    let ws = Workspace::new();
    let id = ws.ok("alice", &["declare", "--runbook", "cross-tenant-pii-leak"]).trim().to_owned();
    ws.ok("alice", &["assign", &id, "commander", "bob"]);
    let withdrawn = ws.ok("alice", &["assign", &id, "commander", "alice"]);
    assert!(withdrawn.contains("alice withdrew the handover of command: alice keeps it"), "{withdrawn}");
}

#[test]
fn each_role_says_since_when_its_holder_has_it_and_command_counts_from_acceptance() {
    let ws = Workspace::new();
    let at = |minute: u32| format!("2026-11-24T02:{minute:02}:00Z");
    let id = ws.ok_at("alice", &at(0), &["declare", "--runbook", "cross-tenant-pii-leak"]).trim().to_owned();
    ws.ok_at("alice", &at(5), &["assign", &id, "scribe", "sam"]);
    ws.ok_at("alice", &at(10), &["assign", &id, "commander", "bob"]);
    ws.ok_at("alice", &at(12), &["assign", &id, "commander", "alice"]);
    let since = ws.status_json(&id)["roles_since"].clone();
    assert_eq!(since, serde_json::json!({ "commander": at(0), "scribe": at(5) }), "a withdrawn offer changes nothing");
    ws.ok_at("alice", &at(15), &["assign", &id, "commander", "bob"]);
    ws.ok_at("bob", &at(20), &["accept", &id]);
    assert_eq!(ws.status_json(&id)["roles_since"]["commander"], at(20), "command is bob's from when he accepted");
    let text = ws.ok("auditor", &["status", &id]);
    assert!(text.contains(&format!("commander    bob  since {}", at(20))), "{text}");
}
