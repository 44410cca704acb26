//! `warroom alert ingest` with the captured Alertmanager payloads: incidents opened on the
//! right runbook, repeats not stored, resolved recorded, the unrouted inbox, an alert storm.

mod common;

use std::io::Write;
use std::process::Stdio;

use common::Workspace;

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/alertmanager/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn ingest_stdin(ws: &Workspace, body: &str) -> std::process::Output {
    let mut child = ws
        .command("alertmanager")
        .args(["alert", "ingest", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child.stdin.take().expect("stdin").write_all(body.as_bytes()).expect("write");
    child.wait_with_output().expect("wait")
}

#[test]
fn an_alert_opens_an_incident_on_its_runbook_with_aware_auto_recorded() {
    let ws = Workspace::new();
    // The fixture's alert started at 04:50:03 that day: received half an hour later, whatever
    // the calendar says.
    let out = ws
        .command("alertmanager")
        .env("WARROOM_TEST_NOW", "2026-11-24T05:20:00Z")
        .args(["alert", "ingest", &fixture("alertmanager-webhook-v4-firing.json")])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", common::stderr(&out));
    let out = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.contains("opened INC-"), "{out}");
    let id = out.split("opened ").nth(1).expect("id").trim().to_owned();
    let incident = ws.status_json(&id);
    assert_eq!(incident["runbook"], "runaway-agent-cost");
    assert_eq!(incident["severity"], "SEV2");
    assert_eq!(incident["title"], "Agent planner-7 exceeded tool-call budget");
    assert_eq!(incident["aware_at"], "2026-11-24T04:50:03Z");
    assert_eq!(incident["roles"].get("commander"), None, "an alert names no commander");
    let log = std::fs::read_to_string(ws.log(&id)).expect("log");
    assert!(log.contains(r#""decision":"aware""#) && log.contains(r#""auto":true"#), "aware is marked auto-recorded");
}

#[test]
fn a_repeat_is_not_stored_again_and_a_resolved_alert_is_recorded_without_closing() {
    let ws = Workspace::new();
    let first = ws.ok("alertmanager", &["alert", "ingest", &fixture("alertmanager-webhook-v4-firing.json")]);
    let id = first.split("opened ").nth(1).expect("id").trim().to_owned();
    let events = || std::fs::read_to_string(ws.log(&id)).expect("log").lines().count();
    let before = events();
    let again = ws.ok("alertmanager", &["alert", "ingest", &fixture("alertmanager-webhook-v4-firing.json")]);
    assert!(again.contains("a repeat; not stored again"), "{again}");
    assert_eq!(events(), before, "exactly one alert event for a retried delivery");
    let resolved = ws.ok("alertmanager", &["alert", "ingest", &fixture("alertmanager-webhook-v4-resolved.json")]);
    assert!(resolved.contains(&format!("recorded on {id}")), "{resolved}");
    assert_eq!(events(), before + 1);
    assert_eq!(ws.status_json(&id)["state"], "active", "a resolved alert never closes the incident");
    ws.ok("auditor", &["verify"]);
}

#[test]
fn an_unmatched_alert_waits_in_the_inbox_until_dismissed() {
    let ws = Workspace::new();
    let out = ws.ok("alertmanager", &["alert", "ingest", &fixture("alertmanager-webhook-v4-from-prometheus.json")]);
    assert!(out.contains("unrouted inbox"), "{out}");
    let status: serde_json::Value = serde_json::from_str(&ws.ok("auditor", &["status", "--json"])).expect("json");
    assert_eq!(status["incidents"].as_array().expect("incidents").len(), 0);
    assert_eq!(status["unrouted"][0]["key"], "31c472172e6c787c");
    assert_eq!(status["unrouted"][0]["name"], "AgentErrorBudgetBurn");
    let err = ws.refused("alice", &["alert", "dismiss", "nope", "--reason", "x"], 1);
    assert!(err.contains("no unrouted alert"), "{err}");
    ws.ok("alice", &["alert", "dismiss", "31c472172e6c787c", "--reason", "synthetic test rule"]);
    let status: serde_json::Value = serde_json::from_str(&ws.ok("auditor", &["status", "--json"])).expect("json");
    assert_eq!(status["unrouted"].as_array().expect("unrouted").len(), 0);
    let verified = ws.ok("auditor", &["verify"]);
    assert!(verified.contains("✓ inbox: 2 events"), "{verified}");
}

#[test]
fn a_responder_declares_an_incident_from_an_unrouted_alert() {
    let ws = Workspace::new();
    ws.ok("alertmanager", &["alert", "ingest", &fixture("alertmanager-webhook-v4-from-prometheus.json")]);
    let err = ws.refused("alice", &["alert", "declare", "31c472172e6c787c", "--runbook", "runaway-cost"], 1);
    assert!(err.contains("no runbook \"runaway-cost\"") && err.contains("runaway-agent-cost"), "{err}");
    let out = ws.ok("alice", &["alert", "declare", "31c472172e6c787c", "--runbook", "runaway-agent-cost"]);
    let id = out.split_whitespace().find(|w| w.starts_with("INC-")).expect("id").to_owned();
    let incident = ws.status_json(&id);
    assert_eq!(incident["runbook"], "runaway-agent-cost");
    assert_eq!(incident["severity"], "SEV2", "the runbook's default severity");
    assert!(incident["aware_at"].as_str().is_some(), "aware is auto-recorded at the alert's start");
    assert_eq!(incident["roles"]["commander"], "alice", "who declares takes command, as by hand");
    let status: serde_json::Value = serde_json::from_str(&ws.ok("auditor", &["status", "--json"])).expect("json");
    assert_eq!(status["unrouted"].as_array().expect("unrouted").len(), 0, "the inbox item is handled");
    let again = ws.refused("bob", &["alert", "dismiss", "31c472172e6c787c", "--reason", "noise"], 1);
    assert!(again.contains(&format!("already handled: declared as {id}")), "{again}");
    let repeat = ws.ok("alertmanager", &["alert", "ingest", &fixture("alertmanager-webhook-v4-from-prometheus.json")]);
    assert!(repeat.contains(&format!("already recorded on {id}")), "the alert now lives on the incident: {repeat}");
    ws.ok("auditor", &["verify"]);
}

#[test]
fn bad_payloads_get_one_line_and_change_nothing() {
    let ws = Workspace::new();
    for (body, expected) in [("{bad", "not JSON"), (r#"{"name":"A","status":"maybe"}"#, "maybe"), ("[]", "JSON object")]
    {
        let out = ingest_stdin(&ws, body);
        assert_eq!(out.status.code(), Some(1), "{body}");
        let err = common::stderr(&out);
        assert!(err.contains(expected) && err.lines().count() == 1, "{err}");
    }
    assert!(ws.ok("auditor", &["status", "--json"]).contains(r#""incidents": []"#));
    assert!(!ws.path().join("inbox.jsonl").exists());
}

#[test]
fn escape_sequences_in_an_alert_are_stored_escaped_and_shown_inert() {
    let ws = Workspace::new();
    let body = r#"{"name":"CrossTenantDataAccess","annotations":{"summary":"\u001b]0;owned\u0007 tenant \u202eacme"}}"#;
    let out = ingest_stdin(&ws, body);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let id = stdout.split("opened ").nth(1).expect("id").trim().to_owned();
    let bytes = std::fs::read(ws.log(&id)).expect("log");
    assert!(bytes.iter().all(|b| (0x20..0x7f).contains(b) || *b == b'\n'));
    let human = ws.ok("alice", &["status", &id]);
    assert!(human.contains("␛]0;owned␇") && !human.contains('\u{1b}') && human.contains("⟨U+202E⟩"), "{human}");
}

#[test]
fn an_alert_storm_opens_one_incident_per_runbook_not_thousands() {
    let ws = Workspace::new();
    let alerts: Vec<serde_json::Value> = (0..2000)
        .map(|n| serde_json::json!({"name": "AgentOutboundNoticeSpike", "labels": {"environment": "production", "agent": format!("mailer-{n}")}}))
        .collect();
    let body = serde_json::json!({ "alerts": alerts }).to_string();
    let out = ingest_stdin(&ws, &body);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let status: serde_json::Value = serde_json::from_str(&ws.ok("auditor", &["status", "--json"])).expect("json");
    let incidents = status["incidents"].as_array().expect("incidents");
    assert_eq!(incidents.len(), 1, "grouped into one incident");
    assert_eq!(incidents[0]["runbook"], "mass-false-action");
    let log = std::fs::read_to_string(ws.log(incidents[0]["id"].as_str().expect("id"))).expect("log");
    assert_eq!(log.matches(r#""kind":"alert_received""#).count(), 2000, "every distinct alert counted");
    assert_eq!(incidents[0]["alert_counts"], serde_json::json!({"distinct": 2000, "firing": 2000, "deliveries": 2000}));
}

#[test]
fn a_closed_incident_hears_its_alert_repeat_and_end_and_a_recurrence_opens_a_new_one() {
    let ws = Workspace::new();
    let ingest = |file: &str| ws.ok("alertmanager", &["alert", "ingest", &fixture(file)]);
    let first = ingest("alertmanager-webhook-v4-firing.json");
    let id = first.split("opened ").nth(1).expect("id").trim().to_owned();
    ws.ok("alice", &["resolve", &id]);
    ws.ok("alice", &["close", &id, "--force", "--reason", "contained"]);
    let events = || std::fs::read_to_string(ws.log(&id)).expect("log").lines().count();
    let before = events();
    let again = ingest("alertmanager-webhook-v4-firing.json");
    assert!(again.contains("a repeat; not stored again"), "Alertmanager's retry after the close: {again}");
    let resolved = ingest("alertmanager-webhook-v4-resolved.json");
    assert!(resolved.contains(&format!("recorded on {id}")), "{resolved}");
    assert_eq!(events(), before + 1, "the alert's end is evidence for the closed incident");

    // The same alert firing again later is a recurrence: a new incident, never a refusal.
    let firing = std::fs::read_to_string(fixture("alertmanager-webhook-v4-firing.json")).expect("fixture");
    let recurred = firing.replace("2026-11-24T04:50", "2026-11-24T09:50");
    assert_ne!(recurred, firing, "the fixture's startsAt moved");
    let out = ingest_stdin(&ws, &recurred);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let landed = String::from_utf8_lossy(&out.stdout);
    let new_id = landed.split("opened ").nth(1).expect("a new incident").trim().to_owned();
    assert_ne!(new_id, id);
    assert_eq!(events(), before + 1, "nothing more on the closed one");
}

#[test]
fn status_json_holds_every_alert_in_full_and_the_scope_a_later_alert_widened() {
    let ws = Workspace::new();
    let payload = std::fs::read_to_string(fixture("alertmanager-webhook-v4-firing.json")).expect("fixture");
    let payload = payload.replace(r#""generatorURL":"""#, r#""generatorURL":"http://vm:19090/graph?g0.expr=up""#);
    let first = String::from_utf8(ingest_stdin(&ws, &payload).stdout).expect("utf-8");
    let id = first.split("opened ").nth(1).expect("id").trim().to_owned();
    let same_scope = r#"{"name":"AgentLoopRunaway","key":"k2","labels":{"agent":"planner-7","tool":"search"}}"#;
    assert!(ingest_stdin(&ws, same_scope).status.success());
    let wider = r#"{"name":"AgentLoopRunaway","key":"k3","labels":{"agent":"billing-bot","tool":"search"}}"#;
    let out = ingest_stdin(&ws, wider);
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("recorded on {id}")), "{}", common::stderr(&out));
    let incident = ws.status_json(&id);
    let alerts = incident["alerts"].as_array().expect("alerts[]");
    assert_eq!(alerts.len(), 3);
    assert_eq!(alerts[0]["key"], "4793d4712906083c");
    assert_eq!(alerts[0]["generator_url"], "http://vm:19090/graph?g0.expr=up");
    assert_eq!(alerts[0]["annotations"]["runbook_url"], "runbooks/agent-loop.yaml");
    assert_eq!(alerts[0]["labels"]["service"], "agents");
    assert_eq!(alerts[0]["starts_at"], "2026-11-24T04:50:03Z");
    assert_eq!(alerts[0]["widened"], serde_json::json!({}), "the declaring alert sets the scope");
    assert_eq!(alerts[1]["widened"], serde_json::json!({"tool": "search"}), "a tool no alert named before");
    assert_eq!(alerts[2]["widened"], serde_json::json!({"agent": "billing-bot"}), "another agent; the tool was known");
    assert_eq!(incident["alert_counts"]["distinct"], 3);
    let log = std::fs::read_to_string(ws.log(&id)).expect("log");
    assert!(log.contains(r#""widens":{"agent":"billing-bot"}"#), "recorded in the evidence, not only computed");
    ws.ok("auditor", &["verify"]);
    ws.ok("alice", &["resolve", &id]);
    ws.ok("alice", &["close", &id, "--force", "--reason", "contained"]);
    let postmortem = std::fs::read_to_string(ws.path().join("exports").join(&id).join("postmortem.md")).expect("pm");
    let key = postmortem.split("## Key timeline").nth(1).and_then(|s| s.split("\n## ").next()).expect("key timeline");
    assert_eq!(key.matches("SCOPE GROWTH").count(), 2, "each widening is a key moment: {key}");
}

#[test]
fn a_responder_attaches_an_unrouted_alert_to_the_incident_it_belongs_to() {
    let ws = Workspace::new();
    let first = ws.ok("alertmanager", &["alert", "ingest", &fixture("alertmanager-webhook-v4-firing.json")]);
    let id = first.split("opened ").nth(1).expect("id").trim().to_owned();
    ws.ok("alertmanager", &["alert", "ingest", &fixture("alertmanager-webhook-v4-from-prometheus.json")]);
    let err = ws.refused("alice", &["alert", "attach", "31c472172e6c787c", "INC-20990101-009"], 1);
    assert!(err.contains("INC-20990101-009"), "{err}");
    let out = ws.ok("alice", &["alert", "attach", "31c472172e6c787c", &id]);
    assert!(out.contains(&format!("attached unrouted alert 31c472172e6c787c to {id}")), "{out}");
    let incident = ws.status_json(&id);
    let keys: Vec<&str> =
        incident["alerts"].as_array().expect("alerts").iter().filter_map(|a| a["key"].as_str()).collect();
    assert_eq!(keys, ["4793d4712906083c", "31c472172e6c787c"]);
    let log = std::fs::read_to_string(ws.log(&id)).expect("log");
    let attached = log.lines().find(|l| l.contains(r#""attached":true"#)).expect("the attach is in the evidence");
    assert!(attached.contains(r#""name":"alice""#), "recorded as alice's act, not the listener's: {attached}");
    let status: serde_json::Value = serde_json::from_str(&ws.ok("auditor", &["status", "--json"])).expect("json");
    assert_eq!(status["unrouted"].as_array().expect("unrouted").len(), 0, "the inbox item is handled");
    let again = ws.refused("bob", &["alert", "attach", "31c472172e6c787c", &id], 1);
    assert!(again.contains(&format!("attached to {id} by alice")), "{again}");
    let resolved = std::fs::read_to_string(fixture("alertmanager-webhook-v4-from-prometheus.json"))
        .expect("fixture")
        .replacen(r#""status":"firing","labels""#, r#""status":"resolved","labels""#, 1);
    let out = ingest_stdin(&ws, &resolved);
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("recorded on {id}")), "later deliveries land there");
    ws.ok("auditor", &["verify"]);

    ws.ok("alice", &["resolve", &id]);
    ws.ok("alice", &["close", &id, "--force", "--reason", "contained"]);
    let postmortem = std::fs::read_to_string(ws.path().join("exports").join(&id).join("postmortem.md")).expect("pm");
    let rows: Vec<&str> = postmortem.lines().filter(|l| l.contains("alert ") && l.starts_with('|')).collect();
    assert!(
        rows.iter().any(|r| r.contains("| alice |") && r.contains("attached unrouted alert")),
        "alice's attach is her own row: {rows:#?}"
    );
    assert!(
        !rows.iter().any(|r| r.contains("| alice |") && r.contains("alert deliveries recorded")),
        "Alertmanager's deliveries are never credited to alice: {rows:#?}"
    );
}

#[test]
fn declaring_from_an_unrouted_alert_takes_the_severity_and_title_chosen() {
    let ws = Workspace::new();
    ws.ok("alertmanager", &["alert", "ingest", &fixture("alertmanager-webhook-v4-from-prometheus.json")]);
    let declare = ["alert", "declare", "31c472172e6c787c", "--runbook", "cross-tenant-pii-leak"];
    let err = ws.refused("alice", &[&declare[..], &["--severity", "SEV9"]].concat(), 1);
    assert!(err.contains("SEV9"), "{err}");
    let inbox: serde_json::Value =
        serde_json::from_str(&ws.ok("auditor", &["alert", "inbox", "--json"])).expect("json");
    assert_eq!(inbox["unrouted"].as_array().map(Vec::len), Some(1), "a refusal leaves the alert waiting");
    let out = ws.ok("alice", &[&declare[..], &["--severity", "SEV3", "--title", "Initech rows seen by Acme"]].concat());
    let id = out.split_whitespace().find(|w| w.starts_with("INC-")).expect("id").trim_end_matches(':').to_owned();
    let incident = ws.status_json(&id);
    assert_eq!(
        (incident["severity"].as_str(), incident["title"].as_str()),
        (Some("SEV3"), Some("Initech rows seen by Acme"))
    );
}

#[test]
fn an_alert_firing_anew_after_its_incident_was_resolved_opens_a_new_one_and_pages() {
    let ws = Workspace::new();
    let ingest = |file: &str| ws.ok("alertmanager", &["alert", "ingest", &fixture(file)]);
    let first = ingest("alertmanager-webhook-v4-firing.json");
    let id = first.split("opened ").nth(1).expect("id").trim().to_owned();
    ws.ok("alice", &["resolve", &id]);
    let again = ingest("alertmanager-webhook-v4-firing.json");
    assert!(again.contains("a repeat; not stored again"), "a retry of the same firing: {again}");
    let firing = std::fs::read_to_string(fixture("alertmanager-webhook-v4-firing.json")).expect("fixture");
    let recurred = firing.replace("2026-11-24T04:50", "2026-11-24T09:50");
    let out = ingest_stdin(&ws, &recurred);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let landed = String::from_utf8_lossy(&out.stdout);
    let new_id = landed.split("opened ").nth(1).expect("the recurrence opens an incident, which pages").trim();
    assert_ne!(new_id, id, "not joined to the resolved one, where nobody is paged: {landed}");
}
