//! Delays the law allows: HIPAA 164.412 (law enforcement) and SEC Item 1.05(c) (national
//! security). Only a clock whose law allows one may be delayed; the notice waits until the
//! delay ends (the SEC's then runs four business days), never due earlier than without it;
//! the commander records it with a basis and a reason; ending it early brings the limit back.

mod common;

use common::Workspace;

fn clock(ws: &Workspace, time: &str, id: &str) -> serde_json::Value {
    let status: serde_json::Value =
        serde_json::from_str(&ws.ok_at("auditor", time, &["status", "001", "--json"])).expect("json");
    let clocks = status["incidents"][0]["clocks"].as_array().expect("clocks").clone();
    clocks.into_iter().find(|c| c["id"] == id).unwrap_or_else(|| panic!("{id} runs"))
}

fn refused(ws: &Workspace, actor: &str, time: &str, args: &[&str]) -> String {
    let out = ws.command(actor).env("WARROOM_TEST_NOW", time).args(args).output().expect("run");
    assert_eq!(out.status.code(), Some(1), "warroom {args:?} should be refused");
    common::stderr(&out)
}

const DISCOVERED: &str = "2026-11-02T10:00:00Z";
const T: &str = "2026-11-20T12:00:00Z";

fn hipaa(ws: &Workspace) -> String {
    ws.ok_at("alice", T, &["declare", "--runbook", "cross-tenant-pii-leak", "--aware-at", DISCOVERED]);
    ws.ok_at("alice", T, &["clock", "add", "001", "hipaa-individuals", "--reason", "a covered entity's PHI"]);
    ws.ok_at("alice", T, &["decide", "001", "discovered", "--at", DISCOVERED]);
    clock(ws, T, "hipaa-individuals")["legal_limit_at"]
        .as_str()
        .map_or_else(|| clock(ws, T, "hipaa-individuals")["due_at"].as_str().expect("due").to_owned(), str::to_owned)
}

const PAUSE: [&str; 10] = [
    "clock",
    "pause",
    "001",
    "hipaa-individuals",
    "--until",
    "2027-02-15T00:00:00Z",
    "--basis",
    "164.412(a): FBI written statement of 2026-11-20, ref 318-A",
    "--reason",
    "notice would impede the criminal investigation",
];

#[test]
fn a_law_enforcement_delay_moves_the_hipaa_deadline_and_ending_it_early_brings_it_back() {
    let ws = Workspace::new();
    let limit = hipaa(&ws);
    assert!(limit.starts_with("2027-01-0"), "60 calendar days after 2 November: {limit}");

    let err = refused(&ws, "bob", T, &PAUSE);
    assert!(err.contains("only the commander (alice) may move the deadline of hipaa-individuals later"), "{err}");
    let out = ws.ok_at("alice", T, &PAUSE);
    assert!(out.contains("recorded a delay of hipaa-individuals from 2026-11-20T12:00:00Z until 2027-02-15T00:00:00Z"));
    assert!(out.contains("→ 2027-02-15T00:00:00Z"), "the deadline before and after: {out}");
    let held = clock(&ws, T, "hipaa-individuals");
    assert_eq!(held["due_at"], "2027-02-15T00:00:00Z", "due when the delay ends: {held}");
    assert_eq!(held["delays"][0]["in_effect"], true);
    assert_eq!(held["delays"][0]["basis"], PAUSE[7]);
    let list = ws.ok_at("auditor", T, &["clock", "list", "001"]);
    assert!(list.contains("DELAYED until"), "{list}");

    let later = "2026-12-10T12:00:00Z";
    let out =
        ws.ok_at("carol", later, &["clock", "resume", "001", "hipaa-individuals", "--reason", "FBI: notice may go"]);
    assert!(out.contains("ended the delay of hipaa-individuals at 2026-12-10T12:00:00Z"), "{out}");
    let back = clock(&ws, later, "hipaa-individuals");
    assert_eq!(back["legal_limit_at"].as_str().or(back["due_at"].as_str()), Some(limit.as_str()), "{back}");
    assert_eq!(back["delays"][0]["ends_at"], "2026-12-10T12:00:00Z");
    assert_eq!(back["delays"][0]["in_effect"], false);
    let err = refused(&ws, "alice", later, &["clock", "resume", "001", "hipaa-individuals", "--reason", "again"]);
    assert!(err.contains("no delay of hipaa-individuals: no delay of it is in effect"), "{err}");

    let bundle = Workspace::bundle_in(&ws.ok_at("alice", later, &["export", "001"]));
    let annex = std::fs::read_to_string(bundle.join("regulatory-annex.md")).expect("annex");
    assert!(annex.contains("| Delay | #"), "{annex}");
    assert!(annex.contains("ended early 2026-12-10T12:00:00Z by carol: FBI: notice may go"), "{annex}");
    let filing = std::fs::read_to_string(bundle.join("filings/hipaa-individuals.md")).expect("filing");
    assert!(
        filing.contains("- Notice delayed from 2026-11-20 12:00 UTC to 2026-12-10 12:00 UTC under 45 CFR 164.412\n")
    );
    assert!(!filing.contains("318-A"), "our internal reference stays out of the notice: {filing}");
}

#[test]
fn only_a_law_that_allows_it_and_only_before_the_limit() {
    let ws = Workspace::new();
    let limit = hipaa(&ws);
    let mut gdpr = PAUSE.to_vec();
    gdpr[3] = "gdpr-33";
    let err = refused(&ws, "alice", T, &gdpr);
    assert!(err.contains("no delay of gdpr-33: its law allows no delay of the notice"), "{err}");

    let mut early = PAUSE.to_vec();
    early[5] = "2026-11-19T00:00:00Z";
    let err = refused(&ws, "alice", T, &early);
    assert!(err.contains("the delay must end after it begins"), "{err}");

    let after_limit = "2027-01-10T00:00:00Z";
    let err = refused(&ws, "alice", after_limit, &PAUSE);
    assert!(err.contains(&format!("its limit {limit} had passed when the delay began")), "{err}");

    let mut no_basis = PAUSE.to_vec();
    no_basis[7] = " ";
    let err = refused(&ws, "alice", T, &no_basis);
    assert!(err.contains("basis"), "{err}");
    assert_eq!(clock(&ws, T, "hipaa-individuals")["delays"], serde_json::Value::Null, "nothing recorded");
}

#[test]
fn the_attorney_generals_delay_then_four_business_days() {
    let ws = Workspace::new();
    let t = "2026-11-25T12:00:00Z";
    ws.ok_at("alice", t, &["declare", "--runbook", "tool-exploit", "--aware-at", "2026-11-24T12:00:00Z"]);
    ws.ok_at("alice", t, &["decide", "001", "material", "--at", "2026-11-24T15:00:00Z"]);
    assert_eq!(clock(&ws, t, "sec-8k")["due_at"], "2026-12-01T22:30:00Z", "Thanksgiving skipped, 17:30 New York");

    let pause = |until: &str| {
        [
            "clock",
            "pause",
            "001",
            "sec-8k",
            "--until",
            until,
            "--basis",
            "Item 1.05(c): Attorney General's letter to the Commission of 2026-11-25",
            "--reason",
            "substantial risk to national security",
        ]
        .map(str::to_owned)
    };
    let err = refused(&ws, "alice", t, &pause("2027-04-15T00:00:00Z").each_ref().map(String::as_str));
    assert!(err.contains("Form 8-K Item 1.05(c) allows a delay until 2027-03-31T22:30:00Z at most"), "{err}");
    ws.ok_at("alice", t, &pause("2026-12-31T22:30:00Z").each_ref().map(String::as_str));
    assert_eq!(
        clock(&ws, t, "sec-8k")["due_at"],
        "2027-01-07T22:30:00Z",
        "four business days after the delay ends (1 January is a holiday)"
    );
}

#[test]
fn a_later_delay_replaces_the_one_before_and_plus_counts_from_the_statement() {
    let ws = Workspace::new();
    let limit = hipaa(&ws);
    let pause = |until: &str, at: &str| {
        [
            "clock",
            "pause",
            "001",
            "hipaa-individuals",
            "--until",
            until,
            "--at",
            at,
            "--basis",
            "164.412",
            "--reason",
            "FBI",
        ]
        .map(str::to_owned)
    };
    let run = |args: [String; 12]| ws.ok_at("alice", T, &args.each_ref().map(String::as_str));
    run(pause("2027-03-01T00:00:00Z", "2026-11-19T00:00:00Z"));
    assert_eq!(clock(&ws, T, "hipaa-individuals")["due_at"], "2027-03-01T00:00:00Z");
    run(pause("2027-02-01T00:00:00Z", "2026-11-20T00:00:00Z"));
    let shortened = clock(&ws, T, "hipaa-individuals");
    assert_eq!(shortened["due_at"], "2027-02-01T00:00:00Z", "the official shortened it: {shortened}");
    assert_eq!(shortened["delays"][0]["in_effect"], false);
    assert_eq!(shortened["delays"][1]["in_effect"], true);

    run(pause("+30d", "2026-11-20T09:00:00Z"));
    let oral = clock(&ws, T, "hipaa-individuals");
    assert_eq!(oral["delays"][2]["until"], "2026-12-20T09:00:00Z", "30 days from the oral statement, not from now");
    assert_eq!(
        oral["legal_limit_at"].as_str().or(oral["due_at"].as_str()),
        Some(limit.as_str()),
        "a delay ending before the limit leaves it: {oral}"
    );

    let err =
        refused(&ws, "alice", T, &pause("2027-01-20T00:00:00Z", "2026-11-01T00:00:00Z").each_ref().map(String::as_str));
    assert!(err.contains("a delay cannot begin before the clock"), "{err}");

    let bundle = Workspace::bundle_in(&ws.ok_at("alice", T, &["export", "001"]));
    let annex = std::fs::read_to_string(bundle.join("regulatory-annex.md")).expect("annex");
    assert!(annex.contains(&format!("| Limit without the delay | {limit} |")), "{annex}");
    assert!(annex.contains("replaced by #"), "{annex}");
    let worksheet = std::fs::read_to_string(bundle.join("worksheets/hipaa-individuals.md")).expect("worksheet");
    assert!(worksheet.contains("- Delayed until 2026-12-20 09:00 UTC under 164.412: FBI"), "{worksheet}");
    let filing = std::fs::read_to_string(bundle.join("filings/hipaa-individuals.md")).expect("filing");
    assert!(
        filing.contains("- When the breach was discovered: 2026-11-02 10:00 UTC"),
        "the clock's own anchor: {filing}"
    );
}
