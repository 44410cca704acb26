//! The CLI as a responder uses it: the built binary on a temporary workspace.

mod common;

use common::Workspace;

#[test]
fn declare_prints_the_id_alone_and_status_shows_the_incident() {
    let ws = Workspace::new();
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    assert!(id.starts_with("INC-") && id.len() == "INC-20261124-001".len(), "{id}");
    let incident = ws.status_json(&id);
    assert_eq!(incident["id"], id.as_str());
    assert_eq!(incident["runbook"], "cross-tenant-pii-leak");
    assert_eq!(incident["severity"], "SEV1");
    assert_eq!(incident["state"], "active");
    assert_eq!(incident["roles"]["commander"], "alice");
    assert_eq!(incident["steps"][0]["state"], "pending");
    assert!(incident["clocks"].is_array());
}

#[test]
fn a_whole_incident_from_declaration_to_close() {
    let ws = Workspace::new();
    let id = ws.declare("alice", "runaway-agent-cost");
    let incident = ws.status_json(&id);
    let steps: Vec<String> =
        incident["steps"].as_array().expect("steps").iter().map(|s| s["id"].as_str().expect("id").to_owned()).collect();
    ws.ok("alice", &["assign", &id, "scribe", "sam"]);
    ws.ok("sam", &["note", &id, "TODO: cap the planner's tool budget"]);
    for step in &steps {
        ws.ok("bob", &["tick", &id, step, "--force"]);
    }
    ws.ok("alice", &["resolve", &id]);
    ws.ok("alice", &["close", &id]);
    let closed = ws.status_json(&id);
    assert_eq!(closed["state"], "closed");
    assert_eq!(closed["progress"]["done"], steps.len());
    assert_eq!(closed["steps"][0]["by"], "bob");
    assert_eq!(closed["notes"][0]["by"], "sam");
    ws.ok("sam", &["note", &id, "post-mortem drafted"]);
    ws.ok("alice", &["archive", &id, "--reason", "no duty left that this workspace tracks"]);
    let open = ws.ok("alice", &["status", "--json"]);
    assert!(!open.contains(&id), "an archived incident is not listed as open");
    let err = ws.refused("alice", &["note", &id, "late"], 1);
    assert!(err.contains("archived"), "{err}");
    ws.ok("auditor", &["verify", &id]);
}

#[test]
fn refusals_are_one_line_with_close_matches_and_append_nothing() {
    let ws = Workspace::new();
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    let before = std::fs::read(ws.log(&id)).expect("log");

    let err = ws.refused("alice", &["tick", &id, "kill-swich"], 1);
    assert!(err.contains("did you mean \"kill-switch\""), "{err}");
    let err = ws.refused("alice", &["tick", &id, "purge-caches"], 1);
    assert!(err.contains("depends on kill-switch") && err.contains("--force"), "{err}");
    let typo = format!("{}{}", &id[..11], &id[12..]);
    let err = ws.refused("alice", &["tick", &typo, "kill-switch"], 1);
    assert!(err.contains(&format!("did you mean \"{id}\"")), "{err}");
    let err = ws.refused("alice", &["assign", &id, "comander", "bob"], 1);
    assert!(err.contains("did you mean \"commander\""), "{err}");
    let err = ws.refused("alice", &["severity", &id, "SEV9", "--reason", "x"], 1);
    assert!(err.contains("SEV1, SEV2"), "{err}");
    let err = ws.refused("alice", &["close", &id], 1);
    assert!(err.contains("resolve it first"), "{err}");
    let err = ws.refused("alice", &["skip", &id, "kill-switch", "--reason", "  "], 1);
    assert!(err.contains("must not be empty"), "{err}");
    let err = ws.refused("alice", &["declare", "--runbook", "cross-tenant-pii-lek"], 1);
    assert!(err.contains("did you mean \"cross-tenant-pii-leak\""), "{err}");

    assert_eq!(std::fs::read(ws.log(&id)).expect("log"), before, "a refusal appended something");
}

#[test]
fn ticking_twice_is_refused_and_reopen_allows_it_again() {
    let ws = Workspace::new();
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    ws.ok("alice", &["tick", &id, "confirm-signal"]);
    let err = ws.refused("bob", &["tick", &id, "confirm-signal"], 1);
    assert!(err.contains("already done (ticked by alice"), "{err}");
    ws.refused("bob", &["reopen", &id, "kill-switch", "--reason", "x"], 1);
    ws.ok("bob", &["reopen", &id, "confirm-signal", "--reason", "wrong trace"]);
    ws.ok("bob", &["tick", &id, "confirm-signal"]);
    let incident = ws.status_json(&id);
    assert_eq!(incident["steps"][0]["by"], "bob");
}

#[test]
fn forced_tick_is_recorded_as_forced() {
    let ws = Workspace::new();
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    ws.ok("alice", &["tick", &id, "purge-caches", "--force"]);
    let step = ws.status_json(&id)["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| s["id"] == "purge-caches")
        .cloned()
        .expect("step");
    assert_eq!(step["state"], "done");
    assert_eq!(step["forced"], true);
}

#[test]
fn close_with_open_required_steps_needs_force_and_reason() {
    let ws = Workspace::new();
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    ws.ok("alice", &["resolve", &id]);
    let err = ws.refused("alice", &["close", &id], 1);
    assert!(err.contains("required steps still open: confirm-signal"), "{err}");
    let out = ws.run("alice", &["close", &id, "--force"]);
    assert_eq!(out.status.code(), Some(2), "clap demands --reason");
    ws.ok("alice", &["close", &id, "--force", "--reason", "drill stopped at the 30-minute mark"]);
    assert_eq!(ws.status_json(&id)["state"], "closed");
}

#[test]
fn incident_ids_may_be_shortened_to_a_unique_tail() {
    let ws = Workspace::new();
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    let tail = id.rsplit('-').next().expect("tail");
    ws.ok("alice", &["note", tail, "short ids work at 2am"]);
    assert_eq!(ws.status_json(&id)["notes"][0]["text"], "short ids work at 2am");
}

#[test]
fn a_tail_shared_by_two_days_names_the_open_incident() {
    let ws = Workspace::new();
    let on = |day: &str, args: &[&str]| {
        let out = ws.command("alice").env("WARROOM_TEST_NOW", day).args(args).output().expect("run");
        assert!(out.status.success(), "{args:?}: {}", common::stderr(&out));
        String::from_utf8(out.stdout).expect("utf-8").trim().to_owned()
    };
    let yesterday = on("2026-11-23T10:00:00Z", &["declare", "--runbook", "runaway-agent-cost"]);
    on("2026-11-23T11:00:00Z", &["resolve", &yesterday]);
    on("2026-11-23T12:00:00Z", &["close", &yesterday, "--force", "--reason", "done"]);
    on("2026-11-23T12:01:00Z", &["archive", &yesterday, "--reason", "done"]);
    let today = on("2026-11-24T10:00:00Z", &["declare", "--runbook", "runaway-agent-cost"]);
    assert_eq!((yesterday.as_str(), today.as_str()), ("INC-20261123-001", "INC-20261124-001"));
    on("2026-11-24T10:05:00Z", &["note", "001", "which one?"]);
    assert_eq!(ws.status_json(&today)["notes"][0]["text"], "which one?");
}

#[test]
fn untrusted_text_is_escaped_in_the_file_and_sanitised_on_screen() {
    let ws = Workspace::new();
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    let nasty = "agent said \u{1b}[2J\u{1b}]0;pwned\u{7} \u{202e}gnp.exe zero\u{200b}width café";
    ws.ok("alice", &["note", &id, nasty]);
    let bytes = std::fs::read(ws.log(&id)).expect("log");
    assert!(bytes.iter().all(|b| (0x20..0x7f).contains(b) || *b == b'\n'), "raw bytes outside printable ASCII");
    assert_eq!(ws.status_json(&id)["notes"][0]["text"], nasty, "stored as received");
    let human = ws.ok("alice", &["status", &id]);
    assert!(!human.contains('\u{1b}') && !human.contains('\u{202e}') && !human.contains('\u{200b}'));
    assert!(human.contains("␛[2J") && human.contains("⟨U+202E⟩") && human.contains("café"), "{human}");
}

#[test]
fn aware_at_accepts_relative_and_absolute_times_and_refuses_the_future() {
    let ws = Workspace::new();
    let out = ws
        .command("alice")
        .env("WARROOM_TEST_NOW", "2026-11-24T05:00:00Z")
        .args(["declare", "--runbook", "cross-tenant-pii-leak", "--aware-at", "-90m"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", common::stderr(&out));
    let id = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert_eq!(ws.status_json(&id)["aware_at"], "2026-11-24T03:30:00Z");
    let err =
        ws.refused("alice", &["declare", "--runbook", "cross-tenant-pii-leak", "--aware-at", "2999-01-01 00:00"], 1);
    assert!(err.contains("future"), "{err}");
    let err = ws.refused("alice", &["declare", "--runbook", "cross-tenant-pii-leak", "--aware-at", "teatime"], 2);
    assert!(err.contains("cannot read the time"), "{err}");
}

#[test]
fn the_main_command_declares_a_demo_drill_once_in_an_empty_workspace() {
    let ws = Workspace::new();
    let plain = ws.run("alice", &[]);
    assert!(plain.status.success());
    assert!(!common::stderr(&plain).contains("Declared demo"), "only the default workspace gets it unasked");
    let first = ws.run("alice", &["--demo"]);
    assert!(first.status.success(), "{}", common::stderr(&first));
    assert!(common::stderr(&first).contains("Declared demo incident"), "{}", common::stderr(&first));
    let summary = String::from_utf8_lossy(&first.stdout);
    assert!(summary.contains("[DRILL]") && summary.contains("gdpr-33"), "{summary}");
    let second = ws.run("alice", &["--demo"]);
    assert!(!common::stderr(&second).contains("Declared demo incident"));
    let all = ws.ok("alice", &["status", "--json"]);
    let value: serde_json::Value = serde_json::from_str(&all).expect("json");
    assert_eq!(value["incidents"].as_array().expect("list").len(), 1);
    assert_eq!(value["incidents"][0]["drill"], true);
}

#[test]
fn the_default_workspace_gets_the_demo_on_first_start() {
    let home = tempfile::tempdir().expect("home");
    let out = std::process::Command::new(common::BIN)
        .env_clear()
        .env("HOME", home.path())
        .env("WARROOM_USER", "alice")
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(common::stderr(&out).contains("Declared demo incident"), "{}", common::stderr(&out));
    assert!(home.path().join(".local/share/warroom/incidents").is_dir());
}

#[test]
fn usage_errors_exit_2_without_a_backtrace() {
    let ws = Workspace::new();
    let out = ws.run("alice", &["tick"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!common::stderr(&out).contains("panicked"));
}

#[test]
fn output_cut_short_by_its_reader_is_a_quiet_exit() {
    use std::io::Read;
    let ws = Workspace::new();
    for _ in 0..40 {
        ws.declare("alice", "cross-tenant-pii-leak");
    }
    // Far more than a pipe holds, so the writer meets the closed pipe whatever the timing.
    let mut child = ws
        .command("auditor")
        .args(["status", "--json", "--all"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("status");
    let mut first = [0u8; 10];
    child.stdout.take().expect("stdout").read_exact(&mut first).expect("the first bytes");
    let out = child.wait_with_output().expect("ends");
    assert_eq!(&first[..1], b"{");
    assert_eq!(common::stderr(&out), "", "nothing on stderr");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn the_workspace_and_its_exports_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let ws = Workspace::new();
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    let out = ws.path().join("exports").join("handover");
    ws.ok("dpo", &["export", &id, "--out", out.to_str().expect("path")]);
    let mode = |path: &std::path::Path| std::fs::metadata(path).expect("metadata").permissions().mode() & 0o777;
    for dir in ["incidents", "open", "exports", "exports/handover"] {
        assert_eq!(mode(&ws.path().join(dir)), 0o700, "{dir}");
    }
    assert_eq!(mode(&ws.log(&id)), 0o600);
    assert_eq!(mode(&ws.path().join("open").join(&id)), 0o600);
    for file in std::fs::read_dir(&out).expect("bundle") {
        let path = file.expect("entry").path();
        let expected = if path.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode(&path), expected, "{}", path.display());
    }
}

#[test]
fn a_responder_name_has_one_spelling_and_the_login_comes_from_the_system() {
    let ws = Workspace::new();
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    let err = ws.refused("alice ", &["note", &id, "from a name with a trailing space"], 2);
    assert!(err.contains("has spaces around it"), "{err}");
    let err = ws.refused("alice", &["assign", &id, "commander", "bob "], 1);
    assert!(err.contains("has spaces around it"), "{err}");
    let out = ws.command("alice").env("USER", "forged").env("LOGNAME", "forged").args(["note", &id, "hi"]).output();
    assert!(out.expect("note").status.success());
    let log = std::fs::read_to_string(ws.log(&id)).expect("log");
    let noted = log.lines().last().expect("the note");
    assert!(noted.contains(r#""name":"alice""#) && !noted.contains("forged"), "the login is the system's: {noted}");
}

#[test]
fn verify_names_a_log_copied_over_another_and_a_time_set_back() {
    let ws = Workspace::new();
    let at = |time: &str, args: &[&str]| {
        let out = ws.command("alice").env("WARROOM_TEST_NOW", time).args(args).output().expect("run");
        assert!(out.status.success(), "{args:?}: {}", common::stderr(&out));
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    let first = at("2026-11-24T10:00:00Z", &["declare", "--runbook", "cross-tenant-pii-leak"]);
    let second = at("2026-11-24T10:01:00Z", &["declare", "--runbook", "cross-tenant-pii-leak"]);
    at("2026-11-24T10:02:00Z", &["note", &second, "in order"]);
    at("2026-11-24T10:06:00Z", &["note", &second, "a few minutes"]);
    at("2026-11-24T10:03:00Z", &["note", &second, "three minutes behind: a lock wait or drift, tolerated"]);
    ws.ok("auditor", &["verify", &second]);
    at("2026-11-24T08:00:00Z", &["note", &first, "two hours before the declaration"]);
    let out = ws.run("auditor", &["verify"]);
    assert_eq!(out.status.code(), Some(3), "{}", common::stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("seq 2 was recorded at 2026-11-24T08:00:00Z but seq 1 before it says 2026-11-24T10:00:00Z"),
        "{said}"
    );

    std::fs::copy(ws.log(&second), ws.log(&first)).expect("copy over");
    let out = ws.run("auditor", &["verify", &first]);
    assert_eq!(out.status.code(), Some(3));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains(&format!("its first line declares {second}: another incident's log copied over")), "{said}");
}
