//! Witnessed chain heads: every way of damaging a log that keeps each remaining line valid
//! (cutting its tail, rewriting a line and re-chaining the rest, emptying it, deleting it,
//! copying another incident's log over it) is caught by `verify`, with a witness directory
//! and with an export bundle as the only checkpoint.

mod common;

use std::path::Path;

use common::Workspace;

#[derive(Clone, Copy, Debug)]
enum Tamper {
    Truncate,
    Rechain,
    Empty,
    Delete,
    Swap,
}

const ALL: [Tamper; 5] = [Tamper::Truncate, Tamper::Rechain, Tamper::Empty, Tamper::Delete, Tamper::Swap];

/// Two incidents with a few notes each; the first is the one damaged.
fn incidents(ws: &Workspace, witness: Option<&Path>) -> (String, String) {
    let with = |args: &[&str]| {
        let mut command = ws.command("alice");
        if let Some(dir) = witness {
            command.env("WARROOM_WITNESS", dir);
        }
        let out = command.args(args).output().expect("run");
        assert!(out.status.success(), "{args:?}: {}", common::stderr(&out));
        String::from_utf8(out.stdout).expect("utf-8").trim().to_owned()
    };
    let first = with(&["declare", "--runbook", "kill-switch-fired"]);
    let second = with(&["declare", "--runbook", "kill-switch-fired"]);
    for n in 0..4 {
        with(&["note", &first, &format!("note {n}")]);
        with(&["note", &second, &format!("other {n}")]);
    }
    (first, second)
}

fn tamper(ws: &Workspace, how: Tamper, id: &str, other: &str) {
    let log = ws.log(id);
    let text = std::fs::read_to_string(&log).expect("log");
    let lines: Vec<&str> = text.lines().collect();
    match how {
        Tamper::Truncate => std::fs::write(&log, format!("{}\n", lines[..lines.len() - 2].join("\n"))),
        Tamper::Rechain => std::fs::write(&log, rechain(&lines, lines.len() - 3, "note 1", "all fine")),
        Tamper::Empty => std::fs::write(&log, ""),
        Tamper::Delete => std::fs::remove_file(&log),
        Tamper::Swap => std::fs::copy(ws.log(other), &log).map(|_| ()),
    }
    .expect("tamper");
}

/// Replaces `from` with `to` in line `at` and recomputes every hash from there on: each
/// line still verifies on its own and chains to the one before (its signature, if it had
/// one, is dropped: it no longer matches).
fn rechain(lines: &[&str], at: usize, from: &str, to: &str) -> String {
    let mut out = String::new();
    let mut prev: Option<String> = None;
    for (n, line) in lines.iter().enumerate() {
        if n < at {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let (body, _) = line.rsplit_once(r#","hash":""#).expect("sealed");
        let mut body = body.replace(from, to);
        if let Some(prev) = &prev {
            let old: serde_json::Value = serde_json::from_str(&format!("{body}}}")).expect("json");
            body = body.replace(old["prev"].as_str().expect("prev"), prev);
        }
        let hash = warroom::store::line::hex(&warroom::store::line::body_hash(body.as_bytes()));
        out.push_str(&format!("{body},\"hash\":\"{hash}\"}}\n"));
        prev = Some(hash);
    }
    out
}

fn expected(how: Tamper) -> &'static str {
    match how {
        Tamper::Truncate => "TRUNCATED: seq 4-5 missing",
        Tamper::Rechain => "REWRITTEN: seq ",
        Tamper::Empty => "EMPTIED",
        Tamper::Delete => "DELETED",
        Tamper::Swap => "another incident's log copied over this one",
    }
}

fn verify(ws: &Workspace, witness: Option<&Path>) -> (Option<i32>, String) {
    verify_args(ws, witness, &["verify"])
}

fn verify_args(ws: &Workspace, witness: Option<&Path>, args: &[&str]) -> (Option<i32>, String) {
    let mut command = ws.command("auditor");
    if let Some(dir) = witness {
        command.env("WARROOM_WITNESS", dir);
    }
    let out = command.args(args).output().expect("verify");
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned() + &common::stderr(&out))
}

#[test]
fn every_kind_of_damage_is_caught_by_a_witness() {
    for how in ALL {
        let ws = Workspace::new();
        let witness = tempfile::tempdir().expect("witness");
        let (id, other) = incidents(&ws, Some(witness.path()));
        assert_eq!(verify(&ws, Some(witness.path())).0, Some(0), "{how:?}: sound before");
        tamper(&ws, how, &id, &other);
        let (code, report) = verify(&ws, Some(witness.path()));
        assert_eq!(code, Some(3), "{how:?}: {report}");
        assert!(report.contains(&format!("✗ {id}:")) && report.contains(expected(how)), "{how:?}: {report}");
        assert!(!report.contains(&format!("✓ {id}")), "{how:?}: never both sound and damaged: {report}");
        let (code, alone) = verify_args(&ws, Some(witness.path()), &["verify", &id]);
        assert_eq!(code, Some(3), "{how:?}, this incident alone: {alone}");
        assert!(alone.contains(expected(how)) && !alone.contains(&format!("✓ {id}")), "{how:?}: {alone}");
        if matches!(how, Tamper::Rechain) {
            assert!(
                report.contains("REWRITTEN: seq 3 "),
                "every checkpoint counts: the earliest changed line: {report}"
            );
        }
        if matches!(how, Tamper::Truncate | Tamper::Rechain | Tamper::Empty) {
            let before = std::fs::read(ws.log(&id)).expect("log");
            let mut note = ws.command("alice");
            let out = note.env("WARROOM_WITNESS", witness.path()).args(["note", &id, "x"]).output().expect("note");
            assert_eq!(out.status.code(), Some(3), "{how:?}: no writing over the damage");
            assert!(common::stderr(&out).contains(expected(how)), "{how:?}: {}", common::stderr(&out));
            assert_eq!(std::fs::read(ws.log(&id)).expect("log"), before, "{how:?}: nothing appended");
        }
        let (_, without) = verify(&ws, None);
        if matches!(how, Tamper::Truncate | Tamper::Rechain | Tamper::Delete) {
            assert!(!without.contains(&format!("✗ {id}")), "{how:?} needs the witness to show: {without}");
        }
    }
}

#[test]
fn every_kind_of_damage_is_caught_by_an_export_bundle_alone() {
    for how in ALL {
        let ws = Workspace::new();
        let (id, other) = incidents(&ws, None);
        ws.ok("alice", &["export", &id]);
        tamper(&ws, how, &id, &other);
        let (code, report) = verify(&ws, None);
        assert_eq!(code, Some(3), "{how:?}: {report}");
        let named = matches!(how, Tamper::Swap) || report.contains("/exports/");
        assert!(report.contains(expected(how)) && named, "{how:?}: {report}");
    }
}

#[test]
fn a_log_cut_back_and_written_on_past_its_old_end_is_caught_at_the_first_changed_line() {
    let ws = Workspace::new();
    let witness = tempfile::tempdir().expect("witness");
    let (id, _) = incidents(&ws, Some(witness.path()));
    let text = std::fs::read_to_string(ws.log(&id)).expect("log");
    let kept: Vec<&str> = text.lines().take(3).collect();
    std::fs::write(ws.log(&id), format!("{}\n", kept.join("\n"))).expect("cut");
    // With the witness, the writer refuses to bury the cut; without it, the lines go on.
    let out = ws.command("mallory").env("WARROOM_WITNESS", witness.path()).args(["note", &id, "m"]).output();
    assert_eq!(out.expect("run").status.code(), Some(3));
    for n in 0..4 {
        ws.ok("mallory", &["note", &id, &format!("m{n}")]);
    }
    let (code, report) = verify(&ws, Some(witness.path()));
    assert_eq!(code, Some(3), "{report}");
    assert!(report.contains("REWRITTEN: seq 4 "), "the newer checkpoints agree; the older ones do not: {report}");
}

#[test]
fn a_line_whose_newline_was_cut_is_not_quarantined_as_a_torn_write() {
    let ws = Workspace::new();
    let (id, _) = incidents(&ws, None);
    let log = ws.log(&id);
    let text = std::fs::read_to_string(&log).expect("log");
    std::fs::write(&log, text.trim_end_matches('\n')).expect("cut the newline");
    let out = ws.run("bob", &["note", &id, "after the cut"]);
    assert_eq!(out.status.code(), Some(3), "{}", common::stderr(&out));
    assert!(common::stderr(&out).contains("a whole sealed line has lost its newline"), "{}", common::stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&log).expect("log"),
        text.trim_end_matches('\n'),
        "nothing quarantined or added"
    );
    assert!(!ws.path().join("quarantine").exists());
    let (code, report) = verify(&ws, None);
    assert_eq!(code, Some(3));
    assert!(report.contains("seq 5") && report.contains("lost its newline"), "{report}");
}

#[test]
fn a_fifo_or_a_link_planted_as_a_witness_file_neither_hangs_nor_is_read() {
    let ws = Workspace::new();
    let witness = tempfile::tempdir().expect("witness");
    let (id, _) = incidents(&ws, Some(witness.path()));
    let planted = witness.path().join(format!("{id}.checkpoints"));
    std::fs::remove_file(&planted).expect("remove");
    let made = std::process::Command::new("mkfifo").arg(&planted).status().expect("mkfifo");
    assert!(made.success());
    let started = std::time::Instant::now();
    let out = ws.command("alice").env("WARROOM_WITNESS", witness.path()).args(["note", &id, "still writes"]).output();
    assert!(out.expect("run").status.success(), "a witness that is not a file costs the log nothing");
    std::fs::remove_file(&planted).expect("remove");
    std::os::unix::fs::symlink("/dev/zero", &planted).expect("link");
    let (code, report) = verify(&ws, Some(witness.path()));
    assert_eq!(code, Some(0), "{report}");
    assert!(started.elapsed() < std::time::Duration::from_secs(10), "no hang");
    let (code, report) = verify(&ws, Some(&witness.path().join("missing")));
    assert_eq!(code, Some(3), "a comparison asked for and not made: {report}");
    assert!(report.contains("is not a directory: nothing was compared with it"), "{report}");
}

#[test]
fn a_rewritten_signed_log_reports_its_signatures_and_its_checkpoint_both() {
    let keys = tempfile::tempdir().expect("keys");
    let alice = common::keys::keygen(keys.path(), "alice");
    let ws = Workspace::new();
    std::fs::write(ws.path().join("allowed_signers"), format!("alice {}\n", common::keys::public_line(&alice)))
        .expect("allowed_signers");
    let id = ws.ok_with_key("alice", &alice, &["declare", "--runbook", "kill-switch-fired"]).trim().to_owned();
    for n in 0..4 {
        ws.ok_with_key("alice", &alice, &["note", &id, &format!("note {n}")]);
    }
    ws.ok_with_key("alice", &alice, &["export", &id]);
    let log = ws.log(&id);
    let text = std::fs::read_to_string(&log).expect("log");
    let lines: Vec<&str> = text.lines().collect();
    std::fs::write(&log, rechain(&lines, lines.len() - 3, "note 1", "all fine")).expect("tamper");
    let (code, report) = verify(&ws, None);
    assert_eq!(code, Some(3), "{report}");
    assert!(report.contains(&format!("✗ {id}: {} events, the chain whole; ", lines.len())), "{report}");
    assert!(report.contains("REWRITTEN: seq "), "the checkpoint is compared too: {report}");
}
