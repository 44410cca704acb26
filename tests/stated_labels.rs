//! An incident declared by hand has no alert, so no `{{alert.agent}}`: its commander states the
//! label (`label`, `declare --label`, or the console asking on `r`), an approver sees it in the
//! argv, the action runs with it. An approval spent on a program that could not start stands
//! again.

mod common;

use common::Workspace;
use common::screen::{key, model_with, t0};
use crossterm::event::KeyCode;
use warroom::domain::command::Command;
use warroom::domain::event::{Actor, Envelope, Event};
use warroom::domain::incident::Incident;
use warroom::domain::placeholder::Facts;
use warroom::domain::{Refusal, decide};
use warroom::tui::model::Mode;
use warroom::tui::update::Effect;

const RUNBOOK: &str = r##"
id: switch
title: Switch an agent off
version: 1
owner: sre
summary: A kill-switch under the two-person rule.
last_reviewed: 2026-11-01
review_every: 90d
drill_every: 90d
approval_window: 10m
severity:
  default: SEV2
  guidance: When unsure, pick the higher.
  levels:
    - { id: SEV1, name: Critical, definition: Customers cannot use the product. }
    - { id: SEV2, name: Major, definition: A feature is degraded. }
roles:
  - { id: commander, title: Incident commander, duties: Decides., required: true }
on_call:
  - { role: commander, page: primary, escalate_after: 10m }
triggers:
  - matchers: ['alertname="AgentMisbehaves"']
    severity: SEV1
phases:
  - id: contain
    title: Contain
    steps:
      - id: switch-off
        title: Switch the agent off
        detail: Flips the agent's flag.
        role: commander
        kind: containment
        two_person: true
        action:
          program: bin/switch
          args: [--agent, "{{alert.agent}}", --tool, "{{alert.tool}}"]
          timeout: 10s
          tick_on_success: true
postmortem: "# Post-mortem"
"##;

const SWITCH: &str = "#!/bin/sh\nprintf '%s\\n' \"$@\" > switched\n";

fn stderr_line(out: &std::process::Output) -> String {
    common::stderr(out)
}

#[test]
fn a_hand_declared_incident_runs_its_kill_switch_once_the_commander_states_the_agent() {
    let ws = Workspace::with_runbook("switch", RUNBOOK);
    ws.program("switch", SWITCH);
    let id = ws.declare("alice", "switch");
    let refused = ws.refused("alice", &["run", &id, "switch-off", "--yes"], 1);
    assert!(
        refused.contains("brought the label agent") && refused.contains(&format!("warroom label {id} agent=VALUE")),
        "says what is missing and how to state it: {refused}"
    );
    let usage = ws.refused("alice", &["label", &id, "agent"], 2);
    assert!(usage.contains("NAME=VALUE"), "{usage}");
    let control = ws.refused("alice", &["label", &id, "agent=support\u{7}bot"], 2);
    assert!(control.contains("one line"), "{control}");
    ws.ok("alice", &["label", &id, "agent=support-bot"]);
    ws.ok("alice", &["label", &id, "tool=retrieval"]);
    let again = ws.refused("alice", &["label", &id, "agent=support-bot"], 1);
    assert!(again.contains("already stated"), "{again}");

    let request = ws.run("alice", &["run", &id, "switch-off", "--yes"]);
    assert_eq!(request.status.code(), Some(6), "a request is recorded: {}", stderr_line(&request));
    let approval = ws.ok("bob", &["approve", &id, "switch-off", "--yes"]);
    assert!(approval.contains("support-bot"), "the approver sees which agent: {approval}");
    ws.ok("alice", &["run", &id, "switch-off", "--yes"]);
    let switched = std::fs::read_to_string(ws.path().join("switched")).expect("the program ran");
    assert_eq!(switched, "--agent\nsupport-bot\n--tool\nretrieval\n");
    let log = std::fs::read_to_string(ws.log(&id)).expect("log");
    assert!(log.contains(r#""kind":"label_stated","data":{"label":"agent","value":"support-bot"}"#), "{log}");
    let status = ws.ok("auditor", &["status", &id]);
    assert!(status.contains("Alert labels stated by hand: agent=support-bot, tool=retrieval"), "{status}");
    assert_eq!(ws.status_json(&id)["stated_labels"]["agent"], "support-bot");
}

#[test]
fn labels_stated_with_the_declaration_are_checked_before_anything_is_declared() {
    let ws = Workspace::with_runbook("switch", RUNBOOK);
    ws.program("switch", SWITCH);
    let bad = ws.refused("alice", &["declare", "--runbook", "switch", "--label", "agent=ok", "--label", "9x=1"], 2);
    assert!(bad.contains("not a label name"), "{bad}");
    assert!(ws.ok("auditor", &["status"]).contains("No open incidents") || !ws.path().join("incidents").exists());
    let id = ws
        .ok("alice", &["declare", "--runbook", "switch", "--label", "agent=support-bot", "--label", "tool=all-tools"])
        .trim()
        .to_owned();
    assert_eq!(ws.run("alice", &["run", &id, "switch-off", "--yes"]).status.code(), Some(6), "request recorded");
    ws.ok("bob", &["approve", &id, "switch-off", "--yes"]);
    ws.ok("alice", &["run", &id, "switch-off", "--yes"]);
    let switched = std::fs::read_to_string(ws.path().join("switched")).expect("the program ran");
    assert_eq!(switched, "--agent\nsupport-bot\n--tool\nall-tools\n");
}

#[test]
fn an_approval_spent_on_a_program_that_could_not_start_stands_again() {
    let ws = Workspace::with_runbook("switch", RUNBOOK);
    let id = ws.ok("alice", &["declare", "--runbook", "switch", "--label", "agent=a", "--label", "tool=t"]);
    let id = id.trim();
    assert_eq!(ws.run("alice", &["run", id, "switch-off", "--yes"]).status.code(), Some(6));
    ws.ok("bob", &["approve", id, "switch-off", "--yes"]);
    let missing = ws.run("alice", &["run", id, "switch-off", "--yes"]);
    assert!(!missing.status.success(), "bin/switch is not there");
    let log = std::fs::read_to_string(ws.log(id)).expect("log");
    assert!(log.contains(r#""not_started":true"#), "recorded as never started: {log}");
    ws.program("switch", SWITCH);
    ws.ok("alice", &["run", id, "switch-off", "--yes"]);
    assert!(ws.path().join("switched").exists(), "ran on the same approval, nobody approved twice");
    let again = ws.run("alice", &["run", id, "switch-off", "--yes"]);
    assert_ne!(again.status.code(), Some(0), "a run that started spent it: {}", stderr_line(&again));
}

fn fold(envelopes: &[Envelope]) -> Incident {
    let mut incident = Incident::declared(&envelopes[0]).expect("declared");
    for e in &envelopes[1..] {
        incident.apply(e);
    }
    incident
}

#[test]
fn a_stated_label_is_what_actions_read_and_bad_ones_are_refused() {
    let mut envelopes = common::screen::envelopes("INC-1", "cross-tenant-pii-leak", 1);
    let incident = fold(&envelopes);
    assert_eq!(Facts::new(&incident, t0()).value("alert.agent"), None, "declared by hand: no agent");
    for (label, value, why) in [
        ("agent", "", "empty"),
        ("9agent", "x", "not a label name"),
        ("__name__", "x", "monitoring system's own"),
        ("agent", "two\nlines", "one line"),
        ("agent", &"x".repeat(257), "one line"),
    ] {
        let refused =
            decide(Some(&incident), Command::Label { label: label.into(), value: value.into() }, t0(), "alice");
        let Err(refusal @ Refusal::BadLabel(_)) = refused else { panic!("{label}={value:?}: {refused:?}") };
        assert!(refusal.to_string().contains(why), "{label}: {refusal}");
    }
    let events =
        decide(Some(&incident), Command::Label { label: " agent ".into(), value: "bot-7".into() }, t0(), "alice")
            .expect("stated");
    assert_eq!(events, [Event::LabelStated { label: "agent".into(), value: "bot-7".into() }], "trimmed");
    let seq = envelopes.len() as u64 + 1;
    envelopes.push(Envelope { seq, at: t0(), actor: Actor::named("alice"), event: events[0].clone() });
    let incident = fold(&envelopes);
    assert_eq!(Facts::new(&incident, t0()).value("alert.agent").as_deref(), Some("bot-7"));
    let prepared = warroom::action::prepare(&incident, "kill-switch", false, "alice", t0()).expect("prepares");
    assert!(prepared.argv.windows(2).any(|w| w == ["--agent", "bot-7"]), "{:?}", prepared.argv);
    assert!(prepared.env.contains(&("WARROOM_ALERT_AGENT".into(), "bot-7".into())), "{:?}", prepared.env);
}

#[test]
fn the_console_asks_for_a_label_the_action_needs_before_it_confirms_a_run() {
    let mut model = model_with(&[("INC-20261124-001", "cross-tenant-pii-leak", 1)]);
    for _ in 0..10 {
        if model.cursor_step() == Some("kill-switch") {
            break;
        }
        key(&mut model, KeyCode::Char('j'));
    }
    assert_eq!(model.cursor_step(), Some("kill-switch"));
    key(&mut model, KeyCode::Char('r'));
    let Mode::Form(form) = &model.mode else { panic!("asks first: {:?}", model.mode) };
    assert_eq!(form.title, "State the alert label agent");
    for c in "support-bot".chars() {
        key(&mut model, KeyCode::Char(c));
    }
    let effects = key(&mut model, KeyCode::Enter);
    let [Effect::Execute { incident, command: Command::Label { label, value } }] = effects.as_slice() else {
        panic!("records the label: {effects:?}")
    };
    assert_eq!((incident.as_str(), label.as_str(), value.as_str()), ("INC-20261124-001", "agent", "support-bot"));
}
