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

    ws.ok("bob", &["close", &id, "--force", "--reason", "contained"]);
    let postmortem = std::fs::read_to_string(ws.path().join("exports").join(&id).join("postmortem.md")).expect("pm");
    let paging = postmortem.split("\n## Paging\n").nth(1).and_then(|s| s.split("\n## ").next()).expect("paging");
    assert!(paging.contains("| commander | paged level 1 (ai-platform-incident-commanders) through pagerduty pd to R0UTING0KEY: delivered"), "{paging}");
    assert!(paging.contains("Paged and never acknowledged: commander (the role went to bob), privacy."), "{paging}");
}

/// The declarer takes command in the same write as the declaration: an outbox running beside
/// it never sees the incident without its commander, so the commanders' rotation is not paged.
#[test]
fn declaring_from_an_unrouted_alert_pages_no_commander_while_an_outbox_runs_beside_it() {
    let receiver = Receiver::start();
    let ws = pagerduty_workspace(&receiver);
    let mut command = ws.command("ops");
    command.args(["outbox", "run"]).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
    let runner = Stopped(command.spawn().expect("outbox run"));
    for n in 0..5 {
        let alert = ws.path().join(format!("alert-{n}.json"));
        std::fs::write(&alert, format!(r#"{{"name":"UnmatchedSignal{n}"}}"#)).expect("alert");
        ws.ok("alertmanager", &["alert", "ingest", alert.to_str().expect("path")]);
        let inbox: serde_json::Value =
            serde_json::from_str(&ws.ok("alice", &["alert", "inbox", "--json"])).expect("inbox json");
        let key = inbox["unrouted"][0]["key"].as_str().expect("waiting").to_owned();
        ws.ok("alice", &["alert", "declare", &key, "--runbook", "cross-tenant-pii-leak"]);
    }
    receiver.wait_for(5, std::time::Duration::from_secs(20));
    let recorded = |id: &str| std::fs::read_to_string(ws.log(id)).is_ok_and(|log| log.contains("message_delivered"));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !events(&receiver).iter().all(|(_, key, _)| recorded(key.split('.').next().expect("id"))) {
        assert!(std::time::Instant::now() < deadline, "the runner records what it delivered");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    drop(runner);
    ws.ok("ops", &["outbox", "run", "--once"]);
    let paged: Vec<String> = events(&receiver).into_iter().map(|(_, key, _)| key).collect();
    assert!(paged.len() == 5 && paged.iter().all(|key| key.ends_with("/privacy")), "only privacy is paged: {paged:?}");
    let json = receiver.received()[0].json();
    assert_eq!(json["payload"]["severity"], "critical", "SEV1, the top of the runbook's scale");
    ws.ok("alice", &["declare", "--runbook", "cross-tenant-pii-leak", "--severity", "SEV3"]);
    ws.ok("ops", &["outbox", "run", "--once"]);
    let received = receiver.received();
    assert_eq!(received.len(), 6, "the privacy page of the SEV3");
    assert_eq!(received[5].json()["payload"]["severity"], "warning", "SEV3, third on the scale");
}

/// A process stopped when the test ends, however it ends.
struct Stopped(std::process::Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A receiver that hangs until the timeout holds up only its own messages: the commander's page
/// through PagerDuty goes out while the webhook's first message still waits for an answer.
#[test]
fn a_hanging_receiver_does_not_hold_up_a_page_through_another_notifier() {
    use common::receiver::Answer;
    let (slow, pager) = (Receiver::start(), Receiver::start());
    slow.answer(Answer::Hang);
    let ws = Workspace::new();
    let yaml = format!(
        "notifiers:\n  hook: {{ kind: webhook, url: \"{}\" }}\n  pd: {{ kind: pagerduty, url: \"{}\" }}\n\
         rotations:\n  ai-platform-incident-commanders: [{{ notifier: hook }}, {{ notifier: pd, to: R0UTING0KEY }}]\n",
        slow.url("/hook"),
        pager.url("/pd")
    );
    std::fs::write(ws.path().join("warroom.yaml"), yaml).expect("warroom.yaml");
    let alert = ws.path().join("alert.json");
    std::fs::write(&alert, r#"{"name":"CrossTenantDataAccess"}"#).expect("alert");
    ws.ok("alertmanager", &["alert", "ingest", alert.to_str().expect("path")]);
    let mut command = ws.command("ops");
    command.args(["outbox", "run", "--once"]).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
    let _pass = Stopped(command.spawn().expect("outbox run"));
    slow.wait_for(1, std::time::Duration::from_secs(5));
    let started = std::time::Instant::now();
    let paged = pager.wait_for(1, std::time::Duration::from_secs(5));
    println!("the page reached PagerDuty {} ms after the webhook began to hang", started.elapsed().as_millis());
    assert_eq!(paged[0].json()["event_action"], "trigger");
}
