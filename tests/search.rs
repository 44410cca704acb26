//! `warroom search TEXT`: every incident that mentions it, closed and archived ones too, with
//! where; JSON for scripts; found text shown only sanitised.

mod common;

use common::Workspace;

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/alertmanager/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn search_finds_titles_notes_step_notes_and_alert_labels_in_archived_incidents_too() {
    let ws = Workspace::new();
    let title = "Globex saw Acme rows";
    let declare = ["declare", "--runbook", "cross-tenant-pii-leak", "--title", title, "--aware-at", "-1h"];
    let archived = ws.ok("alice", &declare).trim().to_owned();
    ws.ok("priya", &["notify", &archived, "gdpr-33", "--ref", "DPA-2026-1142", "--channel", "portal"]);
    ws.ok("sam", &["note", &archived, "first line\nthe filter for TENANT-B dropped the clause \u{1b}[2J"]);
    ws.ok("alice", &["tick", &archived, "confirm-signal", "--note", "trace 7f3a in tenant-b"]);
    ws.ok("alice", &["resolve", &archived]);
    ws.ok("alice", &["close", &archived, "--force", "--reason", "contained"]);
    ws.ok("alice", &["archive", &archived, "--reason", "filings tracked by the DPO"]);
    let out = ws.ok("alertmanager", &["alert", "ingest", &fixture("alertmanager-webhook-v4-firing.json")]);
    let open = out.split("opened ").nth(1).expect("id").trim().to_owned();
    ws.ok("bob", &["note", &open, "tenant-b is not involved here"]);

    let text = ws.ok("auditor", &["search", "tenant-b"]);
    assert!(text.starts_with("2 incidents mention \"tenant-b\", newest first:"), "{text}");
    assert!(text.contains(&format!("{archived}  SEV1  archived ")), "{text}");
    assert!(text.contains("note #3 by sam: first line the filter for TENANT-B dropped the clause"), "{text}");
    assert!(text.contains("step confirm-signal: trace 7f3a in tenant-b"), "{text}");
    assert!(!text.contains('\u{1b}'), "found text is sanitised: {text:?}");
    let labels = ws.ok("auditor", &["search", "PLANNER-7"]);
    assert!(labels.contains(&open) && labels.contains("alert AgentLoopRunaway label: agent=planner-7"), "{labels}");
    assert!(!labels.contains(&archived), "{labels}");

    let reference = ws.ok("auditor", &["search", "dpa-2026-1142"]);
    assert!(reference.contains("gdpr-33 submission: DPA-2026-1142 via portal by priya"), "{reference}");

    let json: serde_json::Value = serde_json::from_str(&ws.ok("auditor", &["search", "acme", "--json"])).expect("json");
    assert_eq!(json["query"], "acme");
    let found = json["incidents"].as_array().expect("incidents");
    assert_eq!(found.len(), 1, "{json}");
    assert_eq!((found[0]["id"].as_str(), found[0]["state"].as_str()), (Some(archived.as_str()), Some("archived")));
    assert_eq!(found[0]["hits"][0], serde_json::json!({ "place": "title", "text": title }));
    assert!(found[0]["ended_at"].is_string() && json["unreadable"].as_array().is_some_and(Vec::is_empty), "{json}");

    assert_eq!(
        ws.ok("auditor", &["search", "nothing-like-this"]).trim(),
        "No incident mentions \"nothing-like-this\"."
    );
    let err = ws.refused("auditor", &["search", "  "], 2);
    assert!(err.contains("type what to search for"), "{err}");
}

#[test]
fn a_log_that_cannot_be_read_is_named_not_silently_skipped() {
    let ws = Workspace::new();
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    let mut log = std::fs::read_to_string(ws.log(&id)).expect("log");
    log.push_str("{\"v\":1,\"seq\":2,\"forged\":true}\n");
    std::fs::write(ws.log(&id), log).expect("edit the log");
    let text = ws.ok("auditor", &["search", "leak"]);
    assert!(text.contains(&format!("✗ {id}  CANNOT BE READ (not searched)")), "{text}");
}

proptest::proptest! {
    #[test]
    fn a_snippet_is_bounded_and_shows_what_was_found(
        before in "[a-zA-Zé \\n]{0,200}",
        found in "[a-zA-Z]{1,12}",
        after in "[a-zA-Zé \\n]{0,200}",
        width in 30usize..120,
    ) {
        use warroom::domain::search::{Query, snippet};
        let text = format!("{before}{found}{after}");
        let query = Query::new(&found.to_uppercase()).expect("a query");
        let shown = snippet(&text, &query, width);
        proptest::prop_assert!(shown.chars().count() <= width + 2, "{shown:?}");
        proptest::prop_assert!(!shown.contains('\n'));
        proptest::prop_assert!(query.matches(&shown), "{shown:?} shows {found:?}");
    }
}
