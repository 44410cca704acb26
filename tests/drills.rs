//! Drills and runbook health through the real binary, with fixed clocks: the speed factor on
//! regulatory clocks, micro-drills, drill isolation, step health, coverage gaps and role
//! practice from a scripted history, and the drill report in the export.

mod common;

use common::Workspace;

fn at(ws: &Workspace, actor: &str, time: &str, args: &[&str]) -> String {
    let out = ws.command(actor).env("WARROOM_TEST_NOW", time).args(args).output().expect("run");
    assert!(out.status.success(), "warroom {args:?}: {}", common::stderr(&out));
    String::from_utf8(out.stdout).expect("utf-8")
}

fn json(ws: &Workspace, time: &str, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&at(ws, "auditor", time, args)).expect("json")
}

const T0: &str = "2026-11-24T02:00:00Z";

#[test]
fn at_speed_360_a_72_hour_clock_is_due_in_12_minutes_and_shows_both_times() {
    let ws = Workspace::new();
    let id = at(&ws, "alice", T0, &["drill", "cross-tenant-pii-leak", "--speed", "360"]).trim().to_owned();
    let status = json(&ws, T0, &["status", &id, "--json"]);
    let incident = &status["incidents"][0];
    assert_eq!(incident["drill"], true);
    assert_eq!(incident["drill_speed"], 360);
    let gdpr = incident["clocks"].as_array().expect("clocks").iter().find(|c| c["id"] == "gdpr-33").expect("gdpr-33");
    assert_eq!(gdpr["due_at"], "2026-11-24T02:12:00Z", "72 h / 360 = 12 minutes of wall time");
    assert_eq!(gdpr["remaining_seconds"], 720);
    assert_eq!(gdpr["drill_remaining_seconds"], 72 * 3600, "and 72 hours of drill time");
    let later = json(&ws, "2026-11-24T02:13:00Z", &["status", &id, "--json"]);
    let gdpr =
        later["incidents"][0]["clocks"].as_array().expect("clocks").iter().find(|c| c["id"] == "gdpr-33").cloned();
    assert_eq!(gdpr.expect("gdpr-33")["state"], "overdue");
    let alert = &std::fs::read_to_string(ws.log(&id)).expect("log");
    assert!(alert.contains(r#""drill":"true""#), "declared from a sample alert marked drill");
}

#[test]
fn a_micro_drill_practises_a_handful_of_steps() {
    let ws = Workspace::new();
    let id = at(&ws, "alice", T0, &["drill", "mass-false-action", "--micro", "5"]).trim().to_owned();
    let incident = &json(&ws, T0, &["status", &id, "--json"])["incidents"][0];
    let steps = incident["steps"].as_array().expect("steps");
    let pending = steps.iter().filter(|s| s["state"] == "pending").count();
    assert_eq!(pending, 5);
    assert!(
        steps.iter().filter(|s| s["state"] == "skipped").all(|s| s["comment"] == "not practised in this micro-drill")
    );
}

#[test]
fn health_coverage_and_role_practice_come_from_history_and_drills_stay_apart() {
    let ws = Workspace::new();
    let drill = at(&ws, "alice", "2026-05-01T09:00:00Z", &["drill", "tool-exploit", "--speed", "60"]).trim().to_owned();
    at(&ws, "alice", "2026-05-01T09:01:00Z", &["assign", &drill, "commander", "alice"]);
    at(
        &ws,
        "alice",
        "2026-05-01T09:02:00Z",
        &["skip", &drill, "confirm-exploit", "--reason", "the trace viewer was renamed"],
    );
    at(&ws, "alice", "2026-05-01T09:05:00Z", &["resolve", &drill]);
    at(&ws, "alice", "2026-05-01T09:06:00Z", &["close", &drill, "--force", "--reason", "drill over"]);
    at(&ws, "alice", "2026-05-01T09:06:30Z", &["archive", &drill, "--reason", "a drill files nothing"]);
    let real = r#"{"name":"AgentRefundAnomaly","labels":{"environment":"production"}}"#;
    let stray = r#"{"name":"DiskAlmostFull","labels":{"host":"db-1"}}"#;
    for body in [real, stray] {
        let path = ws.path().join("alert.json");
        std::fs::write(&path, body).expect("alert");
        at(&ws, "alertmanager", "2026-11-20T10:00:00Z", &["alert", "ingest", path.to_str().expect("path")]);
    }
    let health = json(&ws, T0, &["runbooks", "--json"]);
    let tool =
        health["runbooks"].as_array().expect("runbooks").iter().find(|r| r["id"] == "tool-exploit").expect("tool");
    assert_eq!(tool["drills"], 1);
    assert_eq!(tool["last_drill"], "2026-05-01T09:00:00Z");
    assert_eq!(tool["drill_overdue"], true, "drill_every has passed since May");
    let step =
        tool["steps"].as_array().expect("steps").iter().find(|s| s["step"] == "confirm-exploit").expect("flagged");
    assert_eq!(step["skipped"], 1);
    assert!(step["reasons"][0].as_str().expect("reason").contains("the trace viewer was renamed"));
    let never =
        health["runbooks"].as_array().expect("runbooks").iter().find(|r| r["id"] == "sandbox-escape").expect("r");
    assert_eq!(never["last_drill"], serde_json::Value::Null);
    assert_eq!(never["drill_overdue"], true);
    let gaps: Vec<&str> =
        health["coverage_gaps"].as_array().expect("gaps").iter().filter_map(|g| g["alertname"].as_str()).collect();
    assert_eq!(gaps, vec!["DiskAlmostFull"], "the unrouted alert is a gap; the drill's sample alert is not");
    let practice = &health["role_practice"][0];
    assert_eq!((practice["responder"].as_str(), practice["role"].as_str()), (Some("alice"), Some("commander")));
    assert_eq!(practice["stale"], true, "drilled 207 days ago, more than 180");

    let drills = json(&ws, T0, &["drills", "--json"]);
    let list = drills["drills"].as_array().expect("drills");
    assert_eq!(list.len(), 1, "only drills");
    assert_eq!(list[0]["incident"], drill.as_str());
    let skipped = list[0]["steps"].as_array().expect("steps").iter().find(|s| s["id"] == "confirm-exploit").cloned();
    let skipped = skipped.expect("step");
    assert_eq!(skipped["reason"], "the trace viewer was renamed");
    assert_eq!(skipped["wall_seconds"], 120);
    assert_eq!(skipped["drill_seconds"], 7200);
    let bundle = ws.path().join("exports").join(&drill);
    let report = std::fs::read_to_string(bundle.join("drill-report.md")).expect("drill report in the bundle");
    assert!(report.contains("DRILL") && report.contains("the trace viewer was renamed"), "{report}");
    assert!(
        report.contains(
            "| time to resolve | declaration, 2026-05-01T09:00:00Z | resolved, 2026-05-01T09:05:00Z | 00:05:00 |"
        ),
        "the drill's figures, as a real incident's: {report}"
    );
    let sheets = std::fs::read_dir(bundle.join("worksheets")).expect("worksheets").flatten();
    let filings = std::fs::read_dir(bundle.join("filings")).expect("filings").flatten();
    for draft in filings.chain(sheets).filter(|d| d.path().extension().is_some_and(|e| e == "md")) {
        let text = std::fs::read_to_string(draft.path()).expect("draft");
        assert!(text.starts_with("> **DRILL — NOT A REAL INCIDENT."), "{text}");
    }
    let real_status = json(&ws, T0, &["status", "--json"]);
    let open = real_status["incidents"].as_array().expect("incidents");
    assert!(open.iter().all(|i| i["drill"] == false), "the archived drill is not among the open real incidents");
}
