//! Drafts a DPO can file: the workspace's own contact points and parties (`warroom.yaml`)
//! stated as they are, never redacted; what a draft still lacks listed first; a broken
//! `warroom.yaml` located by lint.

mod common;

use common::Workspace;

const PARTIES: &str = "\
contacts:
  dpo: { name: Priya Raman, email: dpo@ourco.example, phone: +44 20 7946 0000 }
parties:
  company: OurCo Ltd
  lead_authority: Data Protection Commission (IE)
  controllers: { acme: Acme Corp }
";

#[test]
fn a_filing_states_the_dpo_contact_unredacted_and_lists_what_it_lacks_first() {
    let ws = Workspace::new();
    std::fs::write(ws.path().join("warroom.yaml"), PARTIES).expect("warroom.yaml");
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    ws.ok("alice", &["decide", &id, "aware", "--evidence", "trace 7f3a"]);
    ws.ok("priya", &["clock", "provide", &id, "gdpr-33", "b", "Priya Raman, dpo@ourco.example"]);
    ws.ok("sam", &["note", &id, "SUMMARY: jane.roe@acme.example saw records of another tenant"]);
    let out = ws.ok("alice", &["export", &id]);
    let dir = out.lines().next().and_then(|l| l.split("written to ").nth(1)).expect("bundle").trim().to_owned();
    let filing = std::fs::read_to_string(std::path::Path::new(&dir).join("notifications/gdpr-33.md")).expect("draft");

    assert!(filing.contains("- Contact point (DPO): Priya Raman, dpo@ourco.example, +44 20 7946 0000"), "{filing}");
    assert!(filing.contains("- Notifying organisation: OurCo Ltd"), "{filing}");
    assert!(filing.contains("- Lead supervisory authority: Data Protection Commission (IE)"), "{filing}");
    assert!(filing.contains("- Controller for tenant acme: Acme Corp"), "{filing}");
    assert!(filing.contains("Priya Raman, dpo@ourco.example\n"), "content item b as provided: {filing}");
    assert!(!filing.contains("jane.roe@acme.example"), "a data subject's address is still redacted: {filing}");

    let missing = filing.split("## Missing before filing").nth(1).expect("a list of what is missing");
    let missing = missing.split("\n- Incident:").next().expect("the list");
    assert!(!missing.contains("DPO"), "{missing}");
    assert!(missing.contains("content item c: Likely consequences"), "{missing}");
    assert!(filing.find("## Missing before filing") < filing.find("## Required content"), "first, not buried");
}

#[test]
fn without_warroom_yaml_the_missing_dpo_contact_is_the_first_thing_a_draft_says() {
    let ws = Workspace::new();
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    let out = ws.ok("alice", &["export", &id]);
    let dir = out.lines().next().and_then(|l| l.split("written to ").nth(1)).expect("bundle").trim().to_owned();
    let filing = std::fs::read_to_string(std::path::Path::new(&dir).join("notifications/gdpr-33.md")).expect("draft");
    let first = filing.lines().skip_while(|l| !l.starts_with("## Missing")).nth(2).expect("first missing item");
    assert_eq!(first, "- the DPO's contact point: add contacts.dpo to warroom.yaml");
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
    let out = ws.ok("alice", &["export", &id]);
    let dir = out.lines().next().and_then(|l| l.split("written to ").nth(1)).expect("bundle").trim().to_owned();
    let filing = std::fs::read_to_string(std::path::Path::new(&dir).join("notifications/gdpr-33.md")).expect("draft");
    assert!(filing.contains("- the contact points and parties: warroom.yaml cannot be used ("), "{filing}");
}
