//! The outbox against a real receiver on loopback: declaring pages each role's first rung
//! through a signed webhook, PagerDuty and Slack payloads arrive in their schemas, a receiver
//! that is down gets each message once it is back, a refusal is given up and shown, an
//! unanswered page escalates, an acknowledgement stops it, a killed deliverer is taken over.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::process::{Child, Stdio};
use std::time::Duration;

use common::Workspace;
use common::receiver::{Answer, Receiver};
use hmac::{Hmac, Mac};
use sha2::Sha256;

const SOON: Duration = Duration::from_secs(15);
const KEY: &str = "k3y-for-the-hook";

/// A workspace whose rotations page the receiver: commanders and privacy through a signed
/// webhook (drill-safe) and PagerDuty, head-of-engineering through both, privacy through the
/// webhook and Slack.
fn paging_workspace(receiver: &Receiver) -> Workspace {
    let ws = Workspace::new();
    std::fs::create_dir_all(ws.path().join("secrets")).expect("secrets");
    let secret = ws.path().join("secrets/hook.key");
    std::fs::write(&secret, format!("{KEY}\n")).expect("key");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let yaml = format!(
        "notifiers:\n\
         \x20 hook: {{ kind: webhook, url: \"{}\", secret_file: secrets/hook.key, drill_safe: true, timeout_seconds: 2 }}\n\
         \x20 pd: {{ kind: pagerduty, url: \"{}\" }}\n\
         \x20 chat: {{ kind: slack, url: \"{}\" }}\n\
         rotations:\n\
         \x20 ai-platform-incident-commanders: [{{ notifier: hook, to: ic-primary }}, {{ notifier: pd, to: R0UTING0KEY }}]\n\
         \x20 head-of-engineering: [{{ notifier: pd, to: R0UTING0KEY }}, {{ notifier: hook, to: head }}]\n\
         \x20 privacy-oncall: [{{ notifier: hook, to: dpo }}, {{ notifier: chat }}]\n",
        receiver.url("/hook"),
        receiver.url("/pd"),
        receiver.url("/slack"),
    );
    std::fs::write(ws.path().join("warroom.yaml"), yaml).expect("warroom.yaml");
    ws
}

fn outbox_run(ws: &Workspace) -> Child {
    ws.command("ops").args(["outbox", "run"]).stderr(Stdio::null()).spawn().expect("outbox run")
}

fn signed(body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(KEY.as_bytes()).expect("key");
    mac.update(body);
    format!("sha256={}", mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect::<String>())
}

fn log_kinds(ws: &Workspace, id: &str) -> Vec<String> {
    std::fs::read_to_string(ws.log(id))
        .expect("log")
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("line")["event"]["kind"]
                .as_str()
                .expect("kind")
                .to_owned()
        })
        .collect()
}

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + SOON;
    while !done() {
        assert!(std::time::Instant::now() < deadline, "waited {SOON:?} for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn count(kinds: &[String], kind: &str) -> usize {
    kinds.iter().filter(|k| *k == kind).count()
}

#[test]
fn declaring_pages_each_unheld_role_through_a_signed_webhook_and_slack_once_each() {
    let receiver = Receiver::start();
    let ws = paging_workspace(&receiver);
    let _runner = Running(outbox_run(&ws));
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    let got = receiver.wait_for(2, SOON);
    let hook = got.iter().find(|r| r.path == "/hook").expect("privacy by webhook");
    assert_eq!(hook.header("X-Warroom-Signature"), Some(signed(&hook.body).as_str()), "signed with the key");
    let json = hook.json();
    assert_eq!(hook.header("Idempotency-Key"), json["key"].as_str(), "the key is the message's");
    assert_eq!((json["incident"].as_str(), json["to"].as_str()), (Some(id.as_str()), Some("dpo")));
    assert_eq!((json["purpose"]["role"].as_str(), json["purpose"]["rung"].as_u64()), (Some("privacy"), Some(0)));
    assert_eq!(json["drill"], false);
    let slack = got.iter().find(|r| r.path == "/slack").expect("privacy by slack");
    let text = slack.json()["text"].as_str().expect("text").to_owned();
    assert!(text.starts_with("*[SEV1] ") && text.contains(&id) && text.contains("Privacy"), "{text}");
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        receiver.received().len(),
        2,
        "each message exactly once; alice declared, so she commands and is not paged"
    );
    let kinds = log_kinds(&ws, &id);
    assert_eq!((count(&kinds, "message_queued"), count(&kinds, "message_delivered")), (2, 2), "{kinds:?}");
    let status = ws.ok("alice", &["outbox", "status", &id]);
    assert!(status.contains("delivering: ops pid"), "the runner holds the lease:\n{status}");
    assert!(
        status.contains("role privacy: paged privacy-oncall (level 1) 0m ago, unanswered; last on the path"),
        "{status}"
    );
    assert_eq!(status.matches("delivered 20").count(), 2, "{status}");
    let json = ws.status_json(&id);
    let paging = json["paging"].as_array().expect("paging");
    assert_eq!(paging.len(), 1, "only privacy was paged: {paging:?}");
    assert_eq!((paging[0]["role"].as_str(), paging[0]["state"].as_str()), (Some("privacy"), Some("waiting")));
    assert_eq!((paging[0]["rung"].as_u64(), paging[0]["urgent"].as_bool()), (Some(0), Some(false)));
    let messages = json["messages"].as_array().expect("messages");
    assert!(messages.iter().all(|m| m["delivery"] == "delivered" && m["attempts"] == 1), "{messages:?}");
    let text = ws.ok("alice", &["status", &id]);
    assert!(text.contains("paged privacy-oncall (level 1)"), "status names the page under the role:\n{text}");
    ws.ok("auditor", &["verify", &id]);
}

#[test]
fn a_page_answered_while_its_receiver_was_down_is_withdrawn_not_sent() {
    let receiver = Receiver::start();
    let ws = paging_workspace(&receiver);
    receiver.answer(Answer::Status(503));
    let _runner = Running(outbox_run(&ws));
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    wait_until("the failures recorded", || count(&log_kinds(&ws, &id), "delivery_failed") >= 2);
    ws.ok("priya", &["ack", &id, "privacy"]);
    let tried = receiver.received().len();
    receiver.answer(Answer::Status(202));
    wait_until("the withdrawal", || count(&log_kinds(&ws, &id), "message_withdrawn") == 2);
    assert_eq!(receiver.received().len(), tried, "nothing sent once answered");
    let status = ws.ok("alice", &["outbox", "status", &id]);
    assert_eq!(status.matches("not sent: the page for privacy was answered by priya").count(), 2, "{status}");
    ws.ok("auditor", &["verify", &id]);
}

#[test]
fn a_receiver_down_gets_every_message_once_it_is_back_and_a_refusal_is_given_up() {
    let receiver = Receiver::start();
    let ws = paging_workspace(&receiver);
    receiver.answer(Answer::Status(503));
    let _runner = Running(outbox_run(&ws));
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    receiver.wait_for(2, SOON);
    wait_until("the failures recorded", || count(&log_kinds(&ws, &id), "delivery_failed") >= 2);
    let status = ws.ok("alice", &["outbox", "status", &id]);
    assert!(status.contains("retrying after 1 attempt(s)") && status.contains("HTTP 503"), "{status}");
    receiver.answer(Answer::Status(202));
    wait_until("delivery once back", || count(&log_kinds(&ws, &id), "message_delivered") == 2);
    std::thread::sleep(Duration::from_millis(500));
    let mut keys: Vec<String> =
        receiver.received().iter().filter_map(|r| r.header("Idempotency-Key").map(str::to_owned)).collect();
    let tries = keys.len();
    keys.sort();
    keys.dedup();
    assert!(tries > 2 && keys.len() == 2, "retries keep each message's key: {:?}", receiver.received());
    assert_eq!(count(&log_kinds(&ws, &id), "message_delivered"), 2, "recorded delivered once each");

    let ws = paging_workspace(&receiver);
    receiver.answer(Answer::Status(400));
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    ws.ok("ops", &["outbox", "run", "--once"]);
    let status = ws.ok("alice", &["outbox", "status", &id]);
    assert_eq!(status.matches("GIVEN UP").count(), 2, "a 400 is not retried:\n{status}");
    assert!(status.contains("HTTP 400") && status.contains("check the notifier in warroom.yaml"), "{status}");

    // A signing key anyone on the host can read signs for nobody: given up, as lint says.
    let ws = paging_workspace(&receiver);
    receiver.answer(Answer::Status(202));
    let secret = ws.path().join("secrets/hook.key");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let before = receiver.received().len();
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    ws.ok("ops", &["outbox", "run", "--once"]);
    let status = ws.ok("alice", &["outbox", "status", &id]);
    assert!(status.contains("can be read by others: chmod 600 it"), "{status}");
    let signed = receiver.received()[before..].iter().filter(|r| r.path == "/hook").count();
    assert_eq!(signed, 0, "nothing signed with it");
}

#[test]
fn an_unanswered_drill_page_escalates_to_drill_safe_notifiers_only_and_an_ack_stops_it() {
    let receiver = Receiver::start();
    let ws = paging_workspace(&receiver);
    let _runner = Running(outbox_run(&ws));
    // 10 minutes at 600× faster: the commander's page escalates after a second.
    let drill = ws.ok("alice", &["drill", "cross-tenant-pii-leak", "--speed", "600"]);
    let id = drill.lines().next().expect("id").trim().to_owned();
    wait_until("the escalation", || receiver.received().iter().any(|r| r.json()["purpose"]["rung"] == 1));
    let got = receiver.received();
    let first = got.iter().find(|r| r.json()["purpose"]["role"] == "commander").expect("commander paged");
    let second = got.iter().find(|r| r.json()["purpose"]["rung"] == 1).expect("escalated");
    assert!(second.at.duration_since(first.at) >= Duration::from_millis(900), "not before 10m / 600");
    assert_eq!(second.json()["to"], "head", "level 2 is head-of-engineering: {got:?}");
    assert!(got.iter().all(|r| r.path == "/hook"), "nothing reaches a notifier that is not drill-safe: {got:?}");
    assert!(
        got.iter()
            .all(|r| r.json()["drill"] == true && r.json()["body"].as_str().is_some_and(|b| b.starts_with("DRILL")))
    );
    let log = std::fs::read_to_string(ws.log(&id)).expect("log");
    assert!(log.contains(r#""simulated":true"#), "the pd page is recorded as simulated");

    let ws = paging_workspace(&receiver);
    let _runner = Running(outbox_run(&ws));
    let before = receiver.received().len();
    // 10 minutes at 150× faster: four seconds to answer.
    let drill = ws.ok("alice", &["drill", "cross-tenant-pii-leak", "--speed", "150"]);
    let id = drill.lines().next().expect("id").trim().to_owned();
    wait_until("the first page", || receiver.received().len() > before);
    let acked = ws.ok("bob", &["ack", &id, "commander"]);
    assert!(acked.contains("bob acknowledged the page for commander"), "{acked}");
    std::thread::sleep(Duration::from_secs(5));
    let escalations = receiver.received()[before..].iter().filter(|r| r.json()["purpose"]["rung"] == 1).count();
    assert_eq!(escalations, 0, "an acknowledged page does not escalate");
    let status = ws.ok("alice", &["outbox", "status", &id]);
    assert!(status.contains("role commander: acknowledged by bob"), "{status}");
    let again = ws.refused("bob", &["ack", &id, "commander"], 1);
    assert!(again.contains("already acknowledged by bob"), "{again}");
}

#[test]
fn a_deliverer_killed_mid_delivery_is_taken_over_and_the_message_delivered_under_the_same_key() {
    let receiver = Receiver::start();
    let ws = paging_workspace(&receiver);
    receiver.answer(Answer::Hang);
    let mut first = outbox_run(&ws);
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    receiver.wait_for(1, SOON);
    let second = Running(outbox_run(&ws));
    std::thread::sleep(Duration::from_millis(300));
    first.kill().expect("kill -9");
    first.wait().expect("reaped");
    receiver.answer(Answer::Status(202));
    wait_until("the second deliverer", || count(&log_kinds(&ws, &id), "message_delivered") == 2);
    let hung = receiver.received()[0].clone();
    let again: Vec<_> = receiver
        .received()
        .into_iter()
        .filter(|r| r.header("Idempotency-Key") == hung.header("Idempotency-Key"))
        .collect();
    assert!(again.len() >= 2, "sent again under the same key, so the receiver can tell: {again:?}");
    let status = ws.ok("alice", &["outbox", "status", &id]);
    assert!(status.contains(&format!("pid {}", second.0.id())), "the second process took the lease:\n{status}");
}

#[test]
fn an_alert_opens_an_incident_that_pages_pagerduty_in_its_schema_with_hostile_text_escaped() {
    let receiver = Receiver::start();
    let ws = paging_workspace(&receiver);
    let _runner = Running(outbox_run(&ws));
    let alert = ws.path().join("alert.json");
    let body =
        r#"{"name":"CrossTenantDataAccess","annotations":{"summary":"tenant <@here> \u001b]0;owned\u0007 leak"}}"#;
    std::fs::write(&alert, body).expect("alert");
    let landed = ws.ok("alertmanager", &["alert", "ingest", alert.to_str().expect("path")]);
    let id = landed.split("opened ").nth(1).expect("opened").trim().to_owned();
    wait_until("the PagerDuty trigger", || receiver.received().iter().any(|r| r.path == "/pd"));
    let pd_request = receiver.received().into_iter().find(|r| r.path == "/pd").expect("pd");
    let key = pd_request.header("Idempotency-Key").expect("key").to_owned();
    let pd = pd_request.json();
    assert_eq!((pd["routing_key"].as_str(), pd["event_action"].as_str()), (Some("R0UTING0KEY"), Some("trigger")));
    let reference = key.rsplit_once('/').expect("INC.TAG/mN").0;
    assert!(reference.starts_with(&format!("{id}.")), "named beyond this workspace: {reference}");
    assert_eq!(pd["dedup_key"], format!("{reference}/commander"), "one PagerDuty alert per incident and role");
    assert_eq!(
        (pd["payload"]["source"].as_str(), pd["payload"]["severity"].as_str()),
        (Some("warroom"), Some("critical"))
    );
    let summary = pd["payload"]["summary"].as_str().expect("summary");
    assert!(summary.contains(&id) && summary.contains("Incident commander"), "{summary}");
    assert!(
        !summary.contains(['\u{1b}', '\n', '\u{7}']) && summary.contains("␛"),
        "one line, controls shown: {summary}"
    );
    assert!(
        pd["payload"]["custom_details"]["text"]
            .as_str()
            .is_some_and(|t| t.contains(&format!("warroom ack {id} commander")))
    );
    wait_until("slack", || receiver.received().iter().any(|r| r.path == "/slack"));
    let slack = receiver.received().into_iter().find(|r| r.path == "/slack").expect("slack");
    let text = slack.json()["text"].as_str().expect("text").to_owned();
    eprintln!("{text}");
    assert!(text.contains("&lt;@here&gt;") && !text.contains("<@here>"), "no mention forged into Slack: {text}");
}

#[test]
fn a_listener_and_a_console_deliver_by_themselves_recording_as_the_outbox_service() {
    let receiver = Receiver::start();
    let ws = paging_workspace(&receiver);
    let server = common::listen::Server::start(&ws, &[]);
    let (status, _) = server.post(&[("Content-Type", "application/json")], br#"{"name":"CrossTenantDataAccess"}"#);
    assert_eq!(status, 200);
    wait_until("the listener's pages", || receiver.received().iter().any(|r| r.path == "/pd"));
    let id = ws.status_json("001")["id"].as_str().expect("id").to_owned();
    wait_until("recorded", || count(&log_kinds(&ws, &id), "message_delivered") >= 4);
    let log = std::fs::read_to_string(ws.log(&id)).expect("log");
    let delivered = log.lines().find(|l| l.contains("message_delivered")).expect("delivered");
    assert!(delivered.contains(r#""name":"outbox""#) && delivered.contains(r#""service":true"#), "{delivered}");
    ws.ok("auditor", &["verify", &id]);
    drop(server);

    let ws = paging_workspace(&receiver);
    let before = receiver.received().len();
    let tmux = common::tmux::Tmux::new("outbox-console");
    tmux.start_in("a", ws.path(), "alice", (100, 30), "");
    tmux.wait_for("a", "Incidents", SOON);
    let id = ws.declare("bob", "cross-tenant-pii-leak");
    wait_until("the console's delivery", || receiver.received().len() >= before + 2);
    assert!(receiver.received()[before..].iter().all(|r| r.json().get("incident").is_none_or(|i| i == id.as_str())));
    let status = ws.ok("bob", &["outbox", "status", &id]);
    assert!(status.contains("delivering: outbox pid") && status.contains("(warroom console)"), "{status}");
}

#[test]
fn whoever_a_page_reached_by_webhook_or_slack_hears_when_it_is_answered_and_when_the_incident_ends() {
    let receiver = Receiver::start();
    let ws = paging_workspace(&receiver);
    let _runner = Running(outbox_run(&ws));
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    receiver.wait_for(2, SOON);
    ws.ok("bob", &["ack", &id, "privacy"]);
    let got = receiver.wait_for(4, SOON);
    let hook = got[2..].iter().find(|r| r.path == "/hook").expect("the webhook told").json();
    assert_eq!(
        (hook["purpose"]["type"].as_str(), hook["purpose"]["action"].as_str()),
        (Some("settle"), Some("acknowledge"))
    );
    assert_eq!(hook["to"], "dpo", "the one it paged: {hook}");
    let subject = hook["subject"].as_str().unwrap_or_default();
    assert!(subject.contains("the page for privacy is answered"), "{subject}");
    assert!(hook["body"].as_str().is_some_and(|b| b.starts_with("bob answered it at")), "{hook}");
    let slack = got[2..].iter().find(|r| r.path == "/slack").expect("slack told").json();
    assert!(slack["text"].as_str().is_some_and(|t| t.contains("is answered")), "{slack}");

    ws.ok("alice", &["resolve", &id]);
    let got = receiver.wait_for(6, SOON);
    let ended: Vec<&str> = got[4..].iter().map(|r| r.path.as_str()).collect();
    assert!(ended.contains(&"/hook") && ended.contains(&"/slack"), "{ended:?}");
    assert!(got[4..].iter().all(|r| String::from_utf8_lossy(&r.body).contains("resolved")), "the incident's end");
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(receiver.received().len(), 6, "each told once");
    ws.ok("auditor", &["verify", &id]);
}
