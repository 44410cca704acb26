//! Containment that acts safely, through the real binary and the shipped kill-switch: drills
//! run actions only in their drill form, `run` obeys the rules `tick` does, approvals name the
//! argv they allow, undo is linked and reverses, and alert text cannot add a line to a flag.

mod common;

use common::Workspace;

const RUNBOOK: &str = r##"
id: safe
title: Containment under test
version: 1
owner: sre
summary: Steps whose actions must obey the rules.
last_reviewed: 2026-11-01
review_every: 90d
drill_every: 90d
clocks: [ai-act-73-general]
severity:
  default: SEV1
  guidance: When unsure, pick the higher.
  levels:
    - { id: SEV1, name: Critical, definition: Customers cannot use the product. }
roles:
  - { id: commander, title: Incident commander, duties: Decides., required: true }
on_call:
  - { role: commander, page: primary, escalate_after: 10m }
triggers:
  - matchers: ['alertname="AgentLeaks"']
    severity: SEV1
phases:
  - id: contain
    title: Contain
    steps:
      - id: gather
        title: Confirm the signal
        detail: Look at the traces.
        role: commander
        kind: triage
      - id: switch
        title: Switch the agent's retrieval off
        detail: The shipped kill-switch.
        role: commander
        kind: containment
        depends_on: [gather]
        action:
          program: bin/kill-switch
          args: [--incident, "{{incident.id}}", --tool, retrieval, --reason, "{{incident.title}}"]
          timeout: 10s
          tick_on_success: true
          undo:
            program: bin/kill-switch
            args: [--incident, "{{incident.id}}", --tool, retrieval, --restore]
      - id: probe
        title: A probe that is safe in drills
        detail: Records its environment.
        role: commander
        kind: containment
        action:
          program: bin/record-env
          timeout: 10s
          drill: run
      - id: staged
        title: Production in real incidents, staging in drills
        detail: Writes which one ran.
        role: commander
        kind: containment
        action:
          program: bin/target
          args: [production]
          timeout: 10s
          drill: { program: bin/target, args: [staging] }
      - id: guarded
        title: A two-person switch
        detail: Needs a second responder.
        role: commander
        kind: containment
        two_person: true
        action:
          program: bin/target
          args: [guarded, "{{alert.agent}}"]
          timeout: 10s
          undo:
            program: bin/target
            args: [unguarded, "{{alert.agent}}"]
      - id: route
        title: Send the agent's traffic elsewhere
        detail: Reversible, with no recovery step of its own.
        role: commander
        kind: containment
        action:
          program: bin/target
          args: [route]
          timeout: 10s
          undo:
            program: bin/target
            args: [unroute]
  - id: recover
    title: Recover
    steps:
      - id: retrain
        title: Change the agent
        detail: Alters the AI system.
        role: commander
        kind: recovery
        alters_ai_system: true
        action:
          program: bin/target
          args: [retrained]
          timeout: 10s
      - id: re-enable
        title: Re-enable retrieval
        detail: The kill-switch's undo.
        role: commander
        kind: recovery
        action:
          undoes: switch
          tick_on_success: true
      - id: lift
        title: Lift the two-person switch
        detail: Takes as many people as engaging it.
        role: commander
        kind: recovery
        action:
          undoes: guarded
postmortem: "# Post-mortem"
"##;

fn workspace() -> Workspace {
    let ws = Workspace::with_runbook("safe", RUNBOOK);
    let script = |name: &str, text: &str| ws.program(name, text);
    script("record-env", "#!/bin/sh\nenv | grep ^WARROOM_ | sort > probe-env\necho probed\n");
    script("target", "#!/bin/sh\necho \"$@\" >> targets\necho \"target $*\"\n");
    ws
}

/// Opens an incident on `safe` from an alert naming the agent, with `summary` as its title.
fn incident(ws: &Workspace, summary: &str) -> String {
    let body = serde_json::json!({
        "name": "AgentLeaks",
        "labels": {"agent": "support-bot"},
        "annotations": {"summary": summary},
    });
    let path = ws.path().join("alert.json");
    std::fs::write(&path, body.to_string()).expect("alert");
    let printed = ws.ok("alertmanager", &["alert", "ingest", path.to_str().expect("path")]);
    let opened = printed.split("opened ").nth(1).expect("opened an incident");
    opened.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).next().expect("id").to_owned()
}

fn log(ws: &Workspace, id: &str) -> String {
    std::fs::read_to_string(ws.log(id)).expect("log")
}

fn flags(ws: &Workspace) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(ws.path().join("flags")) else { return Vec::new() };
    entries.filter_map(Result::ok).map(|e| e.file_name().to_string_lossy().into_owned()).collect()
}

#[test]
fn a_drill_runs_actions_only_in_their_drill_form() {
    let ws = workspace();
    let out = ws.ok("carol", &["drill", "safe"]);
    let id = out.split_whitespace().find(|w| w.starts_with("INC-")).expect("drill id").to_owned();
    let shown = ws.ok("carol", &["run", &id, "switch", "--yes", "--force"]);
    assert!(shown.contains("DRILL: dry run, nothing runs") && shown.contains("simulated (dry run)"), "{shown}");
    assert!(flags(&ws).is_empty(), "the dry run wrote no flag: {:?}", flags(&ws));
    let shown = ws.ok("carol", &["run", &id, "probe", "--yes"]);
    assert!(shown.contains("DRILL: the REAL action runs"), "{shown}");
    let env = std::fs::read_to_string(ws.path().join("probe-env")).expect("the probe ran");
    assert!(env.lines().any(|l| l == "WARROOM_DRILL=1"), "{env}");
    ws.ok("carol", &["run", &id, "staged", "--yes"]);
    assert_eq!(std::fs::read_to_string(ws.path().join("targets")).expect("targets"), "staging\n");
    let status = ws.status_json(&id);
    let actions = status["actions"].as_array().expect("actions");
    let how: Vec<(&str, &str, bool)> = actions
        .iter()
        .map(|a| (a["step"].as_str().unwrap_or(""), a["drill"].as_str().unwrap_or(""), a["simulated"] == true))
        .collect();
    assert_eq!(how, [("switch", "dry_run", true), ("probe", "run", false), ("staged", "instead", false)]);
    assert_eq!(status["steps"][1]["state"], "done", "a simulated success ticks a tick_on_success step");
    assert!(log(&ws, &id).contains(r#""simulated":true"#), "the record says simulated");
    let out = ws.path().join("bundle");
    ws.ok("auditor", &["export", &id, "--out", out.to_str().expect("path")]);
    let pm = std::fs::read_to_string(out.join("postmortem.md")).expect("post-mortem");
    assert!(pm.contains("DRILL: simulated (dry run), nothing ran") && pm.contains("in a DRILL"), "{pm}");
    let lint = ws.run("carol", &["lint", ws.path().join("runbooks").to_str().expect("path")]);
    let said = String::from_utf8_lossy(&lint.stdout).into_owned() + &common::stderr(&lint);
    assert!(said.contains("safe.yaml:") && said.contains("step probe runs its REAL action in drills"), "{said}");
}

#[test]
fn run_obeys_the_rules_tick_obeys_and_a_refused_run_executes_nothing() {
    let ws = workspace();
    let id = incident(&ws, "support bot leaked");
    let before = log(&ws, &id);
    let err = ws.refused("alice", &["run", &id, "switch", "--yes"], 1);
    assert!(err.contains("depends on gather"), "{err}");
    assert_eq!(log(&ws, &id), before, "nothing recorded");
    assert!(flags(&ws).is_empty(), "nothing ran");
    ws.ok("alice", &["run", &id, "switch", "--yes", "--force"]);
    let status = ws.status_json(&id);
    assert_eq!(status["actions"][0]["forced"], true);
    assert_eq!(status["steps"][1]["forced"], true, "its tick is forced too");
    let flag = std::fs::read_to_string(ws.path().join("flags/kill-switch.support-bot-retrieval")).expect("flag");
    assert!(flag.starts_with("enabled=false\nagent=support-bot\n"), "{flag}");

    let err = ws.refused("alice", &["run", &id, "retrain", "--yes"], 1);
    assert!(err.contains("Art. 73(6)"), "{err}");
    ws.ok("alice", &["assign", &id, "commander", "alice"]);
    let err = ws.refused("bob", &["run", &id, "retrain", "--yes", "--override-hold", "stop harm"], 1);
    assert!(err.contains("only the incident commander (alice)"), "{err}");
    assert!(!ws.path().join("targets").exists(), "a refused run executes nothing");
    ws.ok("alice", &["run", &id, "retrain", "--yes", "--override-hold", "stop the harm now"]);
    let status = ws.status_json(&id);
    assert_eq!(status["actions"][1]["hold_override"], "stop the harm now");

    ws.ok("alice", &["resolve", &id]);
    ws.ok("alice", &["close", &id, "--force", "--reason", "test"]);
    let err = ws.refused("alice", &["run", &id, "staged", "--yes"], 1);
    assert!(err.contains("closed"), "{err}");
    assert_eq!(std::fs::read_to_string(ws.path().join("targets")).expect("targets"), "retrained\n");
}

#[test]
fn an_approval_allows_exactly_the_argv_it_showed_and_status_names_both_people() {
    let ws = workspace();
    let id = incident(&ws, "support bot leaked");
    let out = ws.run("bob", &["run", &id, "guarded", "--yes"]);
    assert_eq!(out.status.code(), Some(6), "a recorded request waits: {}", common::stderr(&out));
    let shown = ws.ok("auditor", &["status", &id]);
    assert!(shown.contains("APPROVAL WAITING: bob asked"), "the text view shows it too: {shown}");
    let err = ws.refused("BOB", &["approve", &id, "guarded", "--yes"], 1);
    assert!(err.contains("you requested guarded yourself"), "a name differing in case is the same person: {err}");
    let shown = ws.ok("alice", &["approve", &id, "guarded", "--yes"]);
    assert!(shown.contains("bob asked") && shown.contains(r#"argv[2] = "support-bot""#), "{shown}");
    let err = ws.refused("alice", &["approve", &id, "guarded"], 1);
    assert!(err.contains("nobody has requested approval"), "{err}");
    ws.ok("bob", &["run", &id, "guarded", "--yes"]);
    let status = ws.status_json(&id);
    let approval = &status["approvals"][0];
    assert_eq!((approval["requested_by"].as_str(), approval["approved_by"].as_str()), (Some("bob"), Some("alice")));
    assert_eq!(approval["argv"][2], "support-bot");
    assert_eq!(approval["state"], "spent");
    assert_eq!(approval["spent_by"], status["actions"][0]["started_seq"], "spent by the run of its argv");
    let out = ws.run("bob", &["run", &id, "guarded", "--yes"]);
    assert_eq!(out.status.code(), Some(6), "spent: a second run needs a new approval");
    let out = ws.run("bob", &["run", &id, "lift", "--yes"]);
    assert_eq!(
        out.status.code(),
        Some(6),
        "lifting a two-person switch takes two people too: {}",
        common::stderr(&out)
    );
    ws.ok("alice", &["approve", &id, "lift", "--yes"]);
    ws.ok("bob", &["run", &id, "lift", "--yes"]);
    let targets = std::fs::read_to_string(ws.path().join("targets")).expect("targets");
    assert_eq!(targets, "guarded support-bot\nunguarded support-bot\n");
    let verified = ws.ok("auditor", &["verify", &id]);
    assert!(verified.starts_with('✓'), "runs on approvals pass the two-person audit: {verified}");
}

#[test]
fn the_undo_reverses_the_kill_switch_and_the_record_links_them() {
    let ws = workspace();
    let id = incident(&ws, "support bot leaked");
    ws.ok("alice", &["tick", &id, "gather"]);
    ws.ok("alice", &["run", &id, "switch", "--yes"]);
    assert_eq!(flags(&ws), ["kill-switch.support-bot-retrieval"]);
    let shown = ws.ok("bob", &["run", &id, "re-enable", "--yes"]);
    assert!(shown.contains("it reverses run #") && shown.contains("RE-ENABLED for support-bot"), "{shown}");
    assert!(flags(&ws).is_empty(), "the flag is gone: {:?}", flags(&ws));
    let status = ws.status_json(&id);
    let (switch, undo) = (&status["actions"][0], &status["actions"][1]);
    assert_eq!(switch["undone_by"], undo["started_seq"]);
    assert_eq!(undo["undoes"], switch["started_seq"]);
    assert_eq!(switch["in_effect"], false);
    let err = ws.refused("bob", &["run", &id, "switch", "--yes", "--undo"], 1);
    assert!(err.contains("reverses switch in step re-enable"), "{err}");
    let err = ws.refused("bob", &["run", &id, "route", "--yes", "--undo"], 1);
    assert!(err.contains("nothing to undo"), "{err}");
    ws.ok("alice", &["run", &id, "route", "--yes"]);
    ws.ok("alice", &["run", &id, "route", "--yes", "--undo"]);
    let targets = std::fs::read_to_string(ws.path().join("targets")).expect("targets");
    assert_eq!(targets, "route\nunroute\n");
    let status = ws.status_json(&id);
    assert_eq!(status["actions"][2]["undone_by"], status["actions"][3]["started_seq"]);
    assert_eq!(ws.status_json(&id)["steps"][7]["state"], "done", "re-enable was ticked by its success");
    let out = ws.path().join("bundle");
    ws.ok("auditor", &["export", &id, "--out", out.to_str().expect("path")]);
    let pm = std::fs::read_to_string(out.join("postmortem.md")).expect("post-mortem");
    assert!(pm.contains("undone by #") && pm.contains("; undoes #"), "the post-mortem links them: {pm}");
}

#[test]
fn closing_records_and_says_which_actions_were_never_undone() {
    let ws = workspace();
    let id = incident(&ws, "support bot leaked");
    ws.ok("alice", &["run", &id, "switch", "--yes", "--force"]);
    let shown = ws.ok("auditor", &["status", &id]);
    assert!(shown.contains("IN EFFECT: run #"), "{shown}");
    ws.ok("alice", &["resolve", &id]);
    let out = ws.ok("alice", &["close", &id, "--force", "--reason", "handed over with the switch on"]);
    assert!(out.contains("WARNING: actions never undone, still in effect: #"), "{out}");
    assert!(log(&ws, &id).contains(r#""never_undone":["#), "recorded in the closed event");
}

#[test]
fn an_alert_title_cannot_add_a_line_to_the_flag_file() {
    let ws = workspace();
    let id = incident(&ws, "leak\nenabled=true");
    ws.ok("alice", &["run", &id, "switch", "--yes", "--force"]);
    let flag = std::fs::read_to_string(ws.path().join("flags/kill-switch.support-bot-retrieval")).expect("flag");
    assert!(flag.starts_with("enabled=false\n"), "{flag}");
    assert!(!flag.lines().any(|l| l == "enabled=true"), "{flag}");
    assert!(flag.lines().any(|l| l == "reason=leak enabled=true"), "the reason kept on its line: {flag}");
    let ws = workspace();
    let body = serde_json::json!({"name": "AgentLeaks", "labels": {}, "annotations": {"summary": "no agent label"}});
    std::fs::write(ws.path().join("bare.json"), body.to_string()).expect("alert");
    ws.ok("alertmanager", &["alert", "ingest", ws.path().join("bare.json").to_str().expect("path")]);
    let out = ws.run("alice", &["run", "001", "switch", "--yes", "--force"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("no agent named"), "never every agent by default");
    assert!(flags(&ws).is_empty(), "{:?}", flags(&ws));
}

#[test]
fn a_kill_switch_firing_for_another_agent_opens_its_own_incident() {
    let ws = Workspace::new();
    let fired = |agent: &str| {
        let body = serde_json::json!({
            "name": "AgentKillSwitchFired",
            "labels": {"agent": agent, "guardrail": "pii"},
            "annotations": {"summary": format!("kill-switch fired for {agent}")},
        });
        let path = ws.path().join(format!("{agent}.json"));
        std::fs::write(&path, body.to_string()).expect("alert");
        ws.ok("alertmanager", &["alert", "ingest", path.to_str().expect("path")])
    };
    assert!(fired("support-bot").contains("opened INC-"));
    assert!(fired("billing-bot").contains("opened INC-"), "another agent: another incident");
    let again = fired("support-bot");
    assert!(!again.contains("opened"), "the same agent joins its incident: {again}");
}

#[test]
fn a_relative_workspace_directory_still_finds_its_programs() {
    let ws = workspace();
    let id = incident(&ws, "support bot leaked");
    let (parent, name) = (ws.path().parent().expect("parent"), ws.path().file_name().expect("name"));
    let out = ws
        .command("alice")
        .current_dir(parent)
        .arg("--dir")
        .arg(name)
        .args(["run", &id, "staged", "--yes"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert_eq!(std::fs::read_to_string(ws.path().join("targets")).expect("targets"), "production\n");
}
