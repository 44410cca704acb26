//! Recording decisions and submissions from the command line, and the AI Act evidence hold.

mod common;

use common::Workspace;

const NOW: &str = "2026-11-24T12:00:00Z";

fn at(ws: &Workspace, actor: &str, args: &[&str]) -> std::process::Output {
    ws.command(actor).env("WARROOM_TEST_NOW", NOW).args(args).output().expect("run")
}

fn ok(ws: &Workspace, actor: &str, args: &[&str]) -> String {
    let out = at(ws, actor, args);
    assert!(out.status.success(), "{args:?}: {}", common::stderr(&out));
    String::from_utf8(out.stdout).expect("utf-8")
}

fn refused(ws: &Workspace, actor: &str, args: &[&str]) -> String {
    let out = at(ws, actor, args);
    assert_eq!(out.status.code(), Some(1), "{args:?} should be refused: {}", common::stderr(&out));
    common::stderr(&out)
}

fn clock(ws: &Workspace, id: &str, clock: &str) -> serde_json::Value {
    let text = ok(ws, "auditor", &["status", id, "--json"]);
    let value: serde_json::Value = serde_json::from_str(&text).expect("json");
    value["incidents"][0]["clocks"]
        .as_array()
        .expect("clocks")
        .iter()
        .find(|c| c["id"] == clock)
        .cloned()
        .unwrap_or(serde_json::Value::Null)
}

fn declare(ws: &Workspace) -> String {
    ok(ws, "alice", &["declare", "--runbook", "cross-tenant-pii-leak", "--aware-at", "2026-11-24T10:00:00Z"])
        .trim()
        .to_owned()
}

#[test]
fn the_runbook_starts_its_clocks_and_status_json_shows_them() {
    let ws = Workspace::new();
    let id = declare(&ws);
    let gdpr = clock(&ws, &id, "gdpr-33");
    assert_eq!(gdpr["state"], "running");
    assert_eq!(gdpr["citation"], "GDPR Art. 33(1)");
    assert_eq!(gdpr["anchor_at"], "2026-11-24T10:00:00Z");
    assert_eq!(gdpr["due_at"], "2026-11-27T10:00:00Z");
    assert_eq!(gdpr["legal_limit_at"], serde_json::Value::Null, "hours: no separate legal limit");
    assert_eq!(gdpr["remaining_seconds"], 70 * 3600);
    assert_eq!(gdpr["missing_content"], serde_json::json!(["a", "c", "d"]));
    let ai = clock(&ws, &id, "ai-act-73-general");
    assert_eq!(ai["due_at"], "2026-12-09T10:00:00Z");
    assert_eq!(ai["legal_limit_at"], "2026-12-09T21:59:59Z", "no member state: the day ends in Athens");
    let subjects = clock(&ws, &id, "gdpr-34");
    assert_eq!(subjects["state"], "awaiting_anchor");
    assert_eq!(subjects["awaiting"], "decision high-risk");
}

#[test]
fn a_backdated_decision_keeps_both_times_and_a_correction_is_a_new_event() {
    let ws = Workspace::new();
    let id = declare(&ws);
    let out =
        ok(&ws, "priya", &["decide", &id, "high-risk", "--at", "2026-11-24T11:00:00Z", "--evidence", "health data"]);
    assert!(out.contains("recorded decision high-risk reached at 2026-11-24T11:00:00Z"), "{out}");
    assert_eq!(clock(&ws, &id, "gdpr-34")["anchor_at"], "2026-11-24T11:00:00Z");
    let err = refused(&ws, "priya", &["decide", &id, "high-risk", "--at", "2026-11-24T11:00:00Z"]);
    assert!(err.contains("already recorded"), "{err}");
    let out = ok(&ws, "priya", &["decide", &id, "aware", "--at", "2026-11-24T09:30:00Z"]);
    assert!(out.contains("correcting #1"), "{out}");
    assert_eq!(clock(&ws, &id, "gdpr-33")["due_at"], "2026-11-27T09:30:00Z");
    let err = refused(&ws, "priya", &["decide", &id, "aware", "--at", "2026-11-25T00:00:00Z"]);
    assert!(err.contains("future"), "{err}");
    let out = at(&ws, "priya", &["decide", &id, "awar"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("did you mean \"aware\""));
}

#[test]
fn submissions_on_time_late_and_not_applicable() {
    let ws = Workspace::new();
    let id = declare(&ws);
    let not_late = ["notify", &id, "gdpr-33", "--ref", "DPA-2026-1142", "--late-reason", "none"];
    let err = refused(&ws, "priya", &not_late);
    assert!(err.contains("gdpr-33 is filed within its legal limit") && err.contains("leave the reason"), "{err}");
    ok(&ws, "priya", &["notify", &id, "gdpr-33", "--ref", "DPA-2026-1142", "--channel", "portal"]);
    let gdpr = clock(&ws, &id, "gdpr-33");
    assert_eq!(gdpr["state"], "submitted_on_time");
    assert_eq!(gdpr["reference"], "DPA-2026-1142");
    assert_eq!(gdpr["submitted_at"], NOW);

    let out = ws
        .command("priya")
        .env("WARROOM_TEST_NOW", "2026-11-28T12:00:00Z")
        .args(["notify", &id, "uk-gdpr-33", "--ref", "ICO-77"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(common::stderr(&out).contains("--late-reason"), "{}", common::stderr(&out));
    let out = ws
        .command("priya")
        .env("WARROOM_TEST_NOW", "2026-11-28T12:00:00Z")
        .args(["notify", &id, "uk-gdpr-33", "--ref", "ICO-77", "--late-reason", "UK establishment found on day 4"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", common::stderr(&out));
    let uk = clock(&ws, &id, "uk-gdpr-33");
    assert_eq!(uk["state"], "submitted_late");
    assert_eq!(uk["late_reason"], "UK establishment found on day 4");

    ok(&ws, "alice", &["assign", &id, "privacy", "priya"]);
    ok(&ws, "priya", &["waive", &id, "gdpr-34", "--rationale", "data encrypted, key not exposed (34(3)(a))"]);
    let subjects = clock(&ws, &id, "gdpr-34");
    assert_eq!(subjects["state"], "not_applicable");
    assert_eq!(subjects["not_applicable_rationale"], "data encrypted, key not exposed (34(3)(a))");
    let err = refused(&ws, "priya", &["waive", &id, "gdpr-33", "--rationale", "x"]);
    assert!(err.contains("already submitted"), "{err}");
    let err = refused(&ws, "priya", &["notify", &id, "gdpr-3", "--ref", "x"]);
    assert!(err.contains("did you mean \"gdpr-33\""), "{err}");
}

#[test]
fn clocks_are_added_dropped_and_their_content_recorded() {
    let ws = Workspace::new();
    let id = declare(&ws);
    ok(&ws, "alice", &["clock", "add", &id, "nis2-early-warning", "--reason", "we are an essential entity"]);
    assert_eq!(clock(&ws, &id, "nis2-early-warning")["due_at"], "2026-11-25T10:00:00Z");
    let err = refused(&ws, "alice", &["clock", "add", &id, "nis2-early-warning", "--reason", "again"]);
    assert!(err.contains("already applies"), "{err}");
    ok(&ws, "alice", &["clock", "drop", &id, "uk-gdpr-33", "--reason", "no UK establishment or data subjects"]);
    assert_eq!(clock(&ws, &id, "uk-gdpr-33"), serde_json::Value::Null);
    ok(&ws, "priya", &["clock", "provide", &id, "gdpr-33", "c", "none beyond the disclosure itself"]);
    assert_eq!(clock(&ws, &id, "gdpr-33")["missing_content"], serde_json::json!(["a", "d"]));
    let err = refused(&ws, "priya", &["clock", "provide", &id, "gdpr-33", "b", "dpo@example.com"]);
    assert!(err.contains("known: a, c, d"), "the contact point comes from warroom.yaml: {err}");
    let out = at(&ws, "alice", &["clock", "add", &id, "nis3", "--reason", "x"]);
    assert_eq!(out.status.code(), Some(1));
    let listing = ok(&ws, "alice", &["clock", "list", &id]);
    assert!(listing.contains("nis2-early-warning") && listing.contains("22:00:00"), "{listing}");
}

#[test]
fn the_ai_act_evidence_hold_refuses_changes_to_the_system_until_the_authority_is_informed() {
    let ws = Workspace::new();
    let id = declare(&ws);
    let err = refused(&ws, "bob", &["tick", &id, "fix-filter", "--force"]);
    assert!(err.contains("Art. 73(6)") && err.contains("pin-traces"), "{err}");
    let err = refused(&ws, "bob", &["tick", &id, "fix-filter", "--force", "--override-hold", "hotfix"]);
    assert!(err.contains("only the incident commander (alice)"), "{err}");
    let out =
        ok(&ws, "alice", &["tick", &id, "fix-filter", "--force", "--override-hold", "leak ongoing; traces pinned"]);
    assert!(out.contains("overriding the AI Act evidence hold"), "{out}");

    let other = declare(&ws);
    ok(&ws, "priya", &["notify", &other, "ai-act-73-general", "--ref", "MSA-19", "--phase", "initial"]);
    let err = refused(&ws, "bob", &["tick", &other, "fix-filter", "--force"]);
    assert!(
        err.contains("before the authority is informed of this action") && err.contains("warroom inform"),
        "a report is not consent to alter the system (Art. 73(6) is per action): {err}"
    );
    let err = refused(&ws, "priya", &["inform", &other, "confirm-signal", "--ref", "MSA-19-1"]);
    assert!(err.contains("it does not alter the AI system"), "{err}");
    let out = ok(&ws, "priya", &["inform", &other, "fix-filter", "--ref", "MSA-19-1", "--channel", "e-mail"]);
    assert!(out.contains("authority (ai-act-73-general) was informed") && out.contains("ref MSA-19-1 via e-mail"));
    let err = refused(&ws, "priya", &["inform", &other, "fix-filter", "--ref", "MSA-19-2"]);
    assert!(err.contains("informed of it already, ref MSA-19-1"), "{err}");
    ok(&ws, "bob", &["tick", &other, "fix-filter", "--force"]);

    let bundle = Workspace::bundle_in(&ok(&ws, "alice", &["export", &other]));
    let annex = std::fs::read_to_string(bundle.join("regulatory-annex.md")).expect("annex");
    assert!(annex.contains("| Authority informed before altering | fix-filter"), "{annex}");
}

#[test]
fn the_clock_catalog_lists_every_regulatory_id() {
    let ws = Workspace::new();
    let text = ok(&ws, "alice", &["clock", "list", "--json"]);
    let value: serde_json::Value = serde_json::from_str(&text).expect("json");
    let ids: Vec<&str> = value["clocks"].as_array().expect("clocks").iter().filter_map(|c| c["id"].as_str()).collect();
    for id in [
        "gdpr-33",
        "gdpr-33-processor",
        "gdpr-34",
        "uk-gdpr-33",
        "ai-act-73-general",
        "ai-act-73-critical",
        "ai-act-73-death",
        "ai-act-26-5",
        "nis2-early-warning",
        "nis2-notification",
        "nis2-final",
        "dora-initial",
        "dora-intermediate",
        "dora-final",
        "sec-8k",
        "hipaa-individuals",
        "nydfs-500-17",
        "pdpa-26d",
    ] {
        assert!(ids.contains(&id), "{id} missing from the catalog");
    }
}

#[test]
fn a_workspace_clock_file_adds_and_overrides_clocks() {
    let ws = Workspace::new();
    std::fs::create_dir_all(ws.path().join("clocks")).expect("dir");
    std::fs::write(
        ws.path().join("clocks/contract.yaml"),
        r#"clocks:
  - id: acme-dpa-notice
    title: Acme DPA customer notice
    citation: "Acme DPA §7.2"
    duty: Notify Acme within 24 hours of becoming aware of a personal data breach.
    recipient: Acme security team
    anchor: { decision: aware }
    period: { hours: 24 }
  - id: nis2-notification
    title: NIS2 incident notification (trust service provider)
    citation: "Directive (EU) 2022/2555 Art. 23(4)(b)"
    duty: Within 24 hours for trust service providers.
    recipient: CSIRT
    anchor: { decision: aware }
    period: { hours: 24 }
"#,
    )
    .expect("write");
    let id = declare(&ws);
    ok(&ws, "alice", &["clock", "add", &id, "acme-dpa-notice", "--reason", "Acme is affected"]);
    ok(&ws, "alice", &["clock", "add", &id, "nis2-notification", "--reason", "trust service"]);
    assert_eq!(clock(&ws, &id, "acme-dpa-notice")["due_at"], "2026-11-25T10:00:00Z");
    assert_eq!(clock(&ws, &id, "nis2-notification")["due_at"], "2026-11-25T10:00:00Z");
}

#[test]
fn absurd_periods_in_a_clock_file_are_lint_errors_not_a_crash_or_an_empty_incident() {
    let ws = Workspace::new();
    std::fs::create_dir_all(ws.path().join("clocks")).expect("dir");
    let clock = |id: &str, period: &str| {
        format!(
            "  - id: {id}\n    title: T\n    citation: C\n    duty: D\n    recipient: R\n    anchor: {{ decision: aware }}\n    period: {period}\n"
        )
    };
    let text = format!(
        "clocks:\n{}{}{}",
        clock("forever-hours", "{ hours: 4294967295 }"),
        clock("forever-business", "{ us_business_days: 4000000000 }"),
        clock("forever-months", "{ eu_months: 99999 }"),
    );
    std::fs::write(ws.path().join("clocks/absurd.yaml"), text).expect("write");
    let out = at(&ws, "alice", &["lint"]);
    let said = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    for id in ["forever-hours", "forever-business", "forever-months"] {
        assert!(said.contains(&format!("clock {id}: the period")) && said.contains("longer than ten years"), "{said}");
    }
    assert!(!said.contains("panicked"), "{said}");
    let out = at(&ws, "alice", &["declare", "--runbook", "cross-tenant-pii-leak"]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    for log in std::fs::read_dir(ws.path().join("incidents")).expect("incidents") {
        let log = log.expect("entry").path();
        assert!(std::fs::metadata(&log).expect("log").len() > 0, "{} was left empty", log.display());
    }
}

#[test]
fn a_broken_clock_file_blocks_only_the_runbooks_that_use_its_clocks_and_is_named() {
    let ws = Workspace::new();
    std::fs::create_dir_all(ws.path().join("clocks")).expect("dir");
    // A broken override of a shipped clock: the shipped one must not apply in its place.
    std::fs::write(
        ws.path().join("clocks/override.yaml"),
        "clocks:\n  - id: gdpr-33\n    title: GDPR with a stricter contract\n    period: { hours: 24 \n",
    )
    .expect("write");
    let status = String::from_utf8(at(&ws, "auditor", &["status"]).stdout).expect("utf-8");
    assert!(
        status.contains("clock catalog file") && status.contains("override.yaml") && status.contains("gdpr-33"),
        "{status}"
    );
    let err = refused(&ws, "alice", &["declare", "--runbook", "cross-tenant-pii-leak"]);
    assert!(err.contains("gdpr-33") && err.contains("override.yaml"), "{err}");
    let id = ok(&ws, "alice", &["declare", "--runbook", "runaway-agent-cost"]);
    assert!(id.trim().starts_with("INC-"), "a runbook without that clock is declared: {id}");
}

#[test]
fn a_submission_ticks_the_step_that_files_it_and_a_phased_one_leaves_the_complete_report_owed() {
    let ws = Workspace::new();
    let id = declare(&ws);
    let step = |name: &str| {
        let status = ws.status_json(&id);
        status["steps"].as_array().expect("steps").iter().find(|s| s["id"] == name).cloned().expect("step")
    };
    ok(&ws, "priya", &["tick", &id, "assess-notifiability", "--force"]);
    ok(&ws, "priya", &["notify", &id, "gdpr-33", "--ref", "DPA-1142", "--phase", "initial"]);
    assert_eq!(step("notify-authority")["state"], "pending", "uk-gdpr-33 is not filed yet");
    let filed = ok(&ws, "priya", &["notify", &id, "uk-gdpr-33", "--ref", "ICO-77"]);
    assert!(filed.contains("ticked notify-authority"), "{filed}");
    assert_eq!(step("notify-authority")["state"], "done");
    assert_eq!(step("notify-authority")["by"], "priya");

    let gdpr = clock(&ws, &id, "gdpr-33");
    assert_eq!((gdpr["state"].as_str(), gdpr["complete_pending"].as_bool()), (Some("submitted_on_time"), Some(true)));
    let listed = ok(&ws, "priya", &["clock", "list", &id]);
    assert!(listed.contains("initial so far, complete report pending"), "{listed}");
    let bundle = ws.path().join("after-initial");
    ok(&ws, "priya", &["export", &id, "--out", bundle.to_str().expect("path")]);
    let annex = std::fs::read_to_string(bundle.join("regulatory-annex.md")).expect("annex");
    assert!(
        annex.contains("| State | submitted_on_time — only filed in phases: the complete report is still owed, and content a, c, d |"),
        "a DPO reading the annex sees the duty is not done:\n{annex}"
    );
    for item in ["a", "c", "d"] {
        ok(&ws, "priya", &["clock", "provide", &id, "gdpr-33", item, "as filed"]);
    }
    ok(&ws, "priya", &["notify", &id, "gdpr-33", "--ref", "DPA-1142-final", "--phase", "complete"]);
    assert_eq!(clock(&ws, &id, "gdpr-33")["complete_pending"], false);

    // A waiver completes the step once the clocks it files are otherwise submitted; a waiver
    // alone never does (nothing was filed: the step is skipped, with why, by a responder).
    ok(&ws, "priya", &["decide", &id, "high-risk", "--evidence", "health data"]);
    ok(&ws, "alice", &["assign", &id, "privacy", "priya"]);
    let waived = ok(&ws, "priya", &["waive", &id, "gdpr-34", "--rationale", "34(3)(a): encrypted"]);
    assert!(!waived.contains("ticked"), "{waived}");
    assert_eq!(step("inform-data-subjects")["state"], "pending");
}
