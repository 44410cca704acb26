//! Alert formats (the captured Alertmanager payloads and malformed variants, PagerDuty Events
//! v2, generic JSON) and routing to the shipped runbooks.

use std::collections::BTreeMap;

use warroom::catalog::{self, Origin};
use warroom::domain::sanitize;
use warroom::ingest::{Alert, Route, Router, Source, Status, parse};
use warroom::store::Store;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/alertmanager/{name}", env!("CARGO_MANIFEST_DIR"))).expect("fixture")
}

fn router() -> Router {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
    Router::new(&catalog::load(&Origin::Embedded, today).runbooks)
}

fn generic(name: &str, labels: &[(&str, &str)]) -> Alert {
    let labels: BTreeMap<&str, &str> = labels.iter().copied().collect();
    let body = serde_json::json!({ "name": name, "labels": labels });
    parse(body.to_string().as_bytes()).expect("generic").remove(0)
}

fn route(runbook: &str, severity: &str) -> Option<Route> {
    Some(Route { runbook: runbook.into(), severity: severity.into() })
}

#[test]
fn a_captured_alertmanager_firing_payload() {
    let alerts = parse(&fixture("alertmanager-webhook-v4-firing.json")).expect("parse");
    assert_eq!(alerts.len(), 1);
    let alert = &alerts[0];
    assert_eq!((alert.source, alert.status), (Source::Alertmanager, Status::Firing));
    assert_eq!(alert.key, "4793d4712906083c");
    assert_eq!(alert.name(), "AgentLoopRunaway");
    assert_eq!(alert.ends_at, None, "0001-01-01T00:00:00Z means not ended");
    assert_eq!(alert.starts_at.map(|t| t.timestamp_subsec_nanos()), Some(88_310_931), "nanoseconds kept");
    assert_eq!(alert.summary(), Some("Agent planner-7 exceeded tool-call budget"));
    assert!(alert.group.as_deref().is_some_and(|g| g.contains("planner-7")));
    assert_eq!(router().route(alert), route("runaway-agent-cost", "SEV2"));
}

#[test]
fn a_captured_resolved_payload_and_one_from_prometheus() {
    let resolved = parse(&fixture("alertmanager-webhook-v4-resolved.json")).expect("parse").remove(0);
    assert_eq!(resolved.status, Status::Resolved);
    assert!(resolved.ends_at.is_some());
    assert_eq!(resolved.key, "4793d4712906083c", "the same alert as the firing one");
    let from_prometheus = parse(&fixture("alertmanager-webhook-v4-from-prometheus.json")).expect("parse").remove(0);
    assert_eq!(from_prometheus.name(), "AgentErrorBudgetBurn");
    assert_eq!(router().route(&from_prometheus), None, "no runbook claims it: the unrouted inbox");
}

#[test]
fn malformed_alertmanager_bodies_say_why_in_one_line() {
    let firing = String::from_utf8(fixture("alertmanager-webhook-v4-firing.json")).expect("utf-8");
    let cases = [
        ("{not json".to_owned(), "not JSON"),
        ("[1,2]".to_owned(), "JSON object"),
        (firing.replace(r#""version":"4""#, r#""version":"3""#), "version \"3\""),
        (firing.replace(r#""status":"firing","labels""#, r#""status":"pending","labels""#), "pending"),
        (firing.replace(r#""startsAt":"2026-11-24T04:50:03.088310931Z","#, ""), "startsAt"),
        (firing.replace(r#""alerts":[{"#, r#""alerts":[],"x":[{"#), "no alert"),
    ];
    for (body, expected) in cases {
        let err = parse(body.as_bytes()).expect_err(expected);
        assert!(err.0.contains(expected), "{expected:?} not in {:?}", err.0);
        assert!(!err.0.contains('\n'), "one line: {:?}", err.0);
    }
}

#[test]
fn pagerduty_events_v2() {
    let trigger = r#"{"routing_key":"R","event_action":"trigger","dedup_key":"pay-7","payload":{
        "summary":"Refund velocity 40/min for agent billing-2","source":"payments","severity":"critical",
        "class":"AgentRefundAnomaly","custom_details":{"environment":"production","agent":"billing-2"}}}"#;
    let alert = parse(trigger.as_bytes()).expect("trigger").remove(0);
    assert_eq!((alert.source, alert.status, alert.key.as_str()), (Source::Pagerduty, Status::Firing, "pay-7"));
    assert_eq!(alert.name(), "AgentRefundAnomaly");
    assert_eq!(router().route(&alert), route("tool-exploit", "SEV1"));
    let ack = parse(br#"{"routing_key":"R","event_action":"acknowledge","dedup_key":"pay-7"}"#).expect("ack").remove(0);
    assert_eq!((ack.status, ack.key.as_str()), (Status::Acknowledged, "pay-7"));
    for (body, expected) in [
        (r#"{"routing_key":"R","event_action":"resolve"}"#, "dedup_key"),
        (r#"{"routing_key":"R","event_action":"trigger"}"#, "payload"),
        (r#"{"routing_key":"R","event_action":"snooze","dedup_key":"x"}"#, "snooze"),
        (
            r#"{"routing_key":"R","event_action":"trigger","payload":{"summary":"s","source":"x","severity":"sev1"}}"#,
            "severity",
        ),
    ] {
        let err = parse(body.as_bytes()).expect_err(expected);
        assert!(err.0.contains(expected), "{expected:?} not in {:?}", err.0);
    }
}

#[test]
fn the_generic_format_single_or_batch() {
    let one = generic("AgentKillSwitchFired", &[("guardrail", "pii"), ("agent", "planner-7")]);
    assert_eq!((one.source, one.status), (Source::Generic, Status::Firing));
    assert_eq!(
        one.key,
        generic("AgentKillSwitchFired", &[("agent", "planner-7"), ("guardrail", "pii")]).key,
        "key from labels"
    );
    assert_eq!(router().route(&one), route("kill-switch-fired", "SEV1"));
    let batch = br#"{"alerts":[{"name":"A","key":"k1"},{"name":"B","status":"resolved"}]}"#;
    let alerts = parse(batch).expect("batch");
    assert_eq!(alerts.len(), 2);
    assert_eq!(alerts[0].key, "k1");
    assert_eq!(alerts[1].status, Status::Resolved);
    let extra =
        parse(br#"{"name":"A","colour":"red","startsAt":"2026-11-24T08:00:00Z","count":3}"#).expect("extra fields");
    assert_eq!(extra[0].annotations.get("colour").map(String::as_str), Some("red"), "kept, not refused");
    assert_eq!(extra[0].annotations.get("count").map(String::as_str), Some("3"));
    assert!(extra[0].starts_at.is_some(), "startsAt is read as starts_at");
    for (body, expected) in [
        (r#"{"labels":{}}"#.to_owned(), "name"),
        (r#"{"name":"  "}"#.to_owned(), "needs a name"),
        (r#"{"name":"A","status":"maybe"}"#.to_owned(), "maybe"),
    ] {
        let err = parse(body.as_bytes()).expect_err(expected);
        assert!(err.0.contains(expected), "{expected:?} not in {:?}", err.0);
    }
}

#[test]
fn routing_prefers_the_most_specific_trigger_then_the_higher_severity() {
    let r = router();
    let critical = generic("AgentLoopRunaway", &[("service", "agents"), ("severity", "critical")]);
    assert_eq!(r.route(&critical), route("runaway-agent-cost", "SEV2"));
    let warning = generic("AgentLoopRunaway", &[("severity", "warning")]);
    assert_eq!(r.route(&warning), route("runaway-agent-cost", "SEV3"));
    let other_guardrail = generic("AgentKillSwitchFired", &[("guardrail", "budget")]);
    assert_eq!(r.route(&other_guardrail), route("kill-switch-fired", "SEV2"));
    let allowed = generic("SandboxEgressNotAllowListed", &[("action", "allowed")]);
    assert_eq!(r.route(&allowed), route("sandbox-escape", "SEV2"));
    assert_eq!(r.route(&generic("CrossTenantDataAccess", &[])), route("cross-tenant-pii-leak", "SEV1"));
    assert_eq!(r.route(&generic("Unknown", &[])), None);
}

#[test]
fn alert_text_is_kept_as_received_and_shown_sanitised() {
    let body = "{\"name\":\"A\",\"annotations\":{\"summary\":\"\\u001b]0;pwned\\u0007 rm -rf / \\u202e\"}}";
    let alert = parse(body.as_bytes()).expect("parse").remove(0);
    let summary = alert.summary().expect("summary");
    assert!(summary.contains('\u{1b}'), "stored as received");
    assert_eq!(sanitize::line(summary), "␛]0;pwned␇ rm -rf / ⟨U+202E⟩");
}

/// A batch (what the listener gathers while the previous one syncs) lands exactly as the same
/// alerts one by one would: one incident for a storm, repeats inside the batch not stored twice,
/// unrouted ones in the inbox, and each alert's outcome in order.
#[test]
fn a_batch_lands_like_the_same_alerts_one_by_one() {
    use warroom::app::intake::{Intake, Landed};
    use warroom::domain::event::Actor;
    use warroom::store::Workspace;

    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
    let runbooks = catalog::load(&Origin::Embedded, today).runbooks;
    let clocks = catalog::clocks::load(None).clocks;
    let router = Router::new(&runbooks);
    let spike = |agent: &str| generic("AgentOutboundNoticeSpike", &[("environment", "production"), ("agent", agent)]);
    let stray = generic("DiskAlmostFull", &[("host", "db-1")]);
    let batch = vec![spike("mailer-1"), spike("mailer-2"), spike("mailer-1"), stray.clone(), stray, spike("mailer-3")];
    let now = chrono::Utc::now();
    let actor = Actor::named("alertmanager");

    let dir = tempfile::tempdir().expect("dir");
    let ws = Workspace::open(dir.path()).expect("workspace");
    let intake = Intake { store: &ws, router: &router, runbooks: &runbooks, clocks: &clocks };
    let landed = intake.take_all(batch.clone(), &actor, now).expect("batch");
    let id = ws.open_ids().expect("ids").remove(0);
    let repeat = Landed::Repeat(id.clone());
    let joined = Landed::Joined(id.clone());
    let inbox_repeat = Landed::Repeat("the inbox".into());
    let expected = [Landed::Opened(id.clone()), joined.clone(), repeat, Landed::Unrouted, inbox_repeat, joined];
    assert_eq!(landed, expected);
    assert_eq!(ws.open_ids().expect("ids").len(), 1, "a storm opens one incident");
    let batched = ws.incident(&id).expect("incident");
    assert_eq!(batched.alerts.len(), 3);

    let single = tempfile::tempdir().expect("dir");
    let ws1 = Workspace::open(single.path()).expect("workspace");
    let one_by_one = Intake { store: &ws1, router: &router, runbooks: &runbooks, clocks: &clocks };
    for (alert, expected) in batch.into_iter().zip(&landed) {
        assert_eq!(&one_by_one.take(alert, &actor, now).expect("one"), expected);
    }
    let single = ws1.incident(&id).expect("incident");
    assert_eq!(single.alerts, batched.alerts);
    assert_eq!(ws1.inbox().expect("inbox"), ws.inbox().expect("inbox"));
}

/// A drill of a runbook is running when the real alert comes: it opens a real incident of its
/// own, and later alerts of the same group join that one, never the drill.
#[test]
fn a_production_alert_during_a_drill_of_its_runbook_opens_a_real_incident() {
    use warroom::app::intake::{Intake, Landed};
    use warroom::domain::event::Actor;
    use warroom::ingest::drill::DrillPlan;
    use warroom::store::Workspace;

    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
    let runbooks = catalog::load(&Origin::Embedded, today).runbooks;
    let clocks = catalog::clocks::load(None).clocks;
    let router = Router::new(&runbooks);
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-24T02:00:00Z").expect("time").to_utc();
    let dir = tempfile::tempdir().expect("dir");
    let ws = Workspace::open(dir.path()).expect("workspace");
    let intake = Intake { store: &ws, router: &router, runbooks: &runbooks, clocks: &clocks };
    let spike = |agent: &str| generic("AgentOutboundNoticeSpike", &[("environment", "production"), ("agent", agent)]);
    let runbook = router.route(&spike("mailer-1")).expect("routed").runbook;
    let plan = DrillPlan { runbook, speed: 60, micro: None, alert: None };
    let drill = intake.drill(plan, &Actor::named("alice"), now).expect("drill");

    let actor = Actor::named("alertmanager");
    let later = now + chrono::Duration::minutes(2);
    let Landed::Opened(real) = intake.take(spike("mailer-1"), &actor, later).expect("alert") else {
        panic!("the production alert must open its own incident");
    };
    assert_ne!(real, drill);
    assert_eq!(intake.take(spike("mailer-2"), &actor, later).expect("alert"), Landed::Joined(real.clone()));
    assert!(!ws.incident(&real).expect("real").drill);
    assert_eq!(ws.incident(&drill).expect("drill").alerts.len(), 1, "the drill keeps only its sample alert");
}
