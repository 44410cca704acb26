//! The console end to end, in a real terminal: tmux on an isolated socket, keys sent with
//! send-keys, the screen read with capture-pane, waiting for text (never a fixed sleep).

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::tmux::Tmux;
use common::{Workspace, post};

const SLOW: Duration = Duration::from_secs(20);

/// A child process of `parent`, from /proc.
fn child_of(parent: u32) -> Option<u32> {
    std::fs::read_dir("/proc").ok()?.filter_map(Result::ok).find_map(|entry| {
        let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
        let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
        let ppid: u32 = stat.rsplit(')').next()?.split_whitespace().nth(1)?.parse().ok()?;
        (ppid == parent).then_some(pid)
    })
}

#[test]
fn a_responder_ticks_a_step_and_sees_it_logged_under_their_name() {
    let ws = Workspace::new();
    let tmux = Tmux::new("tick");
    tmux.start("a", &ws, "alice", (100, 30));
    tmux.wait_for("a", "Assign commander, scribe and privacy lead", SLOW);
    tmux.keys("a", &["x"]);
    let screen = tmux.wait_for("a", "ticked assign-roles", SLOW);
    assert!(screen.contains("alice") && screen.contains("3/19"), "{screen}");
    tmux.keys("a", &["n"]);
    tmux.wait_for("a", "Add a note", SLOW);
    tmux.keys("a", &["-l", "paged the DPO"]);
    tmux.keys("a", &["C-s"]);
    tmux.wait_for("a", "noted: paged the DPO", SLOW);
    tmux.keys("a", &["q"]);
    tmux.wait_for("a", "EXITED 0", SLOW);
    ws.ok("auditor", &["verify"]);
    let status = ws.status_json("001");
    assert_eq!(status["notes"][1]["text"], "paged the DPO");
    assert_eq!(status["notes"][1]["by"], "alice");
}

#[test]
fn two_consoles_on_one_workspace_see_each_others_ticks_within_a_second() {
    let ws = Workspace::new();
    ws.run("setup", &["--demo"]);
    let tmux = Tmux::new("two");
    tmux.start("a", &ws, "alice", (100, 30));
    tmux.start("b", &ws, "bob", (100, 30));
    tmux.wait_for("a", "Assign commander", SLOW);
    tmux.wait_for("b", "Assign commander", SLOW);
    tmux.keys("b", &["x"]);
    tmux.wait_for("b", "ticked assign-roles", SLOW);
    let seen = Instant::now();
    let screen = tmux.wait_for("a", "ticked assign-roles", Duration::from_secs(1));
    assert!(screen.contains("bob"), "{screen}");
    eprintln!("alice saw bob's tick {:?} after bob's screen showed it", seen.elapsed());

    tmux.keys("a", &["x"]);
    tmux.wait_for("a", "step assign-roles is already done (ticked by bob", SLOW);
    assert_eq!(
        ws.status_json("001")["progress"]["done"],
        3,
        "bob's tick left alice's cursor on assign-roles: her x ticked nothing she had not read"
    );
}

#[test]
fn the_acting_responder_can_be_switched_and_the_switch_is_logged() {
    let ws = Workspace::new();
    let tmux = Tmux::new("switch");
    tmux.start("a", &ws, "alice", (100, 30));
    tmux.wait_for("a", "as alice", SLOW);
    tmux.keys("a", &["u"]);
    tmux.wait_for("a", "Who is at the keyboard now?", SLOW);
    tmux.keys("a", &["-l", "carol"]);
    tmux.keys("a", &["Enter"]);
    tmux.wait_for("a", "alice handed the keyboard to carol", SLOW);
    tmux.wait_for("a", "as carol", SLOW);
    tmux.keys("a", &["x"]);
    tmux.wait_for("a", "ticked assign-roles", SLOW);
    let status = ws.status_json("001");
    let step =
        status["steps"].as_array().expect("steps").iter().find(|s| s["id"] == "assign-roles").cloned().expect("step");
    assert_eq!(step["by"], "carol");
}

#[test]
fn sigterm_and_a_killed_pane_leave_a_restored_terminal_and_a_verifiable_log() {
    let ws = Workspace::new();
    let tmux = Tmux::new("signals");
    tmux.start("a", &ws, "alice", (100, 30));
    tmux.wait_for("a", "Assign commander", SLOW);
    let shell = tmux.pane_pid("a");
    let pid = child_of(shell).expect("the console process is a child of the pane's shell").to_string();
    Command::new("kill").args(["-TERM", &pid]).status().expect("kill");
    let screen = tmux.wait_for("a", "EXITED 0", SLOW);
    assert!(!screen.contains("Regulatory clocks"), "the alternate screen was left:\n{screen}");

    tmux.start("b", &ws, "bob", (100, 30));
    tmux.wait_for("b", "Assign commander", SLOW);
    tmux.keys("b", &["x"]);
    tmux.wait_for("b", "ticked assign-roles", SLOW);
    tmux.tmux(&["kill-pane", "-t", "b"]);
    ws.ok("auditor", &["verify"]);
    assert_eq!(ws.status_json("001")["progress"]["done"], 3);
}

#[test]
fn a_small_terminal_gets_a_clear_message_and_recovers_on_resize() {
    let ws = Workspace::new();
    let tmux = Tmux::new("small");
    tmux.start("a", &ws, "alice", (70, 20));
    tmux.wait_for("a", "terminal too small", SLOW);
    tmux.tmux(&["resize-window", "-t", "a", "-x", "90", "-y", "28"]);
    tmux.wait_for("a", "Regulatory clocks", SLOW);
}

#[test]
fn a_whole_incident_from_declaration_to_archive_in_the_console() {
    let ws = Workspace::new();
    let tmux = Tmux::new("whole");
    tmux.start("a", &ws, "alice", (120, 36));
    tmux.wait_for("a", "Incidents (1 open)", SLOW);
    tmux.keys("a", &["D"]);
    tmux.wait_for("a", "Declare an incident", SLOW);
    for asked in ["Severity (the runbook", "Title (prefilled", "” on "] {
        tmux.keys("a", &["Enter"]);
        tmux.wait_for("a", asked, SLOW);
    }
    tmux.keys("a", &["y"]);
    tmux.wait_for("a", "Incidents (2 open)", SLOW);
    let screen = tmux.wait_for("a", "declared INC-", SLOW);
    assert!(screen.contains("gdpr-33") && screen.contains("awaits decision aware"), "{screen}");
    tmux.keys("a", &["d"]);
    tmux.wait_for("a", "Record a decision", SLOW);
    tmux.keys("a", &["Enter", "Enter", "Enter", "Enter"]);
    tmux.wait_for("a", "recorded decision aware", SLOW);
    tmux.wait_for("a", "2d 23:5", SLOW);
    tmux.keys("a", &["x"]);
    tmux.wait_for("a", "ticked confirm-signal", SLOW);
    tmux.keys("a", &["R"]);
    tmux.wait_for("a", "Follow-up steps stay open", SLOW);
    tmux.keys("a", &["y"]);
    tmux.wait_for("a", "resolved the incident", SLOW);
    tmux.keys("a", &["C"]);
    tmux.wait_for("a", "Reason to close anyway", SLOW);
    tmux.keys("a", &["-l", "drill stopped after containment"]);
    tmux.keys("a", &["Enter"]);
    tmux.wait_for("a", "kept in follow-up until archived", SLOW);
    tmux.keys("a", &["y"]);
    tmux.wait_for("a", "bundle written to", SLOW);
    // Closed, its clocks still run: it stays on the list and in the header.
    let screen = tmux.wait_for("a", "closed, follow-up", SLOW);
    assert!(
        screen.contains("Incidents (1 open, 1 in follow-up)")
            && screen.lines().next().is_some_and(|top| top.contains(" next INC-")),
        "{screen}"
    );
    ws.ok("auditor", &["verify"]);
    let exports: Vec<_> = std::fs::read_dir(ws.path().join("exports")).expect("exports").flatten().collect();
    assert_eq!(exports.len(), 1, "one bundle, written on close");
    let checked = ws.ok("auditor", &["verify", exports[0].path().to_str().expect("path")]);
    assert!(checked.contains("the copied log verified"), "{checked}");
    tmux.keys("a", &["Z"]);
    tmux.wait_for("a", "Reason to archive with duties open", SLOW);
    tmux.keys("a", &["-l", "drill: nothing to file"]);
    tmux.keys("a", &["Enter"]);
    tmux.wait_for("a", "Its log is sealed", SLOW);
    tmux.keys("a", &["y"]);
    tmux.wait_for("a", "Incidents (1 open)", SLOW);
    let exports: Vec<_> = std::fs::read_dir(ws.path().join("exports")).expect("exports").flatten().collect();
    assert_eq!(exports.len(), 2, "a second revision, written on archive");
    let all = ws.ok("auditor", &["status", "--all", "--json"]);
    let value: serde_json::Value = serde_json::from_str(&all).expect("json");
    let closed = value["incidents"]
        .as_array()
        .expect("incidents")
        .iter()
        .find(|i| i["state"] == "archived")
        .cloned()
        .expect("archived");
    assert_eq!(closed["steps"][0]["by"], "alice");
    assert!(
        closed["clocks"].as_array().expect("clocks").iter().any(|c| c["id"] == "gdpr-33" && c["anchor_at"].is_string())
    );
}

#[test]
fn the_console_hosts_the_listener_and_declares_an_incident_from_the_unrouted_inbox() {
    let ws = Workspace::new();
    let tmux = Tmux::new("inbox");
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    tmux.start_with("a", &ws, "alice", (120, 36), &format!("console --listen 127.0.0.1:{port}"));
    tmux.wait_for("a", &format!("alerts ← 127.0.0.1:{port}"), SLOW);
    let stray = r#"{"name":"ToolCallDenied","labels":{"agent":"ledger-3"},"annotations":{"summary":"refund tool \u001b[2Jdenied 40 calls"}}"#;
    assert_eq!(post(port, stray), 200);
    tmux.wait_for("a", "1 UNROUTED (A)", SLOW);
    tmux.keys("a", &["A"]);
    tmux.wait_for("a", "Unrouted alerts (1 waiting)", SLOW);
    // The popup's last line drawn: once it shows, the whole frame has reached the terminal.
    let screen = tmux.wait_for("a", "summary=refund tool", SLOW);
    assert!(screen.contains("ToolCallDenied") && screen.contains("refund tool"), "{screen}");
    assert!(screen.contains("agent=ledger-3"), "{screen}");
    tmux.keys("a", &["D"]);
    tmux.wait_for("a", "Declare an incident from alert ToolCallDenied", SLOW);
    for asked in ["Severity (the runbook", "Title (prefilled", "” on "] {
        tmux.keys("a", &["Enter"]);
        tmux.wait_for("a", asked, SLOW);
    }
    tmux.keys("a", &["y"]);
    tmux.wait_until("a", "the declared incident, the inbox emptied", SLOW, |screen| {
        screen.contains("Incidents (1 open)") && screen.contains("1 alert") && !screen.contains("UNROUTED (A)")
    });
    assert_eq!(post(port, stray), 200, "a repeat lands on the declared incident");
    let routed = r#"{"name":"AgentOutboundNoticeSpike","labels":{"environment":"production","agent":"mailer-1"}}"#;
    assert_eq!(post(port, routed), 200);
    tmux.wait_for("a", "Incidents (2 open)", SLOW);
    tmux.keys("a", &["q"]);
    tmux.wait_for("a", "EXITED 0", SLOW);
    ws.ok("auditor", &["verify"]);
    let status: serde_json::Value = serde_json::from_str(&ws.ok("auditor", &["status", "--json"])).expect("json");
    let opened =
        status["incidents"].as_array().expect("incidents").iter().find(|i| i["runbook"] == "mass-false-action");
    assert_eq!(opened.expect("the routed alert opened one")["declared_by"], "listener", "the service's, not alice's");
    let log = std::fs::read_to_string(ws.path().join("listener.log")).expect("listener log");
    assert!(log.contains("no runbook matches") && log.contains("already recorded on INC-"), "{log}");
    let status: serde_json::Value = serde_json::from_str(&ws.ok("auditor", &["status", "--json"])).expect("json");
    assert_eq!(status["unrouted"].as_array().expect("unrouted").len(), 0);
    assert_eq!(status["incidents"][0]["title"], "refund tool \u{1b}[2Jdenied 40 calls", "stored as received");
}

#[test]
fn two_responders_run_the_demo_drills_kill_switch_under_the_two_person_rule_as_a_dry_run() {
    let ws = Workspace::new();
    ws.run("setup", &["--demo"]);
    let tmux = Tmux::new("kill");
    tmux.start("a", &ws, "alice", (120, 36));
    tmux.start("b", &ws, "bob", (80, 24));
    for session in ["a", "b"] {
        tmux.wait_for(session, "Assign commander", SLOW);
        tmux.keys(session, &["j"]);
    }
    tmux.keys("a", &["r"]);
    let question = tmux.wait_for("a", "Request approval for kill-switch (1/1)", SLOW);
    assert!(question.contains("two-person rule") && question.contains("kill-switch"), "asked first:\n{question}");
    tmux.keys("a", &["y"]);
    let asked = std::time::Instant::now();
    tmux.wait_for("a", "requested a second responder's approval for kill-switch", SLOW);
    let seen = tmux.wait_until("b", "the waiting approval on bob's screen", SLOW, |screen| {
        screen.contains("1 approval waiting (V)") && screen.contains("APPROVAL WAITING")
    });
    let took = asked.elapsed();
    println!("a request in alice's console showed in bob's after {} ms", took.as_millis());
    assert!(took < Duration::from_secs(1), "within 1 s: {took:?}\n{seen}");
    tmux.keys("a", &["r"]);
    tmux.wait_for("a", "waits for a second responder's approval", SLOW);
    tmux.keys("b", &["V"]);
    let approval = tmux.wait_for("b", "Approve kill-switch", SLOW);
    let flat = approval.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("DRILL: its actions run only in their drill form. alice asks to run,"), "{approval}");
    assert!(flat.contains(r#"once: "bin/kill-switch" "--incident""#), "the argv it allows: {approval}");
    assert!(flat.contains("expires") && flat.contains("y: yes"), "{approval}");
    tmux.keys("b", &["Enter"]);
    tmux.wait_for("b", "press y to say yes", SLOW);
    tmux.keys("b", &["y"]);
    tmux.wait_for("b", "approved kill-switch", SLOW);
    tmux.wait_for("a", "bob        approved kill-switch", SLOW);
    tmux.keys("a", &["r"]);
    let confirm = tmux.wait_for("a", "DRILL: dry run, nothing runs", SLOW);
    assert!(confirm.contains("bin/kill-switch") && confirm.contains("(DRILL)"), "{confirm}");
    tmux.keys("a", &["y"]);
    let screen = tmux.wait_for("a", "simulated (dry run", SLOW);
    assert!(screen.contains("DRILL: dry run: nothing ran"), "{screen}");
    tmux.wait_for("b", "simulated in a drill", SLOW);
    tmux.keys("a", &["q"]);
    tmux.keys("b", &["q"]);
    tmux.wait_for("a", "EXITED 0", SLOW);
    ws.ok("auditor", &["verify"]);
    assert!(!ws.path().join("flags").exists(), "a drill's dry run writes no flag");
    let status = ws.status_json("001");
    assert_eq!(status["steps"][3]["state"], "done", "a simulated success ticks the kill-switch step");
    let approval = &status["approvals"][0];
    assert_eq!((approval["requested_by"].as_str(), approval["approved_by"].as_str()), (Some("alice"), Some("bob")));
    assert_eq!(approval["spent_by"], status["actions"][0]["started_seq"]);
    assert_eq!(
        (status["actions"][0]["drill"].as_str(), status["actions"][0]["simulated"].as_bool()),
        (Some("dry_run"), Some(true))
    );
    let out = ws.path().join("bundle");
    ws.ok("auditor", &["export", "001", "--out", out.to_str().expect("path")]);
    let pm = std::fs::read_to_string(out.join("postmortem.md")).expect("pm");
    assert!(pm.contains("## Actions run") && pm.contains("bin/kill-switch"), "{pm}");
    assert!(pm.contains("| bob | #9 approved kill-switch (request #8) |"), "the approval is in the timeline: {pm}");
    ws.ok("auditor", &["verify", out.to_str().expect("path")]);
}

#[test]
fn a_drill_starts_from_the_console_and_the_runbook_list_flags_what_was_never_drilled() {
    let ws = Workspace::new();
    let tmux = Tmux::new("drill");
    tmux.start_with("a", &ws, "alice", (120, 36), "console");
    tmux.wait_for("a", "No open incident", SLOW);
    tmux.keys("a", &["D"]);
    let form = tmux.wait_for("a", "Declare an incident", SLOW);
    assert!(form.contains("[never drilled]"), "{form}");
    tmux.keys("a", &["Escape"]);
    let started = Instant::now();
    while tmux.screen("a").contains("Declare an incident") {
        assert!(started.elapsed() < SLOW, "Esc closes the form");
        std::thread::sleep(Duration::from_millis(25));
    }
    tmux.keys("a", &[":"]);
    tmux.wait_for("a", "Command", SLOW);
    tmux.keys("a", &["-l", "drill cross-tenant-pii-leak --speed 360"]);
    tmux.keys("a", &["Enter"]);
    let screen = tmux.wait_for("a", "clocks run 360× faster", SLOW);
    assert!(screen.contains("DRILL") && screen.contains("00:11:5"), "a 72 h clock due in 12 minutes: {screen}");
    tmux.keys("a", &["D"]);
    let form = tmux.wait_for("a", "Declare an incident", SLOW);
    let drilled = form.lines().find(|l| l.contains("cross-tenant-pii-leak")).expect("the drilled runbook listed");
    assert!(!drilled.contains("never drilled"), "the drill just run counts: {form}");
    // A key right behind Esc could reach the console as Alt+key: wait for Esc to take effect.
    tmux.keys("a", &["Escape"]);
    tmux.wait_until("a", "the form closed", SLOW, |screen| !screen.contains("Declare an incident"));
    tmux.keys("a", &["q"]);
    tmux.wait_for("a", "EXITED 0", SLOW);
    let drills = ws.ok("auditor", &["drills"]);
    assert!(drills.contains("360×"), "{drills}");
}

/// Types `line` at the `:` prompt and waits for `expect` on the screen.
fn command_line(tmux: &Tmux, session: &str, line: &str, expect: &str) -> String {
    tmux.keys(session, &[":"]);
    tmux.wait_for(session, "Command", SLOW);
    tmux.keys(session, &["-l", line]);
    tmux.keys(session, &["Enter"]);
    tmux.wait_for(session, expect, SLOW)
}

#[test]
fn the_command_line_does_what_the_cli_does() {
    let ws = Workspace::new();
    let tmux = Tmux::new("line");
    tmux.start_with("a", &ws, "alice", (160, 48), "console");
    tmux.wait_for("a", "No open incident", SLOW);
    let line = r#"declare --runbook runaway-agent-cost --aware-at -2h --severity SEV1 --title "Planner loop" --drill"#;
    command_line(&tmux, "a", line, "✓ declared");
    let declared = ws.status_json("001");
    assert_eq!(declared["title"], "Planner loop");
    assert_eq!(declared["severity"], "SEV1");
    assert_eq!(declared["drill"], true);
    let (aware, at) = (declared["aware_at"].as_str().expect("aware"), declared["declared_at"].as_str().expect("at"));
    let hours = |t: &str| chrono::DateTime::parse_from_rfc3339(t).expect("time");
    assert_eq!((hours(at) - hours(aware)).num_minutes(), 120, "--aware-at -2h: {aware} / {at}");

    command_line(&tmux, "a", r#" --as bob note . "bob was paged""#, "noted: bob was paged");
    let refused = command_line(&tmux, "a", " --dir /tmp note . x", "fixed while the console runs");
    assert!(refused.contains("--dir"), "{refused}");
    command_line(&tmux, "a", "resolve .", "resolved");
    let closed = command_line(&tmux, "a", r#"close . --force --reason "drill over""#, "bundle written to");
    assert!(closed.contains("✓ closed"), "{closed}");
    tmux.keys("a", &["q"]);
    tmux.wait_for("a", "EXITED 0", SLOW);

    let status = ws.ok("auditor", &["status", "001", "--json", "--all"]);
    let status: serde_json::Value = serde_json::from_str(&status).expect("json");
    let incident = &status["incidents"][0];
    assert_eq!(incident["state"], "closed");
    assert_eq!(incident["notes"][0]["by"], "bob", "--as on the line acts as that responder");
    let exports = std::fs::read_dir(ws.path().join("exports")).expect("exports").count();
    assert_eq!(exports, 1, ":close writes the bundle as warroom close does");
    let bundle = std::fs::read_dir(ws.path().join("exports")).expect("exports").next().expect("bundle").expect("e");
    ws.ok("auditor", &["verify", bundle.path().to_str().expect("path")]);
}

#[test]
fn a_100_kb_paste_lands_in_a_note_in_one_step() {
    let ws = Workspace::new();
    let tmux = Tmux::new("paste");
    tmux.start("a", &ws, "alice", (120, 36));
    tmux.wait_for("a", "Incidents (1 open)", SLOW);
    let text: String = (0..2_600).map(|n| format!("trace line {n:05} of the pasted evidence\n")).collect();
    assert!(text.len() > 100_000);
    let buffer = ws.path().join("paste.txt");
    std::fs::write(&buffer, &text).expect("paste buffer");
    tmux.keys("a", &["n"]);
    tmux.wait_for("a", "Note", SLOW);
    tmux.tmux(&["load-buffer", "-b", "evidence", buffer.to_str().expect("path")]);
    let started = Instant::now();
    tmux.tmux(&["paste-buffer", "-p", "-b", "evidence", "-t", "a"]);
    tmux.keys("a", &["C-s"]);
    tmux.wait_for("a", "noted: trace line 00000", SLOW);
    eprintln!("a {} byte paste noted in {:?}", text.len(), started.elapsed());
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    let status = ws.status_json("001");
    let noted = status["notes"].as_array().and_then(|n| n.last()).and_then(|n| n["text"].as_str()).unwrap_or("");
    assert_eq!(noted.trim_end(), text.trim_end(), "the whole paste, lines kept");
}
