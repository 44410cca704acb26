//! Stakeholder updates on a cadence, against a real receiver on loopback: each audience's next
//! update is due at the interval its severity sets, the draft comes from its comms template, a
//! sent update reaches the audience's notifiers through the outbox, resets its cadence and is
//! listed in the post-mortem; a paging service is refused as an audience's notifier.

mod common;

use std::time::Duration;

use common::Workspace;
use common::receiver::{Answer, Receiver};

const T0: &str = "2026-11-24T02:00:00Z";

fn updates_workspace(receiver: &Receiver) -> Workspace {
    let ws = Workspace::new();
    let yaml = format!(
        "notifiers:\n\
         \x20 hook: {{ kind: webhook, url: \"{}\", timeout_seconds: 2 }}\n\
         \x20 chat: {{ kind: slack, url: \"{}\" }}\n\
         \x20 pd: {{ kind: pagerduty, url: \"{}\" }}\n\
         audiences:\n\
         \x20 customers: [{{ notifier: hook, to: status-page }}]\n\
         \x20 internal: [{{ notifier: chat }}]\n",
        receiver.url("/hook"),
        receiver.url("/slack"),
        receiver.url("/pd"),
    );
    std::fs::write(ws.path().join("warroom.yaml"), yaml).expect("warroom.yaml");
    ws
}

fn updates(ws: &Workspace, id: &str, at: &str) -> Vec<serde_json::Value> {
    let text = ws.ok_at("auditor", at, &["status", id, "--json"]);
    let value: serde_json::Value = serde_json::from_str(&text).expect("json");
    value["incidents"][0]["updates"].as_array().expect("updates").clone()
}

fn of<'a>(list: &'a [serde_json::Value], audience: &str) -> &'a serde_json::Value {
    list.iter().find(|u| u["audience"] == audience).expect("audience")
}

#[test]
fn each_audience_is_due_on_its_cadence_and_an_update_sent_reaches_it_and_resets_it() {
    let receiver = Receiver::start();
    let ws = updates_workspace(&receiver);
    let declare =
        ["declare", "--runbook", "cross-tenant-pii-leak", "--severity", "SEV1", "--title", "Acme rows at Globex"];
    let id = ws.ok_at("alice", T0, &declare).trim().to_owned();

    let due = updates(&ws, &id, "2026-11-24T02:20:00Z");
    assert_eq!(of(&due, "internal")["due_at"], "2026-11-24T02:30:00Z", "SEV1: internal every 30m");
    assert_eq!(of(&due, "internal")["state"], "later");
    assert_eq!(of(&due, "customers")["due_at"], "2026-11-24T04:00:00Z", "SEV1: customers every 2h");
    let late = updates(&ws, &id, "2026-11-24T02:35:00Z");
    assert_eq!(of(&late, "internal")["state"], "late");
    let text = ws.ok_at("alice", "2026-11-24T02:35:00Z", &["status", &id]);
    assert!(text.contains("internal     LATE 5m"), "{text}");
    assert!(text.contains("every 2h;") && text.contains("every 30m;"), "intervals as the runbook says them: {text}");

    let draft = ws.ok_at("alice", "2026-11-24T02:36:00Z", &["update", &id, "customers"]);
    assert!(draft.contains("Next update within 2 hours"), "the comms template's text:\n{draft}");
    let text = format!("{}\nterminal title \u{1b}]0;pwned\u{7} end", draft.trim());
    let sent = ws.ok_at("alice", "2026-11-24T02:40:00Z", &["update", &id, "customers", "--text", &text]);
    assert!(sent.contains("alice recorded an update for customers"), "{sent}");
    assert!(sent.contains("queued the update for customers: webhook hook to status-page"), "{sent}");

    ws.ok("ops", &["outbox", "run", "--once"]);
    let got = receiver.wait_for(1, Duration::from_secs(15));
    let hook = got.iter().find(|r| r.path == "/hook").expect("the update by webhook").json();
    assert_eq!(hook["purpose"]["type"], "update");
    assert_eq!(hook["purpose"]["audience"], "customers");
    assert_eq!(hook["to"], "status-page");
    let subject = hook["subject"].as_str().expect("subject");
    assert_eq!(subject, format!("{id}: update for customers"), "no internal title or severity to the audience");
    assert!(!hook["body"].as_str().expect("body").contains("Acme rows"), "{hook}");
    let body = hook["body"].as_str().expect("body");
    assert!(body.contains("terminal title ␛]0;pwned") && !body.contains('\u{1b}'), "control characters shown: {body}");
    assert!(hook["body"].as_str().expect("body").contains("Next update within 2 hours"), "{hook}");

    let after = updates(&ws, &id, "2026-11-24T02:41:00Z");
    assert_eq!(of(&after, "customers")["last_at"], "2026-11-24T02:40:00Z");
    assert_eq!(of(&after, "customers")["due_at"], "2026-11-24T04:40:00Z", "two hours after the last one");

    let bundle = ws.path().join("bundle");
    ws.ok("alice", &["export", &id, "--out", bundle.to_str().expect("path")]);
    let postmortem = std::fs::read_to_string(bundle.join("postmortem.md")).expect("post-mortem");
    let section = postmortem.split("## Stakeholder updates").nth(1).expect("a section of updates");
    assert!(section.contains("| customers | alice | webhook hook to status-page: delivered |"), "{section}");

    assert_eq!(of(&after, "customers")["last_delivery"], "delivered");

    // A receiver that refuses the next one: the cadence says the audience did not hear it.
    receiver.answer(Answer::Status(410));
    ws.ok_at("alice", "2026-11-24T02:50:00Z", &["update", &id, "customers", "--text", "second"]);
    ws.ok("ops", &["outbox", "run", "--once"]);
    let refused = updates(&ws, &id, "2026-11-24T02:51:00Z");
    assert_eq!(of(&refused, "customers")["last_delivery"], "given_up");
    let text = ws.ok_at("alice", "2026-11-24T02:51:00Z", &["status", &id]);
    assert!(text.contains("last 1m ago — NOT DELIVERED: a receiver refused it"), "{text}");

    ws.ok("alice", &["resolve", &id]);
    assert!(updates(&ws, &id, "2026-11-24T09:00:00Z").is_empty(), "no cadence once resolved");
}

#[test]
fn a_responder_name_cannot_record_the_outbox_s_deliveries_nor_a_service_name_a_responder_s_work() {
    let receiver = Receiver::start();
    let ws = updates_workspace(&receiver);
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    ws.ok("alice", &["update", &id, "internal", "--text", "hello"]);
    let out = ws.run("alice", &["outbox", "run", "--once"]);
    let err = common::stderr(&out);
    assert!(
        err.contains("alice has recorded on") && err.contains("as a responder, so it cannot also record as a service"),
        "{err}"
    );
    ws.ok("ops", &["outbox", "run", "--once"]);
    let err = ws.refused("ops", &["note", &id, "ops writes by hand"], 1);
    assert!(
        err.contains("ops records on") && err.contains("as a service, so a responder cannot record note_added"),
        "{err}"
    );
    let verified = ws.run("auditor", &["verify", &id]);
    assert!(verified.status.success(), "{}", String::from_utf8_lossy(&verified.stdout));
}

#[test]
fn an_unknown_audience_is_refused_and_a_paging_service_as_its_notifier_is_passed_by() {
    let receiver = Receiver::start();
    let ws = updates_workspace(&receiver);
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    let lines = || std::fs::read_to_string(ws.log(&id)).expect("log").lines().count();
    let before = lines();
    let err = ws.refused("alice", &["update", &id, "press", "--text", "hello"], 1);
    assert!(err.contains("no update audience press: the runbook's are internal, customers"), "{err}");
    assert_eq!(lines(), before, "nothing appended");

    let yaml = std::fs::read_to_string(ws.path().join("warroom.yaml")).expect("yaml");
    std::fs::write(ws.path().join("warroom.yaml"), yaml.replace("[{ notifier: chat }]", "[{ notifier: pd, to: K }]"))
        .expect("yaml");
    let out = ws.ok("alice", &["update", &id, "internal", "--text", "hello"]);
    assert!(
        out.contains("not sent to pd: a pagerduty notifier pages, it does not inform")
            && out.contains("has no notifier in warroom.yaml"),
        "recorded, to be sent by hand, the pager named: {out}"
    );
    let status = ws.status_json(&id);
    let messages = status["messages"].as_array().expect("messages");
    let queued = messages.iter().filter(|m| m["purpose"] == "update").count();
    assert_eq!(queued, 0, "nothing queued to the pager: {status}");
    assert!(lines() > before, "the update is recorded");
    let lint = ws.run("alice", &["lint"]);
    let out = String::from_utf8_lossy(&lint.stdout).into_owned() + &common::stderr(&lint);
    assert!(out.contains("audience internal: pd is a pagerduty notifier, which pages rather than informs"), "{out}");
}
