//! The export bundle of a scripted incident with a fixed clock: golden files, the timeline read
//! back into the same incident, verification failing on any changed byte, redaction, inert
//! escape sequences, and Markdown that a real renderer reads with its tables intact.

mod common;

use std::path::{Path, PathBuf};

use common::Workspace;
use warroom::domain::event::Envelope;
use warroom::domain::incident::Incident;
use warroom::store::Store;

/// Runs `warroom` at a fixed time (UTC).
fn at(ws: &Workspace, actor: &str, time: &str, args: &[&str]) -> String {
    let out = ws.command(actor).env("WARROOM_TEST_NOW", time).args(args).output().expect("run");
    assert!(out.status.success(), "warroom {args:?}: {}", common::stderr(&out));
    String::from_utf8(out.stdout).expect("utf-8")
}

/// A cross-tenant leak worked through and closed, all at fixed times. Returns its bundle.
fn scripted(ws: &Workspace) -> PathBuf {
    let t = |h: u32, m: u32| format!("2026-11-24T{h:02}:{m:02}:00Z");
    at(
        ws,
        "alice",
        &t(2, 0),
        &["declare", "--runbook", "cross-tenant-pii-leak", "--title", "Support agent showed Globex three Acme records"],
    );
    at(ws, "alice", &t(2, 1), &["decide", "001", "aware", "--evidence", "trace 7f3a"]);
    at(ws, "alice", &t(2, 2), &["assign", "001", "privacy", "priya"]);
    at(ws, "sam", &t(2, 3), &["tick", "001", "confirm-signal", "--note", "3 records of acme shown to globex"]);
    at(
        ws,
        "sam",
        &t(2, 5),
        &[
            "note",
            "001",
            "SUMMARY: the agent showed Globex 3 Acme records incl. jane.roe@acme.example and +44 20 7946 0958 \u{1b}]0;pwned\u{7}",
        ],
    );
    at(ws, "sam", &t(2, 6), &["note", "001", "IMPACT: 1 tenant, 3 data subjects, contact data, 40 minutes"]);
    at(ws, "sam", &t(2, 7), &["note", "001", "TODO(bob, prevent): cross-tenant retrieval test in the release gate"]);
    at(ws, "sam", &t(2, 8), &["note", "001", "TODO: rotate the retrieval cache key | audit | now"]);
    at(ws, "priya", &t(3, 0), &["clock", "provide", "001", "gdpr-33", "a", "3 data subjects of one tenant; 3 records"]);
    at(ws, "priya", &t(3, 1), &["clock", "provide", "001", "gdpr-33", "c", "none beyond the disclosure itself"]);
    at(ws, "priya", &t(4, 0), &["notify", "001", "gdpr-33", "--ref", "ICO-2026-1142", "--channel", "portal"]);
    at(
        ws,
        "priya",
        &t(4, 5),
        &["waive", "001", "gdpr-34", "--rationale", "no high risk: contact data only, deleted by recipient"],
    );
    at(ws, "alice", &t(5, 0), &["resolve", "001"]);
    let closed = at(
        ws,
        "alice",
        &t(5, 30),
        &["close", "001", "--force", "--reason", "drill of the export; remaining clocks tracked in the DPO's register"],
    );
    assert!(closed.contains("bundle written to"), "{closed}");
    ws.path().join("exports").join("INC-20261124-001")
}

fn files(dir: &Path) -> Vec<String> {
    let sums = std::fs::read_to_string(dir.join("SHA256SUMS")).expect("sums");
    sums.lines().filter_map(|l| l.split_once("  ").map(|(_, f)| f.to_owned())).collect()
}

/// Actor hosts, pids and hashes vary from run to run; everything else is fixed.
fn stable(text: &str) -> String {
    let hash = regex::Regex::new(r"[0-9a-f]{64}").expect("re");
    let host = regex::Regex::new(r#""(host|login)": "[^"]*""#).expect("re");
    let pid = regex::Regex::new(r#""pid": \d+"#).expect("re");
    let text = hash.replace_all(text, "<hash>");
    let text = host.replace_all(&text, "\"$1\": \"<…>\"");
    pid.replace_all(&text, "\"pid\": 0").into_owned()
}

#[test]
fn the_bundle_of_a_scripted_incident_is_golden() {
    let ws = Workspace::new();
    let dir = scripted(&ws);
    let listed = files(&dir);
    insta::assert_snapshot!("bundle_files", listed.join("\n"));
    for file in &listed {
        if file.starts_with("evidence/") || file == "timeline.json" || file.ends_with(".pdf") {
            continue;
        }
        let text = std::fs::read_to_string(dir.join(file)).expect("file");
        insta::assert_snapshot!(format!("bundle_{}", file.replace(['/', '.'], "_")), stable(&text));
    }
    let checked = ws.ok("auditor", &["verify", dir.to_str().expect("path")]);
    assert!(checked.contains("the copied log verified"), "{checked}");
}

#[test]
fn the_timeline_reads_back_into_the_same_incident() {
    let ws = Workspace::new();
    let dir = scripted(&ws);
    let timeline: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("timeline.json")).expect("timeline")).expect("json");
    let envelopes: Vec<Envelope> = timeline["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| {
            serde_json::from_value(
                serde_json::json!({"seq": e["seq"], "at": e["at"], "actor": e["actor"], "event": e["event"]}),
            )
            .expect("envelope")
        })
        .collect();
    let mut rebuilt = Incident::declared(&envelopes[0]).expect("declared");
    for envelope in &envelopes[1..] {
        rebuilt.apply(envelope);
    }
    let store = warroom::store::Workspace::open(ws.path()).expect("workspace");
    let sealed = store.incident("INC-20261124-001").expect("incident");
    assert_eq!(rebuilt, sealed);
    let log = std::fs::read_to_string(ws.log("INC-20261124-001")).expect("log");
    for (line, event) in log.lines().zip(timeline["events"].as_array().expect("events")) {
        let sealed: serde_json::Value = serde_json::from_str(line).expect("line");
        assert_eq!(sealed["hash"], event["hash"], "each event keeps its original hash");
    }
}

#[test]
fn verify_fails_when_any_byte_of_the_bundle_changes() {
    let ws = Workspace::new();
    let dir = scripted(&ws);
    let check = |what: &str| {
        let err = ws.refused("auditor", &["verify", dir.to_str().expect("path")], 3);
        assert!(err.contains("does not verify"), "{what}: {err}");
    };
    let mut seed = 7u64;
    for file in files(&dir).iter().chain(std::iter::once(&"SHA256SUMS".to_owned())) {
        let path = dir.join(file);
        let original = std::fs::read(&path).expect("read");
        for _ in 0..3 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let at = (seed >> 33) as usize % original.len();
            let mut changed = original.clone();
            changed[at] ^= 0x20;
            std::fs::write(&path, &changed).expect("write");
            check(&format!("{file} byte {at}"));
        }
        std::fs::write(&path, &original).expect("restore");
    }
    std::fs::write(dir.join("extra.md"), "added later").expect("extra");
    check("an added file");
    std::fs::remove_file(dir.join("extra.md")).expect("remove");
    ws.ok("auditor", &["verify", dir.to_str().expect("path")]);
}

/// Rewrites `SHA256SUMS` for the files as they are now: what someone holding the bundle (and
/// no signing key) can always do.
fn resum(dir: &Path) {
    use sha2::{Digest, Sha256};
    let sums: String = files(dir)
        .iter()
        .filter(|f| *f != "SHA256SUMS")
        .map(|f| format!("{:x}  {f}\n", Sha256::digest(std::fs::read(dir.join(f)).expect("read"))))
        .collect();
    std::fs::write(dir.join("SHA256SUMS"), sums).expect("sums");
}

#[test]
fn a_timeline_that_says_other_than_the_sealed_log_fails_even_with_fresh_sums() {
    let ws = Workspace::new();
    let dir = scripted(&ws);
    let timeline = dir.join("timeline.json");
    let original = std::fs::read_to_string(&timeline).expect("timeline");
    for (what, from, to) in [
        ("actor", r#""name":"sam""#, r#""name":"carol""#),
        ("time", r#""at":"2026-11-24T02:05"#, r#""at":"2026-11-24T01:05"#),
        ("event", r#""kind":"note_added""#, r#""kind":"note_addeD""#),
    ] {
        assert!(original.contains(from), "{what}: the timeline has {from}");
        std::fs::write(&timeline, original.replacen(from, to, 1)).expect("write");
        resum(&dir);
        let err = ws.refused("auditor", &["verify", dir.to_str().expect("path")], 3);
        assert!(err.contains(&format!("'s {what} differs from the sealed log")), "{what}: {err}");
    }
    std::fs::write(&timeline, original).expect("restore");
    resum(&dir);
    ws.ok("auditor", &["verify", dir.to_str().expect("path")]);
}

#[test]
fn drafts_are_redacted_and_a_redacted_bundle_keeps_hashes_but_not_the_log() {
    let ws = Workspace::new();
    let internal = scripted(&ws);
    let postmortem = std::fs::read_to_string(internal.join("postmortem.md")).expect("pm");
    assert!(postmortem.contains("jane.roe@acme.example"), "the internal post-mortem is not redacted unless asked");
    let drafts = files(&internal).into_iter().filter(|f| f.starts_with("comms/") || f.starts_with("filings/"));
    for file in drafts.filter(|f| f.ends_with(".md")) {
        let text = std::fs::read_to_string(internal.join(&file)).expect("draft");
        assert!(!text.contains("jane.roe@acme.example") && !text.contains("7946 0958"), "{file}: {text}");
    }
    let out = ws.path().join("for-the-dpo");
    at(&ws, "priya", "2026-11-24T06:00:00Z", &["export", "001", "--redact", "--out", out.to_str().expect("path")]);
    let listed = files(&out);
    assert!(!listed.iter().any(|f| f.starts_with("evidence/")), "no copy of the unredacted log: {listed:?}");
    for file in &listed {
        let text = String::from_utf8_lossy(&std::fs::read(out.join(file)).expect("file")).into_owned();
        assert!(!text.contains("jane.roe@acme.example") && !text.contains("dpo@ourco.example"), "{file}");
    }
    let pm = std::fs::read_to_string(out.join("postmortem.md")).expect("pm");
    assert!(pm.contains("<email-1>") && pm.contains("<phone-1>"), "{pm}");
    let manifest = std::fs::read_to_string(out.join("redactions.json")).expect("manifest");
    assert!(manifest.contains(r#""kind": "email""#) && !manifest.contains("acme.example"), "{manifest}");
    let checked = ws.ok("auditor", &["verify", out.to_str().expect("path")]);
    assert!(checked.contains("redacted"), "{checked}");
    let again = ws.refused("priya", &["export", "001", "--out", out.to_str().expect("path")], 1);
    assert!(again.contains("already exists"), "{again}");
}

#[test]
fn escape_sequences_in_facts_are_inert_in_every_file() {
    let ws = Workspace::new();
    let dir = scripted(&ws);
    for file in files(&dir).iter().filter(|f| !f.starts_with("evidence/")) {
        let bytes = std::fs::read(dir.join(file)).expect("file");
        let control = bytes.iter().find(|b| (**b < 0x20 && **b != b'\n' && **b != b'\r') || **b == 0x7f);
        assert_eq!(control, None, "{file} carries a raw control byte");
    }
    let comms = std::fs::read_to_string(dir.join("comms/controller-notice.md")).expect("comms");
    assert!(comms.contains("␛]0;pwned␇"), "shown visibly: {comms}");
}

#[test]
fn the_post_mortem_is_markdown_whose_tables_survive_a_renderer() {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let ws = Workspace::new();
    let dir = scripted(&ws);
    let text = std::fs::read_to_string(dir.join("postmortem.md")).expect("pm");
    let mut tables: Vec<(usize, Vec<usize>)> = Vec::new();
    let mut cells = 0;
    for event in Parser::new_ext(&text, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Table(columns)) => tables.push((columns.len(), Vec::new())),
            Event::Start(Tag::TableCell) => cells += 1,
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => {
                if let Some((_, rows)) = tables.last_mut() {
                    rows.push(cells);
                }
                cells = 0;
            }
            _ => {}
        }
    }
    let log_lines = std::fs::read_to_string(ws.log("INC-20261124-001")).expect("log").lines().count();
    let full = |(columns, rows): &&(usize, Vec<usize>)| *columns == 3 && rows.len() == log_lines + 1;
    assert!(tables.iter().any(|t| full(&t)), "the full timeline: a header and one row per event");
    for (columns, rows) in &tables {
        assert!(rows.iter().all(|cells| cells == columns), "a row with a stray | broke a table: {rows:?}");
    }
    let action_items = tables.iter().find(|(columns, rows)| *columns == 4 && rows.len() == 3).expect("2 action items");
    assert_eq!(action_items.0, 4);
    assert!(text.contains("rotate the retrieval cache key \\| audit \\| now"), "pipes escaped in cells");
}
