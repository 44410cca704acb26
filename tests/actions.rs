//! Runnable steps, the two-person rule and the side-effect ledger, through the real binary:
//! injection attempts reach the program as literal arguments, a hanging action and its whole
//! process group are killed at the timeout, self-approval and expired requests are refused.

mod common;

use std::time::{Duration, Instant};

use common::Workspace;

const RUNBOOK: &str = r##"
id: act
title: Actions under test
version: 1
owner: sre
summary: Steps that run programs.
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
      - id: echo
        title: Echo what the action receives
        detail: Writes its arguments and environment to files.
        role: commander
        kind: containment
        action:
          program: bin/record-args
          args: [--title, "{{incident.title}}", "agent={{alert.agent}}", --literal, "$(touch pwned)"]
          timeout: 10s
          tick_on_success: true
      - id: hang
        title: An action that never ends
        detail: Sleeps, with a child that sleeps too.
        role: commander
        kind: containment
        action:
          program: bin/hang
          timeout: 1s
      - id: fail
        title: An action that fails
        detail: Exits 3.
        role: commander
        kind: containment
        action:
          program: bin/fail
          tick_on_success: true
      - id: guarded
        title: A two-person step
        detail: Needs a second responder.
        role: commander
        kind: containment
        two_person: true
        action:
          program: bin/fail
      - id: keep
        title: Preserve the traces
        detail: Pin them.
        role: commander
        kind: forensic
      - id: linger
        title: An action that outlives a killed warroom unless something ends it
        detail: Sleeps, with a child that sleeps too.
        role: commander
        kind: containment
        action:
          program: bin/linger
          timeout: 60s
      - id: flood
        title: An action that prints far more than memory should hold
        detail: 200 MB of output.
        role: commander
        kind: containment
        action:
          program: bin/flood
          timeout: 120s
postmortem: "# Post-mortem"
"##;

fn workspace() -> Workspace {
    let ws = Workspace::with_runbook("act", RUNBOOK);
    let script = |name: &str, text: &str| ws.program(name, text);
    script(
        "record-args",
        "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done > received\nprintf '%s' \"$WARROOM_ALERT_AGENT\" > agent-env\necho done\n",
    );
    script("hang", "#!/bin/sh\necho started\nsleep 307 &\nsleep 308\n");
    script("fail", "#!/bin/sh\necho 'cannot reach the flag service' >&2\nexit 3\n");
    script("linger", "#!/bin/sh\necho lingering\nsleep \"31${LINGER}7\" &\nsleep \"31${LINGER}8\"\n");
    script("flood", "#!/bin/sh\nhead -c 200000000 /dev/zero | tr '\\0' x\necho end-of-flood\n");
    ws
}

/// An alert whose title and labels carry injection attempts, opening an incident on `act`.
fn hostile_incident(ws: &Workspace) -> String {
    hostile_incident_at(ws, None)
}

/// Opens the hostile incident through the alert intake, at `time` if given; returns its id.
fn hostile_incident_at(ws: &Workspace, time: Option<&str>) -> String {
    let title = "refunds; rm -rf / `id` $(touch pwned)\nline two \u{1b}[2J";
    let body = serde_json::json!({
        "name": "AgentMisbehaves",
        "labels": {"agent": "planner-7; touch pwned2 $(id) `id`\n\"quoted\""},
        "annotations": {"summary": title},
    })
    .to_string();
    let path = ws.path().join("alert.json");
    std::fs::write(&path, body).expect("alert");
    let mut ingest = ws.command("alertmanager");
    if let Some(time) = time {
        ingest.env("WARROOM_TEST_NOW", time);
    }
    let out = ingest.args(["alert", "ingest", path.to_str().expect("path")]).output().expect("ingest");
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let opened = printed.split("opened ").nth(1).expect("opened an incident");
    opened.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).next().expect("id").to_owned()
}

#[test]
fn placeholders_reach_the_program_as_literal_arguments_and_nothing_else_runs() {
    let ws = workspace();
    let id = hostile_incident(&ws);
    let out = ws.ok("alice", &["run", &id, "echo", "--yes"]);
    assert!(out.contains("exit 0") && out.contains("step ticked"), "{out}");
    let received = std::fs::read(ws.path().join("received")).expect("received");
    let args: Vec<String> = received
        .split(|b| *b == 0)
        .filter(|a| !a.is_empty())
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    assert_eq!(
        args,
        vec![
            "--title".to_owned(),
            "refunds; rm -rf / `id` $(touch pwned)\nline two \u{1b}[2J".to_owned(),
            "agent=planner-7; touch pwned2 $(id) `id`\n\"quoted\"".to_owned(),
            "--literal".to_owned(),
            "$(touch pwned)".to_owned(),
        ]
    );
    let env = std::fs::read_to_string(ws.path().join("agent-env")).expect("env");
    assert_eq!(env, "planner-7; touch pwned2 $(id) `id`\n\"quoted\"");
    assert!(!ws.path().join("pwned").exists() && !ws.path().join("pwned2").exists(), "nothing else ran");
    let status = ws.status_json(&id);
    let action = &status["actions"][0];
    assert_eq!(action["argv"][2], "refunds; rm -rf / `id` $(touch pwned)\nline two \u{1b}[2J", "argv recorded exactly");
    let file = ws.path().join(action["output_file"].as_str().expect("file"));
    let digest = sha256_hex(&std::fs::read(file).expect("output"));
    assert_eq!(action["output_sha256"], digest.as_str());
    ws.ok("auditor", &["verify"]);
}

#[test]
fn the_bundle_holds_each_runs_output_where_the_post_mortem_points_unless_it_changed() {
    let ws = workspace();
    let id = hostile_incident(&ws);
    ws.ok("alice", &["run", &id, "echo", "--yes"]);
    let file = ws.status_json(&id)["actions"][0]["output_file"].as_str().expect("file").to_owned();
    let bundle = ws.path().join("bundle");
    ws.ok("alice", &["export", &id, "--out", bundle.to_str().expect("path")]);
    let pm = std::fs::read_to_string(bundle.join("postmortem.md")).expect("pm");
    assert!(pm.contains(&file), "the post-mortem names the output: {pm}");
    assert_eq!(std::fs::read(bundle.join(&file)).expect("copied"), std::fs::read(ws.path().join(&file)).expect("ran"));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(bundle.join("manifest.json")).expect("manifest")).expect("json");
    assert_eq!(manifest["action_outputs"][0]["copied"], true, "{manifest}");
    ws.ok("auditor", &["verify", bundle.to_str().expect("path")]);

    std::fs::write(ws.path().join(&file), "edited after the run\n").expect("edit");
    let again = ws.path().join("bundle-2");
    ws.ok("alice", &["export", &id, "--out", again.to_str().expect("path")]);
    assert!(!again.join(&file).exists(), "an altered output is not passed off as the run's");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(again.join("manifest.json")).expect("manifest")).expect("json");
    let why = manifest["action_outputs"][0]["why_not"].as_str().expect("why not copied");
    assert!(why.contains("changed since the run"), "{why}");
}

#[test]
fn a_hanging_action_and_its_process_group_are_killed_at_the_timeout() {
    let ws = workspace();
    let id = hostile_incident(&ws);
    let started = Instant::now();
    // A timeout is elapsed time, not a date: libfaketime's timers (a moved clock) would change
    // how the child sees it, so this run keeps the real clock.
    let out = ws.command("alice").env_remove("LD_PRELOAD").args(["run", &id, "hang", "--yes"]).output().expect("run");
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let err = common::stderr(&out);
    assert!(err.contains("TIMED OUT") && err.contains("the step stays open"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(8), "killed soon after the 1 s timeout");
    assert!(!running("sleep\u{0}307") && !running("sleep\u{0}308"), "the whole process group is gone");
    let status = ws.status_json(&id);
    assert_eq!(status["actions"][0]["timed_out"], true);
    assert_eq!(status["steps"][1]["state"], "pending");
    let failed = ws.refused("alice", &["run", &id, "fail", "--yes"], 1);
    assert!(failed.contains("FAILED with exit 3") && failed.contains("stays open"), "{failed}");
    assert_eq!(ws.status_json(&id)["steps"][2]["state"], "pending", "a failure never ticks");
}

#[test]
fn the_two_person_rule_refuses_self_approval_and_expired_requests() {
    let ws = workspace();
    let id = hostile_incident_at(&ws, Some("2026-11-24T09:30:00Z"));
    assert_eq!(id, "INC-20261124-001");
    let at = |actor: &str, time: &str, args: &[&str]| {
        ws.command(actor).env("WARROOM_TEST_NOW", time).args(args).output().expect("run")
    };
    let refused_line = |out: std::process::Output| {
        assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
        common::stderr(&out)
    };
    let tick = refused_line(at("alice", "2026-11-24T10:00:00Z", &["tick", &id, "guarded"]));
    assert!(tick.contains("two-person rule"), "{tick}");
    let run = at("alice", "2026-11-24T10:00:00Z", &["run", &id, "guarded", "--yes"]);
    assert_eq!(run.status.code(), Some(6), "a recorded request is waiting, not a refusal");
    assert!(common::stderr(&run).contains("approval of this argv requested"), "{}", common::stderr(&run));
    let own = refused_line(at("alice", "2026-11-24T10:01:00Z", &["approve", &id, "guarded", "--yes"]));
    assert!(own.contains("a second, different responder must approve"), "{own}");
    let late = refused_line(at("bob", "2026-11-24T10:11:00Z", &["approve", &id, "guarded", "--yes"]));
    assert!(late.contains("expired at 2026-11-24T10:10:00Z"), "{late}");
    assert!(at("alice", "2026-11-24T10:12:00Z", &["approve", &id, "guarded", "--request"]).status.success());
    assert!(at("bob", "2026-11-24T10:13:00Z", &["approve", &id, "guarded", "--yes"]).status.success());
    assert!(at("alice", "2026-11-24T10:14:00Z", &["tick", &id, "guarded"]).status.success(), "approved: ticks");
    let log = std::fs::read_to_string(ws.log(&id)).expect("log");
    assert!(log.contains(r#""kind":"approval_requested""#) && log.contains(r#""kind":"approval_granted""#));
}

#[test]
fn the_ledger_and_preserved_evidence_reach_status_and_the_export() {
    let ws = workspace();
    let id = hostile_incident(&ws);
    let add = |args: &[&str]| ws.ok("dana", &[&["effect", "add", &id][..], args].concat());
    add(&["refunds", "--what", "refunds issued", "--where", "Stripe", "--count", "212", "--owner", "dana"]);
    add(&["mails", "--what", "apology e-mails", "--where", "SendGrid", "--count", "1200", "--owner", "sam"]);
    let err = ws.refused("dana", &["effect", "update", &id, "mails", "--state", "irreversible"], 1);
    assert!(err.contains("evidence"), "{err}");
    ws.ok("dana", &["effect", "update", &id, "mails", "--state", "irreversible", "--evidence", "delivered"]);
    ws.ok("dana", &["effect", "update", &id, "refunds", "--state", "compensated", "--evidence", "clawback run 88"]);
    let err = ws.refused("sam", &["preserve", &id, "echo", "--id", "x", "--location", "y", "--digest", "z"], 1);
    assert!(err.contains("not a forensic"), "{err}");
    ws.ok(
        "sam",
        &["preserve", &id, "keep", "--id", "traces 7f3a", "--location", "s3://forensics/1", "--digest", "sha256:ab"],
    );
    let status = ws.status_json(&id);
    let states: Vec<&str> =
        status["effects"].as_array().expect("effects").iter().filter_map(|e| e["state"].as_str()).collect();
    assert_eq!(states, vec!["irreversible", "compensated"]);
    assert_eq!(status["preserved"][0]["digest"], "sha256:ab");
    let out = ws.path().join("bundle");
    ws.ok("alice", &["export", &id, "--out", out.to_str().expect("path")]);
    let pm = std::fs::read_to_string(out.join("postmortem.md")).expect("pm");
    assert!(pm.contains("| mails | apology e-mails | SendGrid | 1200 | sam | **IRREVERSIBLE** | delivered |"), "{pm}");
    assert!(pm.contains("| keep | traces 7f3a | s3://forensics/1 | sha256:ab | sam |"), "{pm}");
}

/// Whether a process whose command line (NUL-separated) contains `needle` is alive.
fn running(needle: &str) -> bool {
    let Ok(entries) = std::fs::read_dir("/proc") else { return false };
    entries.filter_map(Result::ok).any(|e| {
        let cmdline = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
        let state = std::fs::read_to_string(e.path().join("stat")).unwrap_or_default();
        let zombie = state.rsplit(')').next().is_some_and(|rest| rest.trim_start().starts_with('Z'));
        !zombie && String::from_utf8_lossy(&cmdline).contains(needle)
    })
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn an_action_printing_200_mb_is_written_through_to_its_file_with_bounded_memory() {
    use std::io::Read;
    let ws = workspace();
    let id = hostile_incident(&ws);
    let mut child = ws
        .command("alice")
        .args(["run", &id, "flood", "--yes"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("run");
    let status_file = format!("/proc/{}/status", child.id());
    let mut stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut shown = Vec::new();
        stdout.read_to_end(&mut shown).map(|_| shown.len()).unwrap_or(0)
    });
    let mut peak_kib = 0u64;
    while child.try_wait().expect("wait").is_none() {
        let status = std::fs::read_to_string(&status_file).unwrap_or_default();
        let hwm = status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.split_whitespace().next());
        peak_kib = peak_kib.max(hwm.and_then(|v| v.parse().ok()).unwrap_or(0));
        std::thread::sleep(Duration::from_millis(20));
    }
    let shown = reader.join().expect("reader");
    eprintln!("peak resident {} MiB, {shown} bytes shown on the terminal", peak_kib / 1024);
    assert!(peak_kib < 64 * 1024, "peak resident {peak_kib} KiB for 200 MB of output");
    assert!(shown < 20 << 20, "the terminal is shown a bounded part: {shown} bytes");
    let action = &ws.status_json(&id)["actions"][0];
    assert_eq!(action["output_bytes"], 200_000_000 + "end-of-flood\n".len() as u64);
    assert!(action["output_tail"].as_str().is_some_and(|t| t.ends_with("xxxend-of-flood\n")), "{action}");
    let file = ws.path().join(action["output_file"].as_str().expect("file"));
    let bytes = std::fs::read(&file).expect("the whole output");
    assert_eq!(bytes.len(), 200_000_013);
    assert_eq!(action["output_sha256"], sha256_hex(&bytes).as_str(), "the hash covers the whole file");
    use std::os::unix::fs::PermissionsExt;
    for file in [file.as_path(), &ws.path().join("bin/kill-switch")] {
        let mode = std::fs::metadata(file).expect("installed").permissions().mode() & 0o777;
        assert_eq!(mode & 0o077, 0, "{} is {mode:o}: only its owner may read it", file.display());
    }
}

/// The pid of a process whose command line contains `needle`.
fn pid_of(needle: &str) -> Option<i32> {
    let entries = std::fs::read_dir("/proc").ok()?;
    entries.filter_map(Result::ok).find_map(|e| {
        let pid: i32 = e.file_name().to_str()?.parse().ok()?;
        let cmdline = std::fs::read(e.path().join("cmdline")).ok()?;
        String::from_utf8_lossy(&cmdline).contains(needle).then_some(pid)
    })
}

fn wait_for(what: &str, within: Duration, mut done: impl FnMut() -> bool) -> Duration {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < within, "{what}: not within {within:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
    started.elapsed()
}

/// Starts `warroom run ID linger` and waits until the action's processes run.
fn start_lingering(ws: &Workspace, id: &str, marker: &str) -> std::process::Child {
    let child = ws
        .command("alice")
        .env("LINGER", marker)
        .args(["run", id, "linger", "--yes"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("run");
    wait_for("the action runs", Duration::from_secs(10), || running(&format!("sleep\u{0}31{marker}8")));
    child
}

/// What the running action's output file holds so far (what `warroom run` has read of it).
fn captured_output(ws: &Workspace, id: &str) -> String {
    let dir = ws.path().join("actions").join(id);
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| entry.path().extension().is_some_and(|e| e == "log"))
        .map(|entry| std::fs::read_to_string(entry.path()).unwrap_or_default())
        .collect()
}

fn action_json(ws: &Workspace, id: &str) -> serde_json::Value {
    ws.status_json(id)["actions"][0].clone()
}

#[test]
fn a_killed_warroom_run_takes_its_action_with_it_and_the_next_open_records_it_abandoned() {
    let ws = workspace();
    let id = hostile_incident(&ws);
    let mut run = start_lingering(&ws, &id, "1");
    wait_for("warroom run has read the action's first line", Duration::from_secs(10), || {
        captured_output(&ws, &id).contains("lingering")
    });
    run.kill().expect("SIGKILL warroom run");
    let _ = run.wait();
    let took = wait_for("the action's group ends", Duration::from_secs(8), || {
        !running("sleep\u{0}3117") && !running("sleep\u{0}3118")
    });
    eprintln!("the action's process group ended {took:?} after warroom run was killed");
    assert!(action_json(&ws, &id)["output_file"].is_null(), "nothing recorded its end yet");
    ws.ok("bob", &["note", &id, "the runner's terminal died"]);
    let action = action_json(&ws, &id);
    assert_eq!(action["abandoned"], true, "{action}");
    assert!(action["exit_code"].is_null());
    assert!(action["output_tail"].as_str().is_some_and(|t| t.contains("lingering") && t.contains("abandoned")));
    assert_eq!(ws.status_json(&id)["steps"][5]["state"], "pending", "an abandoned action never ticks");
    ws.ok("auditor", &["verify", &id]);
}

#[test]
fn when_the_watcher_died_too_the_next_open_ends_what_is_left_of_the_group() {
    let ws = workspace();
    let id = hostile_incident(&ws);
    let mut run = start_lingering(&ws, &id, "2");
    let watcher = pid_of(&format!("--parent\u{0}{}", run.id())).expect("a watcher runs beside the action");
    let killed = std::process::Command::new("kill").args(["-9", &watcher.to_string()]).status();
    assert!(killed.is_ok_and(|s| s.success()));
    run.kill().expect("SIGKILL warroom run");
    let _ = run.wait();
    std::thread::sleep(Duration::from_millis(300));
    assert!(running("sleep\u{0}3128"), "with both gone, the action still runs");
    ws.ok("bob", &["tick", &id, "keep"]);
    wait_for("the leftover group ends", Duration::from_secs(5), || {
        !running("sleep\u{0}3127") && !running("sleep\u{0}3128")
    });
    assert_eq!(action_json(&ws, &id)["abandoned"], true);
}
