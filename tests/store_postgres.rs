//! The PostgreSQL store driven through the real binary against a real server: the same history
//! gives the same bytes, status and verdict as the file workspace; evidence cannot be changed
//! or removed through the database; an unreachable or foreign database is a clear refusal.

mod common;

use std::path::{Path, PathBuf};

use common::Workspace;
use common::postgres::{self, Server};

fn t(h: u32, m: u32) -> String {
    format!("2026-11-24T{h:02}:{m:02}:00Z")
}

/// A cross-tenant leak worked through and closed at fixed times; returns its bundle.
fn scripted(ws: &Workspace) -> PathBuf {
    let title = "Support agent showed Globex three Acme records \u{1b}]0;pwned\u{7}";
    ws.ok_at("alice", &t(2, 0), &["declare", "--runbook", "cross-tenant-pii-leak", "--title", title]);
    ws.ok_at("alice", &t(2, 1), &["decide", "001", "aware", "--evidence", "trace 7f3a"]);
    ws.ok_at("sam", &t(2, 3), &["tick", "001", "confirm-signal", "--note", "3 records of acme shown to globex"]);
    ws.ok_at("sam", &t(2, 5), &["note", "001", "IMPACT: 1 tenant, 3 data subjects, contact data"]);
    ws.ok_at("priya", &t(4, 0), &["notify", "001", "gdpr-33", "--ref", "ICO-2026-1142", "--channel", "portal"]);
    ws.ok_at("alice", &t(5, 0), &["resolve", "001"]);
    let closed =
        ws.ok_at("alice", &t(5, 30), &["close", "001", "--force", "--reason", "remaining clocks with the DPO"]);
    Workspace::bundle_in(&closed)
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("bundle") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            found.extend(files(&path).into_iter().map(|(name, bytes)| (format!("{}/{name}", file_name(&path)), bytes)));
        } else {
            found.push((file_name(&path), std::fs::read(&path).expect("file")));
        }
    }
    found.sort();
    found
}

fn file_name(path: &Path) -> String {
    path.file_name().expect("name").to_string_lossy().into_owned()
}

fn path(dir: &Path) -> &str {
    dir.to_str().expect("utf-8 path")
}

/// Differences between two directories' files, named with their first differing line.
fn differences(left: &Path, right: &Path) -> Vec<String> {
    let (left, right) = (files(left), files(right));
    let names = |files: &[(String, Vec<u8>)]| files.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    let mut found: Vec<String> = left
        .iter()
        .zip(&right)
        .filter(|(l, r)| l != r)
        .map(|((name, l), (_, r))| {
            let (l, r) = (String::from_utf8_lossy(l), String::from_utf8_lossy(r));
            let line = l.lines().zip(r.lines()).find(|(a, b)| a != b).map(|(a, b)| (cut(a), cut(b)));
            format!("{name}: {line:?}")
        })
        .collect();
    if names(&left) != names(&right) {
        found.push(format!("{:?} against {:?}", names(&left), names(&right)));
    }
    found
}

fn cut(line: &str) -> String {
    line.chars().take(160).collect()
}

#[test]
fn a_history_copied_to_postgres_gives_the_same_export_status_search_and_verdict() {
    let on_files = Workspace::new();
    scripted(&on_files);
    on_files.ok_at("bob", &t(6, 0), &["declare", "--runbook", "tool-exploit", "--title", "still open"]);
    let on_postgres = Workspace { store: Some(postgres::database()), ..Workspace::new() };
    let copied = on_files.ok(
        "ops",
        &["store", "copy", "--from", path(on_files.path()), "--to", on_postgres.store.as_deref().expect("url")],
    );
    assert!(copied.starts_with("copied 2 logs from "), "{copied}");
    for (args, time) in [
        (&["status", "--json"][..], t(6, 30)),
        (&["status", "--all", "--json"], t(6, 30)),
        (&["status", "INC-20261124-001", "--json"], t(6, 30)),
        (&["search", "Globex"], t(6, 30)),
        (&["clock", "list", "INC-20261124-002"], t(6, 30)),
    ] {
        let (file, pg) = (on_files.ok_at("auditor", &time, args), on_postgres.ok_at("auditor", &time, args));
        let differing = file.lines().zip(pg.lines()).find(|(f, p)| f != p && !f.starts_with("  \"workspace\": "));
        assert_eq!(differing, None, "{args:?}");
        assert_eq!(file.lines().count(), pg.lines().count(), "{args:?}");
    }
    let bundles: Vec<PathBuf> = [&on_files, &on_postgres]
        .iter()
        .map(|ws| {
            let out = ws.path().join("export");
            ws.ok_at("auditor", &t(6, 30), &["export", "INC-20261124-001", "--out", path(&out)]);
            out
        })
        .collect();
    assert_eq!(differences(&bundles[0], &bundles[1]), Vec::<String>::new());
    let verdict = on_postgres.ok_at("auditor", &t(6, 30), &["verify"]);
    assert!(verdict.contains("INC-20261124-001") && verdict.contains("INC-20261124-002"), "{verdict}");
    on_postgres.ok_at("auditor", &t(6, 30), &["verify", path(&bundles[1])]);
}

#[test]
fn a_copy_from_files_to_postgres_and_back_is_byte_identical_and_a_second_copy_changes_nothing() {
    let origin = Workspace::new();
    scripted(&origin);
    origin.ok_at("bob", &t(6, 0), &["declare", "--runbook", "tool-exploit"]);
    let unrouted = origin.path().join("unrouted.json");
    std::fs::write(&unrouted, r#"{"name":"UnmatchedSignal"}"#).expect("alert");
    origin.ok_at("alertmanager", &t(6, 1), &["alert", "ingest", path(&unrouted)]);
    let url = postgres::database();
    let home = tempfile::tempdir().expect("laptop");
    let laptop = home.path().join("ws");
    origin.ok("ops", &["store", "copy", "--from", path(origin.path()), "--to", &url]);
    let back = origin.ok("ops", &["store", "copy", "--from", &url, "--to", path(&laptop)]);
    assert!(back.starts_with("copied 3 logs from "), "{back}");
    let logs = |dir: &Path| {
        let mut logs = files(&dir.join("incidents"));
        logs.push(("inbox".into(), std::fs::read(dir.join("inbox.jsonl")).unwrap_or_default()));
        logs
    };
    assert!(
        logs(origin.path()) == logs(&laptop),
        "{:?}",
        differences(&origin.path().join("incidents"), &laptop.join("incidents"))
    );
    let open = |dir: &Path| files(&dir.join("open")).into_iter().map(|(n, _)| n).collect::<Vec<_>>();
    assert_eq!(open(origin.path()), open(&laptop), "the same incidents are listed open");

    let again = origin.ok("ops", &["store", "copy", "--from", path(origin.path()), "--to", &url]);
    assert!(again.starts_with("copied 0 logs from ") && again.contains("3 already there"), "{again}");
    origin.ok_at("alice", &t(7, 0), &["note", "INC-20261124-002", "written after the first copy"]);
    let rest = origin.ok("ops", &["store", "copy", "--from", path(origin.path()), "--to", &url]);
    assert!(rest.starts_with("copied 1 logs from ") && rest.contains("INC-20261124-002"), "{rest}");

    let laptop_ws = Workspace { dir: home, store: None };
    laptop_ws.ok_at(
        "carol",
        &t(7, 30),
        &["--dir", path(&laptop), "note", "INC-20261124-002", "written on the laptop only"],
    );
    let refused = origin.refused("ops", &["store", "copy", "--from", &url, "--to", path(&laptop)], 1);
    assert!(refused.contains("INC-20261124-002") && refused.contains("nothing copied into it"), "{refused}");
}

#[test]
fn the_warroom_role_can_add_and_read_evidence_but_never_change_or_remove_it() {
    let server = postgres::shared();
    let admin = server.create_database();
    let database = admin.rsplit("dbname=").next().expect("dbname").to_owned();
    server.sql(&database, "CREATE ROLE responders LOGIN");
    let init = Workspace { store: Some(admin.clone()), ..Workspace::new() };
    let granted = init.ok("dba", &["store", "init", "--grant", "responders"]);
    assert!(granted.contains("responders: may read and add evidence, never change or remove it"), "{granted}");
    let ws = Workspace { store: Some(postgres::as_role(&admin, "responders")), ..Workspace::new() };
    ws.ok_at("alice", &t(2, 0), &["declare", "--runbook", "cross-tenant-pii-leak"]);
    ws.ok_at("alice", &t(2, 1), &["note", "001", "the first account of what happened"]);

    let mut responders =
        ::postgres::Client::connect(&postgres::as_role(&admin, "responders"), ::postgres::NoTls).expect("connect");
    for sql in [
        "UPDATE warroom.lines SET line = 'rewritten' WHERE seq = 2",
        "DELETE FROM warroom.lines WHERE seq = 2",
        "TRUNCATE warroom.lines",
        "DROP TABLE warroom.lines",
        "ALTER TABLE warroom.lines DISABLE TRIGGER lines_append_only",
    ] {
        let refused = responders.batch_execute(sql).expect_err(sql);
        let code = refused.code().map(|c| c.code().to_owned());
        assert!(matches!(code.as_deref(), Some("42501")), "{sql}: {refused:?}");
    }
    let mut owner = ::postgres::Client::connect(&admin, ::postgres::NoTls).expect("connect");
    for sql in ["UPDATE warroom.lines SET line = 'rewritten' WHERE seq = 2", "DELETE FROM warroom.lines WHERE seq = 2"]
    {
        let refused = owner.batch_execute(sql).expect_err(sql);
        assert!(refused.to_string().contains("append-only") || format!("{refused:?}").contains("append-only"), "{sql}");
    }
    let verdict = ws.ok_at("auditor", &t(3, 0), &["verify", "INC-20261124-001"]);
    assert!(verdict.contains("INC-20261124-001"), "{verdict}");
    let status = ws.ok_at("auditor", &t(3, 0), &["status", "INC-20261124-001"]);
    assert!(status.contains("the first account of what happened"), "{status}");
}

#[test]
fn an_unreachable_database_is_not_saved_in_one_line_and_a_foreign_one_is_named() {
    let mut server = Server::start();
    let url = server.create_database();
    let ws = Workspace { store: Some(url.clone()), ..Workspace::new() };
    let bare = ws.refused("alice", &["declare", "--runbook", "cross-tenant-pii-leak"], 2);
    assert!(bare.contains("no warroom schema: run `warroom store init`"), "{bare}");
    ws.ok("dba", &["store", "init"]);
    let again = ws.ok("dba", &["store", "init"]);
    assert!(again.contains("nothing to do"), "{again}");
    ws.ok_at("alice", &t(2, 0), &["declare", "--runbook", "cross-tenant-pii-leak"]);

    server.stop();
    let down = ws.refused("alice", &["note", "001", "written while the database is down"], 4);
    assert!(down.starts_with("warroom: cannot connect to postgres://"), "{down}");
    assert!(!down.contains("password"), "{down}");
    server.restart();
    ws.ok_at("alice", &t(2, 1), &["note", "001", "written once it is back"]);

    let database = url.rsplit("dbname=").next().expect("dbname").to_owned();
    server.sql(&database, "INSERT INTO warroom.migrations (version) VALUES (999)");
    let newer = ws.refused("alice", &["status"], 2);
    assert!(newer.contains("version 999, newer than this warroom's"), "{newer}");
    let init = ws.refused("dba", &["store", "init"], 2);
    assert!(init.contains("upgrade warroom"), "{init}");
    let garbled = Workspace { store: Some("postgres://[::1".into()), ..Workspace::new() };
    let refused = garbled.refused("alice", &["status"], 2);
    assert!(refused.starts_with("warroom: "), "{refused}");
}
