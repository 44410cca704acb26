//! PagerDuty's answers come back: a person acknowledging one of warroom's pages in PagerDuty
//! (its v3 webhook, signed with the subscription's secret, posted to `warroom listen`) answers
//! that page in warroom, recorded by the listener's service with who answered; nothing else
//! PagerDuty sends, and nothing unsigned, is taken as an answer.

mod common;

use common::Workspace;
use common::listen::Server;
use common::receiver::Receiver;
use hmac::{Hmac, Mac};
use sha2::Sha256;

const JSON: (&str, &str) = ("Content-Type", "application/json");
const SECRET: &str = "whsec-0123456789abcdef";

fn workspace(receiver: &Receiver, with_secret: bool) -> Workspace {
    let ws = Workspace::new();
    let secret = if with_secret { ", webhook_secret_file: pd-webhook.secret" } else { "" };
    let yaml = format!(
        "notifiers:\n  pd: {{ kind: pagerduty, url: \"{}\"{secret} }}\n\
         rotations:\n  ai-platform-incident-commanders: [{{ notifier: pd, to: R0UTING0KEY }}]\n  \
         privacy-oncall: [{{ notifier: pd, to: PR1VACYKEY }}]\n",
        receiver.url("/pd")
    );
    std::fs::write(ws.path().join("warroom.yaml"), yaml).expect("warroom.yaml");
    let file = ws.path().join("pd-webhook.secret");
    std::fs::write(&file, format!("{SECRET}\n")).expect("secret");
    std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o600)).expect("chmod");
    ws
}

/// Declares from an alert and delivers its first pages; returns the incident id and its
/// reference as PagerDuty received it (the dedup_key's incident part: `INC.TAG`).
fn paged_incident(ws: &Workspace, receiver: &Receiver) -> (String, String) {
    let alert = ws.path().join("alert.json");
    std::fs::write(&alert, r#"{"name":"CrossTenantDataAccess"}"#).expect("alert");
    let landed = ws.ok("alertmanager", &["alert", "ingest", alert.to_str().expect("path")]);
    let id = landed.split("opened ").nth(1).expect("opened").trim().to_owned();
    ws.ok("ops", &["outbox", "run", "--once"]);
    let page = receiver.received().first().expect("a page reached PagerDuty").json();
    let dedup = page["dedup_key"].as_str().expect("dedup_key").to_owned();
    let reference = dedup.rsplit_once('/').expect("INC.TAG/ROLE").0.to_owned();
    assert!(reference.starts_with(&format!("{id}.")), "the reference begins with the id: {reference}");
    (id, reference)
}

/// A v3 webhook as PagerDuty sends it: `agent` a user (a person) or the integration.
fn webhook(kind: &str, person: bool, who: &str, incident_key: &str) -> String {
    let agent_type = if person { "user_reference" } else { "service_reference" };
    serde_json::json!({"event": {
        "id": "01DEN4ZBA3MPAG9BTGYIE4PA7R",
        "event_type": kind,
        "resource_type": "incident",
        "occurred_at": "2026-12-03T10:02:11.000Z",
        "agent": {"id": "PLH1HKV", "summary": who, "type": agent_type},
        "data": {"id": "Q2OT3IJ6OFV0QJ", "type": "incident", "status": "acknowledged", "incident_key": incident_key},
    }})
    .to_string()
}

fn v1(secret: &str, body: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(body.as_bytes());
    let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("v1={hex}")
}

fn post(server: &Server, body: &str, signature: &str) -> (u16, String) {
    server.post_to("/pagerduty", &[JSON, ("X-PagerDuty-Signature", signature)], body.as_bytes())
}

fn role_paging(ws: &Workspace, id: &str, role: &str) -> serde_json::Value {
    let json = ws.status_json(id);
    json["paging"].as_array().expect("paging").iter().find(|p| p["role"] == role).cloned().expect("role paged")
}

#[test]
fn a_person_acknowledging_a_page_in_pagerduty_answers_it_here_and_nothing_else_does() {
    let receiver = Receiver::start();
    let ws = workspace(&receiver, true);
    let (id, reference) = paged_incident(&ws, &receiver);
    let server = Server::start(&ws, &[]);
    let answers = || {
        let log = std::fs::read_to_string(ws.log(&id)).expect("log");
        log.lines().filter(|l| l.contains(r#""kind":"page_acknowledged""#)).map(str::to_owned).collect::<Vec<_>>()
    };
    let lines = || answers().len();
    let before = lines();

    let ada = webhook("incident.acknowledged", true, "Ada Lovelace", &format!("{reference}/privacy"));
    let (status, body) = post(&server, &ada, &v1("another-secret", &ada));
    assert_eq!((status, lines()), (401, before), "unsigned by the subscription: refused, nothing recorded: {body}");
    let (status, _) = post(&server, &ada.replace("Ada", "Eve"), &v1(SECRET, &ada));
    assert_eq!((status, lines()), (401, before), "a signature over another body");

    let echo = webhook("incident.acknowledged", false, "warroom", &format!("{reference}/commander"));
    let (status, body) = post(&server, &echo, &v1(SECRET, &echo));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("set aside") && body.contains("by no person"), "{body}");
    assert_eq!(role_paging(&ws, &id, "commander")["state"], "waiting", "the integration's own ack answers nobody");

    let (status, body) = post(&server, &ada, &format!("v1=00, {}", v1(SECRET, &ada)));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Ada Lovelace acknowledged the page for privacy in PagerDuty"), "{body}");
    let privacy = role_paging(&ws, &id, "privacy");
    assert_eq!(privacy["state"], "acknowledged", "{privacy}");
    assert!(privacy["acknowledged_by"].as_str().is_some_and(|by| by.contains("Ada Lovelace")), "{privacy}");
    assert!(privacy["escalates_at"].is_null(), "its escalation stops: {privacy}");
    let answer = answers().last().cloned().expect("the answer recorded");
    assert!(answer.contains(r#""answered_by":"Ada Lovelace""#) && answer.contains(r#""via":"pagerduty""#), "{answer}");
    assert!(answer.contains(r#""name":"alertmanager""#) && answer.contains(r#""service":true"#), "{answer}");

    let (status, body) = post(&server, &ada, &v1(SECRET, &ada));
    assert_eq!((status, lines()), (200, before + 1), "a redelivery records nothing more: {body}");
    assert!(body.contains("set aside") && body.contains("answered already"), "{body}");
    let stranger = webhook("incident.acknowledged", true, "Ada Lovelace", "INC-20991231-999/privacy");
    let (status, body) = post(&server, &stranger, &v1(SECRET, &stranger));
    assert!(status == 200 && body.contains("no incident"), "an incident this workspace does not hold: {body}");
    for other in [format!("{id}.0123456789ab/privacy"), format!("{id}/privacy")] {
        let elsewhere = webhook("incident.acknowledged", true, "Ada Lovelace", &other);
        let (status, body) = post(&server, &elsewhere, &v1(SECRET, &elsewhere));
        assert!(status == 200 && body.contains("another workspace's incident"), "{other}: {body}");
    }
    let unpaged = webhook("incident.acknowledged", true, "Ada Lovelace", &format!("{reference}/scribe"));
    let (status, body) = post(&server, &unpaged, &v1(SECRET, &unpaged));
    assert!(status == 200 && body.contains("sent PagerDuty no page for scribe"), "{body}");
    assert_eq!(lines(), before + 1, "only an answer to a page PagerDuty received is taken");
    let shown = ws.ok("alice", &["status", &id]);
    assert!(shown.contains("Ada Lovelace"), "{shown}");
    ws.ok("auditor", &["verify", &id]);
}

#[test]
fn without_a_webhook_secret_in_warroom_yaml_pagerduty_is_not_heard() {
    let receiver = Receiver::start();
    let ws = workspace(&receiver, false);
    let (id, reference) = paged_incident(&ws, &receiver);
    let server = Server::start(&ws, &[]);
    let ada = webhook("incident.acknowledged", true, "Ada Lovelace", &format!("{reference}/privacy"));
    let (status, body) = post(&server, &ada, &v1(SECRET, &ada));
    assert_eq!(status, 404, "{body}");
    assert!(body.contains("webhook_secret_file"), "{body}");
    assert_eq!(role_paging(&ws, &id, "privacy")["state"], "waiting");
}

#[test]
fn a_secret_that_cannot_be_trusted_stops_every_answer_and_pagerduty_is_told_to_retry() {
    let receiver = Receiver::start();
    let ws = workspace(&receiver, true);
    let (id, reference) = paged_incident(&ws, &receiver);
    let server = Server::start(&ws, &[]);
    let ada = webhook("incident.acknowledged", true, "Ada Lovelace", &format!("{reference}/privacy"));
    let secret = ws.path().join("pd-webhook.secret");
    std::fs::write(&secret, "\n").expect("emptied");
    let (status, body) = post(&server, &ada, &v1("", &ada));
    assert_eq!(status, 503, "an empty key would sign for anyone: {body}");
    assert!(!body.contains("pd-webhook.secret"), "the workspace's paths stay in the listener's log: {body}");
    std::fs::write(&secret, SECRET).expect("written");
    std::fs::set_permissions(&secret, std::os::unix::fs::PermissionsExt::from_mode(0o644)).expect("chmod");
    let (status, body) = post(&server, &ada, &v1(SECRET, &ada));
    assert_eq!(status, 503, "a secret others can read signs for them too: {body}");
    assert_eq!(role_paging(&ws, &id, "privacy")["state"], "waiting");
    std::fs::set_permissions(&secret, std::os::unix::fs::PermissionsExt::from_mode(0o600)).expect("chmod");
    let (status, body) = post(&server, &ada, &v1(SECRET, &ada));
    assert_eq!(status, 200, "mended, PagerDuty's retry is taken: {body}");
    assert_eq!(role_paging(&ws, &id, "privacy")["state"], "acknowledged");
}
