//! Awareness per regime: GDPR's breach, NIS2's significant incident, DORA's detection and the
//! AI Act's serious incident can be hours apart in one incident. `decide aware --regime R`
//! anchors R's clocks alone; a plain `aware` anchors every regime not decided on its own.

mod common;

use common::Workspace;

const T: &str = "2026-11-25T12:00:00Z";

fn due(ws: &Workspace, clock: &str) -> String {
    let status: serde_json::Value =
        serde_json::from_str(&ws.ok_at("auditor", T, &["status", "001", "--json"])).expect("json");
    let clocks = status["incidents"][0]["clocks"].as_array().expect("clocks").clone();
    let c = clocks.iter().find(|c| c["id"] == clock).unwrap_or_else(|| panic!("{clock} runs"));
    c["due_at"].as_str().unwrap_or("none").to_owned()
}

fn refused(ws: &Workspace, actor: &str, args: &[&str]) -> String {
    let out = ws.command(actor).env("WARROOM_TEST_NOW", T).args(args).output().expect("run");
    assert_eq!(out.status.code(), Some(1), "warroom {args:?} should be refused");
    common::stderr(&out)
}

/// A tool exploit seen by the SOC at 01:00 (DORA's detection), found to involve personal data
/// at 06:00 (GDPR's awareness, recorded for every regime), classified major at 22:00.
fn tool_exploit(ws: &Workspace) {
    ws.ok_at("alice", T, &["declare", "--runbook", "tool-exploit", "--aware-at", "2026-11-24T06:00:00Z"]);
}

#[test]
fn doras_cap_runs_from_doras_own_detection_and_gdpr_keeps_its_awareness() {
    let ws = Workspace::new();
    tool_exploit(&ws);
    ws.ok_at("alice", T, &["decide", "001", "classified-major", "--at", "2026-11-24T22:00:00Z"]);
    assert_eq!(due(&ws, "dora-initial"), "2026-11-25T02:00:00Z", "4 h from classification, within aware + 24 h");

    let out = ws.ok_at(
        "alice",
        T,
        &[
            "decide",
            "001",
            "aware",
            "--regime",
            "dora",
            "--at",
            "2026-11-24T01:00:00Z",
            "--evidence",
            "SOC ticket 4411",
        ],
    );
    assert!(out.contains("recorded decision aware (dora) reached at 2026-11-24T01:00:00Z"), "{out}");
    assert!(out.contains("dora-initial due 2026-11-25T02:00:00Z → 2026-11-25T01:00:00Z"), "{out}");
    assert_eq!(due(&ws, "dora-initial"), "2026-11-25T01:00:00Z", "capped at DORA's detection + 24 h");
    assert_eq!(due(&ws, "gdpr-33"), "2026-11-27T06:00:00Z", "GDPR still runs from the breach awareness");
    assert_eq!(due(&ws, "nis2-early-warning"), "2026-11-25T06:00:00Z", "so does NIS2, not decided apart");

    ws.ok_at("alice", T, &["decide", "001", "aware", "--at", "2026-11-24T05:00:00Z"]);
    assert_eq!(due(&ws, "gdpr-33"), "2026-11-27T05:00:00Z", "a plain aware moves every other regime");
    assert_eq!(due(&ws, "dora-initial"), "2026-11-25T01:00:00Z", "and leaves DORA's own alone");

    let bundle = Workspace::bundle_in(&ws.ok_at("alice", T, &["export", "001"]));
    let annex = std::fs::read_to_string(bundle.join("regulatory-annex.md")).expect("annex");
    let dora = annex.split("## dora-initial ").nth(1).expect("dora-initial section");
    let dora = dora.split("\n## ").next().unwrap_or(dora);
    assert!(dora.contains("| Capped by | decision aware (dora) reached 2026-11-24T01:00:00Z by alice"), "{dora}");

    let status = ws.status_json("001");
    let dora = status["clocks"].as_array().expect("clocks").iter().find(|c| c["id"] == "dora-initial").cloned();
    assert_eq!(dora.expect("dora")["regime"], "dora");
}

#[test]
fn a_regimes_own_awareness_that_moves_its_deadlines_later_is_a_correction() {
    let ws = Workspace::new();
    ws.ok_at("alice", T, &["declare", "--runbook", "cross-tenant-pii-leak", "--aware-at", "2026-11-24T02:10:00Z"]);
    let later = ["decide", "001", "aware", "--regime", "gdpr", "--at", "2026-11-24T09:00:00Z"];
    let err = refused(&ws, "alice", &later);
    assert!(
        err.contains("moving aware (gdpr) later (2026-11-24T02:10:00Z for every regime → 2026-11-24T09:00:00Z)"),
        "{err}"
    );
    let mut with_reason = later.to_vec();
    with_reason.extend(["--reason", "personal data confirmed at 09:00; 02:10 was a latency alert"]);
    let err = refused(&ws, "bob", &with_reason);
    assert!(err.contains("only the commander (alice) may move aware (gdpr) later"), "{err}");
    assert_eq!(due(&ws, "gdpr-33"), "2026-11-27T02:10:00Z", "nothing moved");

    let out = ws.ok_at("alice", T, &with_reason);
    assert!(out.contains("gdpr-33 due 2026-11-27T02:10:00Z → 2026-11-27T09:00:00Z"), "{out}");
    assert_eq!(due(&ws, "gdpr-33"), "2026-11-27T09:00:00Z");
    assert_eq!(due(&ws, "uk-gdpr-33"), "2026-11-27T02:10:00Z", "the UK regime was not decided apart");

    let bundle = Workspace::bundle_in(&ws.ok_at("alice", T, &["export", "001"]));
    let annex = std::fs::read_to_string(bundle.join("regulatory-annex.md")).expect("annex");
    let gdpr = annex.split("## gdpr-33 ").nth(1).expect("gdpr-33 section");
    let gdpr = gdpr.split("\n## ").next().unwrap_or(gdpr);
    assert!(gdpr.contains("decision aware (gdpr)"), "the anchor names the regime's own record: {gdpr}");
    assert!(gdpr.contains("personal data confirmed at 09:00"), "the correction and its reason: {gdpr}");
    let uk = annex.split("## uk-gdpr-33 ").nth(1).expect("uk section");
    assert!(!uk.split("\n## ").next().unwrap_or(uk).contains("personal data confirmed"), "{uk}");
}

#[test]
fn regime_is_for_awareness_and_for_the_incidents_regimes_only() {
    let ws = Workspace::new();
    ws.ok_at("alice", T, &["declare", "--runbook", "cross-tenant-pii-leak", "--aware-at", "2026-11-24T02:10:00Z"]);
    let err = refused(&ws, "alice", &["decide", "001", "causal-link", "--regime", "ai-act"]);
    assert!(err.contains("--regime applies to aware only"), "{err}");
    let err = refused(&ws, "alice", &["decide", "001", "aware", "--regime", "dora", "--at", "-1h"]);
    assert!(
        err.contains(
            "no clock of this incident that starts on awareness belongs to regime dora (those: gdpr, uk-gdpr, ai-act)"
        ),
        "{err}"
    );
    let err = refused(&ws, "alice", &["decide", "001", "aware", "--regime", "ai-act"]);
    assert!(err.contains("the decision time") || err.contains("later"), "no --at means now, later than 02:10: {err}");
}

#[test]
fn a_regimes_own_awareness_is_recorded_against_the_shared_one() {
    let ws = Workspace::new();
    ws.ok_at("alice", T, &["declare", "--runbook", "cross-tenant-pii-leak"]);
    let err = refused(&ws, "bob", &["decide", "001", "aware", "--regime", "gdpr", "--at", "2026-11-24T20:00:00Z"]);
    assert!(err.contains("record the awareness for every regime first"), "no later one by the back door: {err}");
    ws.ok_at("bob", T, &["decide", "001", "aware", "--at", "2026-11-24T08:00:00Z"]);
    let later = ["decide", "001", "aware", "--regime", "gdpr", "--at", "2026-11-24T20:00:00Z"];
    let err = refused(&ws, "bob", &later);
    assert!(err.contains("moving aware (gdpr) later (2026-11-24T08:00:00Z for every regime → 2026-11-24T20:00:00Z)"));
    ws.ok_at("alice", T, &[&later[..], &["--reason", "personal data seen at 20:00"]].concat());
    assert_eq!(due(&ws, "gdpr-33"), "2026-11-27T20:00:00Z");
    ws.ok_at("bob", T, &["decide", "001", "aware", "--at", "2026-11-24T07:00:00Z"]);
    assert_eq!(due(&ws, "uk-gdpr-33"), "2026-11-27T07:00:00Z", "a shared correction to earlier is anyone's");
    assert_eq!(due(&ws, "gdpr-33"), "2026-11-27T20:00:00Z", "and leaves GDPR's own record");

    let err = refused(&ws, "alice", &["decide", "001", "aware", "--regime", "", "--at", "2026-11-24T06:00:00Z"]);
    assert!(err.contains("the regime (--regime)"), "an empty regime is not every regime: {err}");
}
