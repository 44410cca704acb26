//! Filings a DPO can send: only what goes to the recipient, in its form's order, with the
//! workspace's own contact points and parties (`warroom.yaml`) stated as they are; the
//! awareness time, not the declaration's; the breach's start and end; what is still missing
//! listed first; the internal worksheet apart. A broken `warroom.yaml` is located by lint.

mod common;

use std::path::{Path, PathBuf};

use common::Workspace;

const PARTIES: &str = "\
contacts:
  dpo: { name: Priya Raman, email: dpo@ourco.example, phone: +44 20 7946 0000 }
parties:
  company: OurCo Ltd
  lead_authority: Data Protection Commission (IE)
  cross_border: true
  controllers: { acme: Acme Corp, globex: Globex GmbH }
";

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The cross-tenant leak: the first bad retrieval at 01:31, awareness at 02:10, declared nine
/// hours later at 11:00, exported at 12:00 before anything was filed.
fn leak(ws: &Workspace) -> PathBuf {
    std::fs::write(ws.path().join("warroom.yaml"), PARTIES).expect("warroom.yaml");
    let t = |h: u32, m: u32| format!("2026-11-24T{h:02}:{m:02}:00Z");
    ws.ok_at("alice", &t(11, 0), &["declare", "--runbook", "cross-tenant-pii-leak", "--label", "tenant=acme"]);
    ws.ok_at(
        "alice",
        &t(11, 1),
        &["decide", "001", "aware", "--at", &t(2, 10), "--evidence", "alert TenantMismatch; trace 7f3a"],
    );
    ws.ok_at("alice", &t(11, 2), &["decide", "001", "breach-started", "--at", &t(1, 31), "--evidence", "trace 7f3a"]);
    ws.ok_at("alice", &t(11, 3), &["assign", "001", "privacy", "priya"]);
    ws.ok_at("sam", &t(11, 4), &["note", "001", "SUMMARY: the agent showed jane.roe@acme.example's records to Globex"]);
    Workspace::bundle_in(&ws.ok_at("alice", &t(12, 0), &["export", "001"]))
}

#[test]
fn the_filing_states_the_parties_the_awareness_time_and_the_breach_window_and_nothing_internal() {
    let ws = Workspace::new();
    let bundle = leak(&ws);
    let filing = read(&bundle, "filings/gdpr-33.md");

    assert!(filing.contains("- From: OurCo Ltd\n"), "{filing}");
    assert!(
        filing.contains("- Data protection officer: Priya Raman, dpo@ourco.example, +44 20 7946 0000\n"),
        "{filing}"
    );
    assert!(
        filing.contains("- Cross-border processing: yes; lead supervisory authority: Data Protection Commission (IE)")
    );
    assert!(filing.contains("- Began: 2026-11-24 01:31 UTC\n"), "{filing}");
    assert!(filing.contains("- Ended: ongoing at the date of this notification\n"), "{filing}");
    assert!(
        filing.contains("- We became aware: 2026-11-24 02:10 UTC\n"),
        "the awareness, not the declaration: {filing}"
    );
    assert!(filing.contains("- How it was discovered: alert TenantMismatch; trace 7f3a\n"), "{filing}");
    assert!(filing.contains("- Phase: initial notification; further information will follow"), "{filing}");
    assert!(!filing.contains("11:00"), "the declaration time is not a fact of the filing: {filing}");
    assert!(!filing.contains("jane.roe@acme.example"), "a data subject's address is redacted: {filing}");
    for internal in ["warroom ", "Commander", "alice", "priya\n", "Procedure"] {
        assert!(!filing.contains(internal), "{internal:?} belongs in the worksheet: {filing}");
    }

    let missing = filing.split("## Missing before filing\n\n").nth(1).expect("what is missing, listed");
    let missing = missing.split("\n\n").next().expect("the list");
    assert!(filing.find("## Missing before filing") < filing.find("- To:"), "missing facts first, not buried");
    assert!(missing.contains("- Likely consequences of the breach (33(3)(c))"), "{missing}");
    assert!(missing.contains("- whether the data subjects will be told"), "{missing}");
    assert!(!missing.contains("DPO") && !missing.contains("began"), "stated facts are not missing: {missing}");

    let sheet = read(&bundle, "worksheets/gdpr-33.md");
    assert!(sheet.contains("Internal: not for the recipient"), "{sheet}");
    assert!(sheet.contains("`warroom clock provide INC-20261124-001 gdpr-33 c"), "each gap with its command: {sheet}");
    assert!(sheet.contains("- privacy: priya\n") && sheet.contains("## Procedure (from the runbook)"), "{sheet}");
    assert!(sheet.contains("- Legal limit: 2026-11-27 02:10 UTC\n"), "{sheet}");
}

#[test]
fn the_processor_notice_names_the_controller_and_the_controller_message_the_awareness_and_the_dpo() {
    let ws = Workspace::new();
    let bundle = leak(&ws);
    let notice = read(&bundle, "filings/gdpr-33-processor.md");
    assert!(notice.contains("- Controller for tenant acme: Acme Corp\n"), "{notice}");
    assert!(!notice.contains("Globex GmbH"), "only the controller of the data exposed: {notice}");
    assert!(notice.contains("- We became aware: 2026-11-24 02:10 UTC\n"), "{notice}");

    let message = read(&bundle, "comms/controller-notice.md");
    assert!(message.contains("We became aware on 2026-11-24 02:10 UTC"), "{message}");
    assert!(message.contains("Your contact for this incident: Priya Raman, dpo@ourco.example, +44 20 7946 0000."));
    assert!(message.contains("OurCo Ltd"), "{message}");
}

#[test]
fn later_facts_fill_the_filing_an_ended_breach_a_waiver_to_inform_subjects_and_the_phase_that_follows() {
    let ws = Workspace::new();
    leak(&ws);
    let t = |h: u32, m: u32| format!("2026-11-24T{h:02}:{m:02}:00Z");
    ws.ok_at("alice", &t(13, 0), &["decide", "001", "breach-ended", "--at", &t(2, 40), "--evidence", "kill-switch"]);
    let reason = "contact data only; the recipient deleted it (Art. 34(3)(b))";
    ws.ok_at("priya", &t(13, 1), &["waive", "001", "gdpr-34", "--rationale", reason]);
    ws.ok_at("priya", &t(13, 2), &["notify", "001", "gdpr-33", "--ref", "DPC-1142", "--phase", "initial"]);
    let bundle = Workspace::bundle_in(&ws.ok_at("alice", &t(14, 0), &["export", "001"]));
    let filing = read(&bundle, "filings/gdpr-33.md");
    assert!(filing.contains("- Ended: 2026-11-24 02:40 UTC\n"), "{filing}");
    assert!(filing.contains(&format!("## Data subjects informed\n\nNo. {reason}\n")), "{filing}");
    assert!(
        filing.contains("- Phase: complete notification, following the initial notification of 2026-11-24 13:02 UTC (reference DPC-1142)"),
        "{filing}"
    );
}

#[test]
fn without_warroom_yaml_the_missing_contact_point_and_company_are_the_first_things_a_filing_says() {
    let ws = Workspace::new();
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    let filing = read(&Workspace::bundle_in(&ws.ok("alice", &["export", &id])), "filings/gdpr-33.md");
    let list: Vec<&str> = filing.lines().skip_while(|l| !l.starts_with("## Missing")).skip(2).take(2).collect();
    assert_eq!(list, ["- the notifying organisation", "- the DPO or other contact point"], "{filing}");
    assert!(filing.contains("- Data protection officer: **[missing: the DPO or other contact point]**"), "{filing}");
}

#[test]
fn a_broken_warroom_yaml_is_located_by_lint_and_never_stops_a_bundle() {
    let ws = Workspace::new();
    std::fs::write(ws.path().join("warroom.yaml"), "contacts:\n  dpo: { name: Priya, mail: dpo@ourco.example }\n")
        .expect("warroom.yaml");
    let out = ws.run("alice", &["lint"]);
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("warroom.yaml:2:") && report.contains("unknown field `mail`"), "{report}");

    let id = ws.declare("alice", "cross-tenant-pii-leak");
    let bundle = Workspace::bundle_in(&ws.ok("alice", &["export", &id]));
    let sheet = read(&bundle, "worksheets/gdpr-33.md");
    assert!(sheet.contains("repair warroom.yaml ("), "the worksheet says why and what to do: {sheet}");
    assert!(read(&bundle, "filings/gdpr-33.md").contains("- the DPO or other contact point\n"));
}

#[test]
fn a_tenant_whose_controller_the_workspace_does_not_know_is_missing_before_filing() {
    let ws = Workspace::new();
    leak(&ws);
    ws.ok_at("alice", "2026-11-24T12:01:00Z", &["label", "001", "tenant=initech"]);
    let bundle = Workspace::bundle_in(&ws.ok_at("alice", "2026-11-24T12:02:00Z", &["export", "001"]));
    let notice = read(&bundle, "filings/gdpr-33-processor.md");
    let missing = notice.split("## Missing before filing").nth(1).and_then(|s| s.split("\n## ").next());
    assert!(missing.is_some_and(|m| m.contains("- the controller of tenant initech")), "listed first: {notice}");
    assert!(notice.contains("- Controller for tenant initech: **[missing: the controller of tenant initech]**"));
}

#[test]
fn the_warroom_yaml_the_export_guide_shows_passes_lint() {
    let guide = include_str!("../docs/export.md");
    let example = guide.split("```yaml\n").nth(1).and_then(|s| s.split("```").next()).expect("the example");
    let ws = Workspace::new();
    std::fs::write(ws.path().join("warroom.yaml"), example).expect("warroom.yaml");
    let out = ws.run("alice", &["lint"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}
