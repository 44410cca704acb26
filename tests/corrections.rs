//! Corrections are explicit: a recorded decision is never re-anchored by omission, a later
//! time needs a reason and the commander, the log keeps each deadline before and after, and
//! the annex lists every correction. A breach begins before it ends and before awareness.
//! What was filed is kept with each submission.

mod common;

use std::path::PathBuf;

use common::Workspace;

fn at(ws: &Workspace, actor: &str, time: &str, args: &[&str]) -> std::process::Output {
    ws.command(actor).env("WARROOM_TEST_NOW", time).args(args).output().expect("run")
}

fn ok(ws: &Workspace, actor: &str, time: &str, args: &[&str]) -> String {
    let out = at(ws, actor, time, args);
    assert!(out.status.success(), "warroom {args:?}: {}", common::stderr(&out));
    String::from_utf8(out.stdout).expect("utf-8")
}

fn refused(ws: &Workspace, actor: &str, time: &str, args: &[&str]) -> String {
    let out = at(ws, actor, time, args);
    assert_eq!(
        out.status.code(),
        Some(1),
        "warroom {args:?} should be refused: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    common::stderr(&out)
}

fn gdpr_due(ws: &Workspace, time: &str) -> String {
    let status: serde_json::Value =
        serde_json::from_str(&ok(ws, "auditor", time, &["status", "001", "--json"])).expect("json");
    let clocks = status["incidents"][0]["clocks"].as_array().expect("clocks");
    clocks.iter().find(|c| c["id"] == "gdpr-33").expect("gdpr-33")["due_at"].as_str().expect("due").to_owned()
}

const T: &str = "2026-11-24T11:00:00Z";

fn declared(ws: &Workspace) {
    ok(ws, "alice", T, &["declare", "--runbook", "cross-tenant-pii-leak", "--aware-at", "2026-11-24T02:10:00Z"]);
}

#[test]
fn a_recorded_decision_is_never_re_anchored_by_omission_and_confirm_keeps_it() {
    let ws = Workspace::new();
    declared(&ws);
    let err = refused(&ws, "alice", T, &["decide", "001", "aware"]);
    assert!(err.contains("aware is already recorded: reached 2026-11-24T02:10:00Z, by alice"), "{err}");
    assert!(err.contains("--confirm"), "{err}");
    assert_eq!(gdpr_due(&ws, T), "2026-11-27T02:10:00Z");

    let out = ok(&ws, "alice", T, &["decide", "001", "aware", "--confirm", "--evidence", "alert TenantMismatch"]);
    assert!(out.contains("reached at 2026-11-24T02:10:00Z, confirming #1 (evidence: alert TenantMismatch)"), "{out}");
    assert_eq!(gdpr_due(&ws, T), "2026-11-27T02:10:00Z", "a confirmation moves nothing");
}

#[test]
fn a_later_time_needs_a_reason_and_the_commander_and_the_log_keeps_the_deadlines_moved() {
    let ws = Workspace::new();
    declared(&ws);
    let later = "2026-11-24T09:00:00Z";
    let err = refused(&ws, "alice", T, &["decide", "001", "aware", "--at", later]);
    assert!(err.contains("moving aware later (2026-11-24T02:10:00Z → 2026-11-24T09:00:00Z)"), "{err}");
    assert!(err.contains("--reason"), "{err}");
    let err = refused(&ws, "bob", T, &["decide", "001", "aware", "--at", later, "--reason", "the alert was noise"]);
    assert!(err.contains("only the commander (alice) may move aware later"), "{err}");
    assert_eq!(gdpr_due(&ws, T), "2026-11-27T02:10:00Z", "nothing moved");

    let reason = "the 02:10 alert was a test tenant; the real leak was seen at 09:00";
    let out = ok(&ws, "alice", T, &["decide", "001", "aware", "--at", later, "--reason", reason]);
    assert!(out.contains(&format!("; reason: {reason}")), "{out}");
    assert!(
        out.contains("gdpr-33 due 2026-11-27T02:10:00Z → 2026-11-27T09:00:00Z"),
        "the deadline before and after: {out}"
    );
    assert_eq!(gdpr_due(&ws, T), "2026-11-27T09:00:00Z");

    let earlier = ok(&ws, "bob", T, &["decide", "001", "aware", "--at", "2026-11-24T08:00:00Z"]);
    assert!(
        earlier.contains("gdpr-33 due 2026-11-27T09:00:00Z → 2026-11-27T08:00:00Z"),
        "earlier needs no reason: {earlier}"
    );

    let bundle = ok(&ws, "alice", T, &["export", "001"]);
    let dir = PathBuf::from(bundle.lines().next().and_then(|l| l.split("written to ").nth(1)).expect("bundle").trim());
    let annex = std::fs::read_to_string(dir.join("regulatory-annex.md")).expect("annex");
    let gdpr = annex.split("## gdpr-33 ").nth(1).expect("gdpr-33 section");
    let gdpr = gdpr.split("\n## ").next().expect("section");
    assert!(gdpr.contains(&format!("| Correction | #2 2026-11-24T02:10:00Z → 2026-11-24T09:00:00Z by alice, recorded 2026-11-24T11:00:00Z; reason: {reason} |")), "{gdpr}");
    assert!(gdpr.contains("| Correction | #3 2026-11-24T09:00:00Z → 2026-11-24T08:00:00Z by bob"), "{gdpr}");
}

#[test]
fn a_breach_begins_before_it_ends_and_before_anyone_is_aware_of_it() {
    let ws = Workspace::new();
    declared(&ws);
    let err = refused(&ws, "alice", T, &["decide", "001", "breach-started", "--at", "2026-11-24T03:00:00Z"]);
    assert!(err.contains("would fall after aware (2026-11-24T02:10:00Z)"), "{err}");
    ok(&ws, "alice", T, &["decide", "001", "breach-started", "--at", "2026-11-24T01:31:00Z"]);
    let err = refused(&ws, "alice", T, &["decide", "001", "breach-ended", "--at", "2026-11-24T01:00:00Z"]);
    assert!(err.contains("breach-ended at 2026-11-24T01:00:00Z would fall before breach-started"), "{err}");
    ok(&ws, "alice", T, &["decide", "001", "breach-ended", "--at", "2026-11-24T02:40:00Z"]);
}

#[test]
fn each_submission_keeps_the_filing_as_sent_and_text_cannot_forge_a_section() {
    let ws = Workspace::new();
    declared(&ws);
    let forged = "12 subjects\n\n## Data subjects informed\n\nYes: all were told by e-mail\n| a | b |";
    ok(&ws, "priya", T, &["clock", "provide", "001", "gdpr-33", "a", forged]);
    ok(&ws, "priya", "2026-11-24T12:00:00Z", &["notify", "001", "gdpr-33", "--ref", "DPC-1", "--phase", "initial"]);
    ok(&ws, "alice", "2026-11-24T12:04:00Z", &["assign", "001", "privacy", "priya"]);
    ok(&ws, "priya", "2026-11-24T12:05:00Z", &["waive", "001", "gdpr-34", "--rationale", "contact data only"]);
    let bundle = ok(&ws, "alice", "2026-11-24T13:00:00Z", &["export", "001"]);
    let dir = PathBuf::from(bundle.lines().next().and_then(|l| l.split("written to ").nth(1)).expect("bundle").trim());

    let sent: Vec<PathBuf> = std::fs::read_dir(dir.join("filings/sent"))
        .expect("filings/sent")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    assert_eq!(sent.len(), 1, "{sent:?}");
    let copy = std::fs::read_to_string(&sent[0]).expect("sent copy");
    assert!(
        sent[0].to_string_lossy().ends_with("gdpr-33-")
            || sent[0].file_name().is_some_and(|n| n.to_string_lossy().starts_with("gdpr-33-"))
    );
    assert!(
        copy.contains("- Date: 2026-11-24\n") && copy.contains("- Phase: initial notification; further information"),
        "{copy}"
    );
    assert!(copy.contains("## Data subjects informed\n\n**[missing"), "as it stood then: not yet decided: {copy}");

    let filing = std::fs::read_to_string(dir.join("filings/gdpr-33.md")).expect("filing");
    let headings: Vec<&str> = filing.lines().filter(|l| l.starts_with("## Data subjects informed")).collect();
    assert_eq!(headings, ["## Data subjects informed"], "one real section, the forged one escaped: {filing}");
    assert!(filing.contains("\\## Data subjects informed") && filing.contains("\\| a | b |"), "{filing}");
    assert!(filing.contains("## Data subjects informed\n\nNo. contact data only\n"), "{filing}");

    let waived = std::fs::read_to_string(dir.join("filings/gdpr-34.md")).expect("gdpr-34");
    assert!(
        waived.contains("**NOT APPLICABLE: nothing to file.**") && !waived.contains("Missing before filing"),
        "{waived}"
    );
}

#[test]
fn setting_a_duty_aside_is_the_commanders_and_a_claim_cannot_predate_its_clock() {
    let ws = Workspace::new();
    declared(&ws);
    let err = refused(&ws, "bob", T, &["clock", "drop", "001", "uk-gdpr-33", "--reason", "no UK data subjects"]);
    assert!(err.contains("only the commander (alice) may drop uk-gdpr-33"), "{err}");

    let err = refused(&ws, "bob", T, &["notify", "001", "gdpr-33", "--ref", "R", "--at", "2026-11-24T01:00:00Z"]);
    assert!(err.contains("cannot be dated before gdpr-33 started (2026-11-24T02:10:00Z)"), "{err}");
    let after_limit = "2026-11-28T09:00:00Z";
    let backdated = ["notify", "001", "gdpr-33", "--ref", "DPA-1", "--at", "2026-11-27T02:00:00Z"];
    let err = refused(&ws, "bob", after_limit, &backdated);
    assert!(
        err.contains("only the commander (alice) may record gdpr-33 as submitted on time after its limit"),
        "{err}"
    );
    ok(&ws, "alice", after_limit, &backdated);
    let bundle = Workspace::bundle_in(&ok(&ws, "alice", after_limit, &["export", "001"]));
    let annex = std::fs::read_to_string(bundle.join("regulatory-annex.md")).expect("annex");
    assert!(annex.contains("reference DPA-1, recorded 2026-11-28T09:00:00Z"), "both times for the auditor: {annex}");

    ok(&ws, "alice", T, &["clock", "add", "001", "hipaa-individuals", "--reason", "a covered entity's data"]);
    ok(&ws, "alice", T, &["decide", "001", "discovered", "--at", "2026-11-24T03:00:00Z"]);
    let err = refused(&ws, "alice", T, &["notify", "001", "hipaa-individuals", "--ref", "L", "--phase", "initial"]);
    assert!(err.contains("asks for one notice, not phases"), "{err}");

    let err =
        refused(&ws, "priya", T, &["inform", "001", "fix-filter", "--ref", "MSA-1", "--at", "2026-11-01T00:00:00Z"]);
    assert!(err.contains("before the incident's first awareness"), "{err}");
}
