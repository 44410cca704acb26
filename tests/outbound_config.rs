//! `warroom.yaml`'s notifiers and rotations as lint reads them: what each kind needs, targets
//! that name no notifier, secret files others can read, and on-call rotations nobody maps.

mod common;

use std::os::unix::fs::PermissionsExt;

use common::{Workspace, stderr};

fn lint(ws: &Workspace, yaml: &str) -> (Option<i32>, String) {
    std::fs::write(ws.path().join("warroom.yaml"), yaml).expect("warroom.yaml");
    let out = ws.run("alice", &["lint"]);
    (out.status.code(), format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out)))
}

#[test]
fn a_notifier_missing_what_its_kind_needs_and_a_target_naming_no_notifier_are_located() {
    let ws = Workspace::new();
    let yaml = "notifiers:\n  ops-hook:\n    kind: webhook\n  mail:\n    kind: smtp\n    host: localhost\n\
                rotations:\n  privacy-oncall:\n    - { notifier: pager }\n";
    let (code, report) = lint(&ws, yaml);
    assert_eq!(code, Some(1), "{report}");
    assert!(report.contains("warroom.yaml:2:") && report.contains("notifier ops-hook: a webhook notifier needs url"));
    assert!(report.contains("warroom.yaml:4:") && report.contains("an smtp notifier needs host and from"), "{report}");
    assert!(report.contains("warroom.yaml:9:") && report.contains("no notifier \"pager\""), "{report}");
    let (code, report) =
        lint(&ws, "notifiers:\n  ops-hook: { kind: slack, url: \"http://127.0.0.1:9/s\", webhook_secret_file: s }\n");
    assert_eq!(code, Some(1), "{report}");
    assert!(report.contains("webhook_secret_file is for pagerduty notifiers"), "{report}");
    let (code, report) = lint(&ws, "notifiers:\n  ops-hook:\n    kind: teams\n");
    assert_eq!(code, Some(1), "{report}");
    assert!(report.contains("warroom.yaml:3:") && report.contains("teams"), "an unknown kind: {report}");
}

#[test]
fn a_secret_file_others_can_read_is_refused_and_at_0600_it_passes() {
    let ws = Workspace::new();
    let secret = ws.path().join("hook.secret");
    std::fs::write(&secret, "s3cret").expect("secret");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let yaml = "notifiers:\n  ops-hook:\n    kind: webhook\n    url: http://127.0.0.1:9/hook\n    \
                secret_file: hook.secret\n";
    let (code, report) = lint(&ws, yaml);
    assert_eq!(code, Some(1), "{report}");
    assert!(report.contains("warroom.yaml:5:") && report.contains("can be read by others: chmod 600"), "{report}");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let (code, report) = lint(&ws, yaml);
    assert_eq!(code, Some(0), "{report}");
    assert!(!report.contains("s3cret"), "the secret never shows");
}

#[test]
fn rotations_the_runbooks_page_but_the_workspace_does_not_map_are_warned_once_each() {
    let ws = Workspace::new();
    let yaml = "notifiers:\n  ops-hook: { kind: webhook, url: \"http://127.0.0.1:9/hook\" }\n\
                rotations:\n  privacy-oncall: [{ notifier: ops-hook }]\n";
    let (code, report) = lint(&ws, yaml);
    assert_eq!(code, Some(0), "warnings only: {report}");
    assert!(report.contains("pages rotation head-of-engineering, which warroom.yaml does not map"), "{report}");
    assert!(!report.contains("rotation privacy-oncall, which"), "a mapped rotation is fine: {report}");
    let headline = "warning: runbook cross-tenant-pii-leak pages rotation head-of-engineering";
    let warned = report.lines().filter(|l| l.contains(headline)).count();
    assert_eq!(warned, 1, "{report}");
    let (_, quiet) = lint(&ws, "member_state: FR\n");
    assert!(!quiet.contains("does not map"), "a workspace that pages nobody is not nagged: {quiet}");
}

#[test]
fn a_key_given_twice_is_located_in_the_users_words() {
    let ws = Workspace::new();
    let yaml = "notifiers:\n  ops-hook: { kind: webhook, url: \"http://127.0.0.1:9/hook\" }\nnotifiers: {}\n";
    let (code, report) = lint(&ws, yaml);
    assert_eq!(code, Some(1), "{report}");
    assert!(report.contains("warroom.yaml:3:1: error: duplicate mapping key: notifiers"), "{report}");
    assert!(!report.contains("DuplicateKeyPolicy"), "the parser's advice to its caller: {report}");
}
