//! PagerDuty hears how its pages end: once the role is answered, its alert is acknowledged;
//! once the incident is resolved, resolved; each once, under the page's dedup_key.

mod common;

use common::Workspace;
use common::receiver::Receiver;

fn pagerduty_workspace(receiver: &Receiver) -> Workspace {
    let ws = Workspace::new();
    let yaml = format!(
        "notifiers:\n  pd: {{ kind: pagerduty, url: \"{}\" }}\n\
         rotations:\n  ai-platform-incident-commanders: [{{ notifier: pd, to: R0UTING0KEY }}]\n  \
         privacy-oncall: [{{ notifier: pd, to: PR1VACYKEY }}]\n",
        receiver.url("/pd")
    );
    std::fs::write(ws.path().join("warroom.yaml"), yaml).expect("warroom.yaml");
    ws
}

/// Each PagerDuty event received so far: (event_action, dedup_key, routing_key).
fn events(receiver: &Receiver) -> Vec<(String, String, String)> {
    receiver
        .received()
        .iter()
        .map(|r| {
            let json = r.json();
            let text = |k: &str| json[k].as_str().unwrap_or_default().to_owned();
            (text("event_action"), text("dedup_key"), text("routing_key"))
        })
        .collect()
}

#[test]
fn an_answered_page_is_acknowledged_in_pagerduty_and_a_resolved_incident_resolves_each_alert_once() {
    let receiver = Receiver::start();
    let ws = pagerduty_workspace(&receiver);
    let alert = ws.path().join("alert.json");
    std::fs::write(&alert, r#"{"name":"CrossTenantDataAccess"}"#).expect("alert");
    let landed = ws.ok("alertmanager", &["alert", "ingest", alert.to_str().expect("path")]);
    let id = landed.split("opened ").nth(1).expect("opened").trim().to_owned();
    ws.ok("ops", &["outbox", "run", "--once"]);
    let reference = events(&receiver)[0].1.rsplit_once('/').expect("INC.TAG/ROLE").0.to_owned();
    assert!(reference.starts_with(&format!("{id}.")), "{reference}");
    let commander = format!("{reference}/commander");
    let privacy = format!("{reference}/privacy");
    let trigger = |key: &str, routing: &str| ("trigger".to_owned(), key.to_owned(), routing.to_owned());
    assert_eq!(events(&receiver), [trigger(&commander, "R0UTING0KEY"), trigger(&privacy, "PR1VACYKEY")]);

    ws.ok("bob", &["assign", &id, "commander", "bob"]);
    ws.ok("ops", &["outbox", "run", "--once"]);
    ws.ok("ops", &["outbox", "run", "--once"]);
    let after_ack = events(&receiver);
    assert_eq!(after_ack[2..], [("acknowledge".to_owned(), commander.clone(), "R0UTING0KEY".to_owned())]);

    ws.ok("bob", &["resolve", &id]);
    ws.ok("ops", &["outbox", "run", "--once"]);
    ws.ok("ops", &["outbox", "run", "--once"]);
    let mut resolved: Vec<_> = events(&receiver)[3..].to_vec();
    resolved.sort();
    assert_eq!(
        resolved,
        [
            ("resolve".to_owned(), commander.clone(), "R0UTING0KEY".to_owned()),
            ("resolve".to_owned(), privacy.clone(), "PR1VACYKEY".to_owned()),
        ],
        "each alert resolved once; the unanswered privacy page is not acknowledged first"
    );
    let status = ws.ok("alice", &["outbox", "status", &id]);
    assert!(status.matches("pagerduty pd").count() == 5 && !status.contains("queued"), "{status}");
    let json = ws.status_json(&id);
    let purposes: Vec<&str> =
        json["messages"].as_array().expect("messages").iter().filter_map(|m| m["purpose"].as_str()).collect();
    assert_eq!(purposes, ["page", "page", "acknowledge", "resolve", "resolve"]);
    assert!(status.contains("acknowledge commander  pagerduty pd to R0UTING0KEY  delivered"), "{status}");
    let late = ws.refused("bob", &["ack", &id], 1);
    assert!(late.contains("the incident is resolved: its pages have stopped"), "{late}");
    ws.ok("auditor", &["verify", &id]);
}
