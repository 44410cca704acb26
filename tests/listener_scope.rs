//! Alerts over real HTTP deliveries to `warroom listen`: a later alert naming another agent is
//! recorded as scope growth on its incident, and an unrouted alert a responder attached has its
//! later deliveries land on that incident.

mod common;

use common::Workspace;
use common::listen::Server;

const JSON: (&str, &str) = ("Content-Type", "application/json");

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/alertmanager/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).expect("fixture")
}

#[test]
fn over_http_scope_growth_is_flagged_and_an_attached_alert_keeps_landing_on_its_incident() {
    let ws = Workspace::new();
    let server = Server::start(&ws, &[]);
    let firing = fixture("alertmanager-webhook-v4-firing.json");
    let (status, body) = server.post(&[JSON], firing.as_bytes());
    assert_eq!(status, 200, "{body}");
    let id = body.split("opened ").nth(1).and_then(|rest| rest.split_whitespace().next()).expect("id").to_owned();

    let wider = firing.replace("planner-7", "billing-bot").replace("4793d4712906083c", "5893d4712906083d");
    let (status, body) = server.post(&[JSON], wider.as_bytes());
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(&format!("recorded on {id}")), "{body}");
    let incident = ws.status_json(&id);
    assert_eq!(incident["alerts"][1]["widened"], serde_json::json!({"agent": "billing-bot"}), "{incident}");
    let log = std::fs::read_to_string(ws.log(&id)).expect("log");
    let grew = log.lines().find(|l| l.contains(r#""widens":{"agent":"billing-bot"}"#)).expect("scope growth recorded");
    assert!(grew.contains(r#""name":"alertmanager""#) && grew.contains(r#""service":true"#), "{grew}");

    let unrouted = fixture("alertmanager-webhook-v4-from-prometheus.json");
    let (status, body) = server.post(&[JSON], unrouted.as_bytes());
    assert_eq!(status, 200, "{body}");
    ws.ok("alice", &["alert", "attach", "31c472172e6c787c", &id]);
    let resolved = unrouted.replacen(r#""status":"firing","labels""#, r#""status":"resolved","labels""#, 1);
    let (status, body) = server.post(&[JSON], resolved.as_bytes());
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(&format!("recorded on {id}")), "a later delivery lands on the incident: {body}");
    let alerts = ws.status_json(&id)["alerts"].clone();
    let attached = alerts.as_array().expect("alerts").iter().find(|a| a["key"] == "31c472172e6c787c").cloned();
    assert_eq!(attached.map(|a| a["status"].clone()), Some(serde_json::json!("resolved")), "{alerts}");
    ws.ok("auditor", &["verify"]);
}
