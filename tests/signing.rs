//! Signed evidence with real OpenSSH: keys made by `ssh-keygen`, one real `ssh-agent` per
//! responder. A responder cannot record as another, the two-person rule rests on two people's
//! keys, a forged approval is caught after the fact, and `ssh-keygen -Y verify` accepts every
//! signature an export carries.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::Workspace;
use common::keys::keygen;
use common::responder::Responder;

fn fixture_runbooks() -> String {
    format!("{}/tests/fixtures/runbooks", env!("CARGO_MANIFEST_DIR"))
}

/// A workspace whose `allowed_signers` lists each responder's key under their name.
fn signed_workspace(people: &[&Responder], extra: &str) -> Workspace {
    let ws = Workspace::new();
    let mut lines: String = people.iter().map(|p| format!("{} {}\n", p.name, p.public_line())).collect();
    lines.push_str(extra);
    std::fs::write(ws.path().join("allowed_signers"), lines).expect("allowed_signers");
    ws
}

fn lines(ws: &Workspace, id: &str) -> usize {
    std::fs::read_to_string(ws.log(id)).expect("log").lines().count()
}

fn declare(who: &Responder, ws: &Workspace) -> String {
    who.ok(ws, &["--runbooks", &fixture_runbooks(), "declare", "--runbook", "echo-severity"]).trim().to_owned()
}

fn verify(ws: &Workspace) -> (bool, String) {
    let out = ws.run("auditor", &["verify"]);
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn a_responder_signs_only_as_themselves_and_approvals_take_two_keys() {
    let keys = tempfile::tempdir().expect("temp");
    let (alice, bob) = (Responder::new(keys.path(), "alice"), Responder::new(keys.path(), "bob"));
    let ws = signed_workspace(&[&alice, &bob], "");
    let id = declare(&alice, &ws);
    let before = lines(&ws, &id);
    let out = alice.run_as(&ws, "bob", &["note", &id, "alice pretending"]);
    assert_eq!(out.status.code(), Some(1));
    let err = common::stderr(&out);
    assert!(err.contains("no key of bob's in the ssh-agent"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(lines(&ws, &id), before, "nothing appended");

    alice.ok(&ws, &["approve", &id, "guarded", "--request"]);
    let out = alice.run_as(&ws, "bob", &["approve", &id, "guarded", "--yes"]);
    assert_eq!(out.status.code(), Some(1), "alice cannot approve as bob: {}", common::stderr(&out));
    bob.ok(&ws, &["approve", &id, "guarded", "--yes"]);
    alice.ok(&ws, &["tick", &id, "guarded"]);
    let (ok, report) = verify(&ws);
    assert!(ok, "{report}");
    assert!(
        report.contains("every event signed: alice") && report.contains("bob (1 signature(s), 1 event(s))"),
        "{report}"
    );

    let without_agent = ws.run("alice", &["note", &id, "no agent"]);
    let err = common::stderr(&without_agent);
    assert!(err.contains("no ssh-agent (SSH_AUTH_SOCK is not set) and no --key"), "{err}");
    let with_file = ws.command("alice").args(["--key"]).arg(&alice.key).args(["note", &id, "from a key file"]).output();
    assert!(with_file.expect("run").status.success(), "a key file signs too");
    assert!(verify(&ws).0);
}

#[test]
fn a_hand_written_approval_is_not_acted_on_and_is_caught_by_verify() {
    let keys = tempfile::tempdir().expect("temp");
    let (alice, bob) = (Responder::new(keys.path(), "alice"), Responder::new(keys.path(), "bob"));
    let ws = signed_workspace(&[&alice, &bob], "");
    let id = declare(&alice, &ws);
    alice.ok(&ws, &["approve", &id, "guarded", "--request"]);
    let request = lines(&ws, &id);
    let grant = format!(r#"{{"kind":"approval_granted","data":{{"step":"guarded","requested_seq":{request}}}}}"#);
    forge_line(&ws.log(&id), "bob", &grant);
    let forged = lines(&ws, &id);

    let refused = alice.run(&ws, &["tick", &id, "guarded"]);
    assert_eq!(refused.status.code(), Some(1), "alice acts on bob's forged approval: {}", common::stderr(&refused));
    assert!(
        common::stderr(&refused).contains(&format!(
            "its approval does not count: #{forged} says bob approved, but no signature of bob's covers it"
        )),
        "{}",
        common::stderr(&refused)
    );
    let status = ws.status_json(&id);
    let approval = &status["approvals"][0];
    assert_eq!(approval["state"], "unproven", "{approval}");
    assert_eq!(approval["unproven"], "no signature of bob's covers it", "{approval}");
    let (ok, report) = verify(&ws);
    assert!(!ok, "{report}");
    assert!(report.contains(&format!("seq {forged}: not signed (recorded as bob)")), "{report}");

    // bob's own write would adopt the forged line: another responder's write ends its run.
    alice.ok(&ws, &["note", &id, &format!("seq {forged} is not bob's")]);
    bob.ok(&ws, &["approve", &id, "guarded", "--yes"]);
    alice.ok(&ws, &["tick", &id, "guarded"]);
    assert_eq!(ws.status_json(&id)["approvals"][0]["state"], "spent");
}

#[test]
fn one_key_allowed_for_two_people_cannot_make_one_person_both() {
    let keys = tempfile::tempdir().expect("temp");
    let (alice, bob) = (Responder::new(keys.path(), "alice"), Responder::new(keys.path(), "bob"));
    let shared = signed_workspace(&[&alice, &bob], &format!("bob {}\n", alice.public_line()));
    let id = declare(&alice, &shared);
    alice.ok(&shared, &["approve", &id, "guarded", "--request"]);
    let before = lines(&shared, &id);
    let out = alice.run_as(&shared, "bob", &["approve", &id, "guarded", "--yes"]);
    assert_eq!(out.status.code(), Some(1), "alice's key approved her own request as bob");
    let err = common::stderr(&out);
    assert!(
        err.contains("alice signed the request with the same key: the two-person rule needs two people's keys"),
        "{err}"
    );
    assert_eq!(lines(&shared, &id), before, "nothing appended");

    // A key that becomes the requester's after it approved: the approval no longer counts,
    // and verify says why.
    bob.ok(&shared, &["approve", &id, "guarded", "--yes"]);
    let policy = shared.path().join("allowed_signers");
    let text = std::fs::read_to_string(&policy).expect("policy");
    std::fs::write(&policy, format!("{text}alice {}\n", bob.public_line())).expect("policy");
    let status = shared.status_json(&id);
    assert_eq!(status["approvals"][0]["state"], "unproven", "{status}");
    assert!(status["approvals"][0]["unproven"].as_str().expect("why").contains("is also allowed for alice, who asked"));
    let (ok, report) = verify(&shared);
    assert!(!ok && report.contains("is also allowed for the requester"), "{report}");
}

#[test]
fn a_two_person_step_ticked_by_hand_without_an_approval_is_caught_by_verify() {
    let ws = Workspace::new();
    let id =
        ws.ok("alice", &["--runbooks", &fixture_runbooks(), "declare", "--runbook", "echo-severity"]).trim().to_owned();
    forge_line(&ws.log(&id), "bob", r#"{"kind":"step_ticked","data":{"step":"guarded","note":null,"forced":false}}"#);
    let status = ws.status_json(&id);
    let step = status["steps"].as_array().expect("steps").iter().find(|s| s["id"] == "guarded").cloned();
    assert_eq!(step.expect("step")["by"], "bob", "the reader takes the forged tick");
    let (ok, report) = verify(&ws);
    assert!(!ok, "{report}");
    assert!(report.contains("seq 2: guarded is under the two-person rule, and no usable approval"), "{report}");
}

#[test]
fn a_self_approval_hidden_behind_an_escaped_kind_is_read_and_reported_as_the_reader_reads_it() {
    let ws = Workspace::new();
    let id =
        ws.ok("alice", &["--runbooks", &fixture_runbooks(), "declare", "--runbook", "echo-severity"]).trim().to_owned();
    ws.ok("alice", &["approve", &id, "guarded", "--request"]);
    let request = lines(&ws, &id);
    let granted =
        format!(r#"{{"kind":"approval\u005fgranted","data":{{"step":"guarded","requested_seq":{request}}}}}"#);
    forge_line(&ws.log(&id), "alice", &granted);
    ws.ok("alice", &["tick", &id, "guarded"]);
    let (ok, report) = verify(&ws);
    assert!(!ok, "{report}");
    assert!(
        report.contains(&format!("guarded rests on approval #{request} granted by the one who asked for it")),
        "{report}"
    );
}

/// Appends a correctly chained and sealed, unsigned line, as someone editing the file would.
fn forge_line(log: &Path, actor: &str, event: &str) {
    let text = std::fs::read_to_string(log).expect("log");
    let last: serde_json::Value = serde_json::from_str(text.lines().last().expect("a line")).expect("json");
    let seq = last["seq"].as_u64().expect("seq") + 1;
    let body = format!(
        r#"{{"v":1,"seq":{seq},"prev":"{}","at":{},"actor":{{"name":"{actor}","login":"{actor}","host":"h","pid":1}},"event":{event}"#,
        last["hash"].as_str().expect("hash"),
        last["at"]
    );
    let hash = warroom::store::line::hex(&warroom::store::line::body_hash(body.as_bytes()));
    std::fs::write(log, format!("{text}{body},\"hash\":\"{hash}\"}}\n")).expect("forge");
}

#[test]
fn ssh_keygen_verifies_every_signature_an_export_carries() {
    let keys = tempfile::tempdir().expect("temp");
    let (alice, bob) = (Responder::new(keys.path(), "alice"), Responder::new(keys.path(), "bob"));
    let ws = signed_workspace(&[&alice, &bob], "");
    let id = declare(&alice, &ws);
    bob.ok(&ws, &["note", &id, "bob saw it too"]);
    alice.ok(&ws, &["approve", &id, "guarded", "--request"]);
    bob.ok(&ws, &["approve", &id, "guarded", "--yes"]);
    let out = ws.path().join("bundle");
    alice.ok(&ws, &["export", &id, "--out", out.to_str().expect("path")]);
    let index = std::fs::read_to_string(out.join("signatures/index.tsv")).expect("index");
    let rows: Vec<Vec<&str>> = index.lines().skip(1).map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), lines(&ws, &id), "one signature per command here: {index}");
    for row in &rows {
        let (seq, principal) = (row[0], row[2]);
        let message = std::fs::File::open(out.join(format!("signatures/{seq}.msg"))).expect("msg");
        let checked = Command::new("ssh-keygen")
            .args([
                "-Y",
                "verify",
                "-f",
                "allowed_signers",
                "-I",
                principal,
                "-n",
                "warroom",
                "-r",
                "revoked_keys",
                "-s",
            ])
            .arg(format!("signatures/{seq}-{principal}.sig"))
            .current_dir(&out)
            .stdin(message)
            .output()
            .expect("ssh-keygen");
        assert!(checked.status.success(), "seq {seq}: {}", String::from_utf8_lossy(&checked.stdout));
    }
    let checkpoint: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("checkpoint.json")).expect("checkpoint")).expect("json");
    assert_eq!(checkpoint["seq"].as_u64(), Some(lines(&ws, &id) as u64));
    assert_eq!(checkpoint["signer"], "bob");
}

#[test]
fn bad_keys_and_a_bad_allowed_signers_line_each_get_one_line_and_append_nothing() {
    let keys = tempfile::tempdir().expect("temp");
    let alice = Responder::new(keys.path(), "alice");
    let ws = signed_workspace(&[&alice], "");
    let id = declare(&alice, &ws);
    let before = lines(&ws, &id);
    let open_key = keygen(keys.path(), "loose");
    std::fs::set_permissions(&open_key, std::os::unix::fs::PermissionsExt::from_mode(0o644)).expect("chmod");
    let err = ws.refused("alice", &["--key", open_key.to_str().expect("path"), "note", &id, "x"], 2);
    assert!(err.contains("is open to others (mode 0644)"), "{err}");
    let locked = keys.path().join("locked_ed25519");
    let made = Command::new("ssh-keygen").args(["-q", "-t", "ed25519", "-N", "secret", "-f"]).arg(&locked).output();
    assert!(made.expect("ssh-keygen").status.success());
    let err = ws.refused("alice", &["--key", locked.to_str().expect("path"), "note", &id, "x"], 2);
    assert!(err.contains("has a passphrase: add it to your ssh-agent"), "{err}");

    let askpass = keys.path().join("askpass");
    std::fs::write(&askpass, "#!/bin/sh\necho lock-pass\n").expect("askpass");
    std::fs::set_permissions(&askpass, std::os::unix::fs::PermissionsExt::from_mode(0o700)).expect("chmod");
    alice.lock(&askpass, "-x");
    let err = common::stderr(&alice.run(&ws, &["note", &id, "x"]));
    assert!(err.contains("in the ssh-agent (it holds no keys: locked?"), "{err}");
    alice.lock(&askpass, "-X");

    let expired = format!("alice valid-before=\"20200101Z\" {}\n", alice.public_line());
    std::fs::write(ws.path().join("allowed_signers"), expired).expect("expire");
    let err = common::stderr(&alice.run(&ws, &["note", &id, "x"]));
    assert!(err.contains("cannot sign: expired at 2020-01-01T00:00:00Z"), "{err}");
    let revoked = format!("alice {0}\n@revoked {0}\n", alice.public_line());
    std::fs::write(ws.path().join("allowed_signers"), revoked).expect("revoke");
    let err = common::stderr(&alice.run(&ws, &["note", &id, "x"]));
    assert!(err.contains("cannot sign: revoked"), "{err}");
    std::fs::write(
        ws.path().join("allowed_signers"),
        format!("alice {}\nbob ssh-ed25519 AAAA!!\n", alice.public_line()),
    )
    .expect("break");
    let out = alice.run(&ws, &["note", &id, "x"]);
    assert_eq!(out.status.code(), Some(2));
    let err = common::stderr(&out);
    assert!(err.contains("allowed_signers:2: unreadable ssh-ed25519 key"), "{err}");
    assert_eq!(lines(&ws, &id), before, "nothing appended by any of them");
}

#[test]
fn the_listener_signs_alerts_as_its_own_service_principal() {
    use std::io::{BufRead, BufReader, Read, Write};
    let keys = tempfile::tempdir().expect("temp");
    let alice = Responder::new(keys.path(), "alice");
    let service_key = keygen(keys.path(), "alertmanager");
    let ws = signed_workspace(&[&alice], &format!("alertmanager {}\n", common::keys::public_line(&service_key)));
    let listen = |key: &Path| {
        ws.command("alertmanager")
            .arg("--key")
            .arg(key)
            .args(["listen", "--addr", "127.0.0.1:0"])
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn listener")
    };
    let refused = listen(&alice.key).wait_with_output().expect("listener");
    assert_eq!(refused.status.code(), Some(1), "alice's key is not the service's");
    assert!(common::stderr(&refused).contains("alerts cannot be recorded as alertmanager: no key of alertmanager's"));

    let mut server = listen(&service_key);
    let mut first = String::new();
    BufReader::new(server.stderr.as_mut().expect("stderr")).read_line(&mut first).expect("first line");
    let addr = first.split("http://").nth(1).and_then(|r| r.split('/').next()).expect("address").to_owned();
    let body = std::fs::read(format!(
        "{}/tests/fixtures/alertmanager/alertmanager-webhook-v4-firing.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture");
    let mut stream = std::net::TcpStream::connect(&addr).expect("connect");
    let head = format!(
        "POST /alerts HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(&body)).expect("post");
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    let _ = server.kill();
    let _ = server.wait();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let (ok, report) = verify(&ws);
    assert!(ok && report.contains("every event signed: alertmanager ("), "{report}");

    // Whoever holds the service's key can sign in its name, but not pass for a responder.
    let id = std::fs::read_dir(ws.path().join("incidents"))
        .expect("incidents")
        .filter_map(|e| e.ok()?.path().file_stem()?.to_str().map(str::to_owned))
        .find(|name| name.starts_with("INC-"))
        .expect("the alert opened an incident");
    let log = std::fs::read_to_string(ws.log(&id)).expect("log");
    assert!(log.lines().all(|l| l.contains(r#""name":"alertmanager""#) && l.contains(r#""service":true"#)), "{log}");
    let out = ws.command("alertmanager").arg("--key").arg(&service_key).args(["note", &id, "all clear"]).output();
    let out = out.expect("note");
    assert_eq!(out.status.code(), Some(1), "the writer refuses it");
    let err = common::stderr(&out);
    assert!(err.contains("alertmanager records on") && err.contains("a responder cannot record note_added"), "{err}");
    forge_line(&ws.log(&id), "alertmanager", r#"{"kind":"note_added","data":{"text":"all clear"}}"#);
    let (ok, report) = verify(&ws);
    assert!(
        !ok && report.contains("alertmanager records as a service (from seq 1); a service never records note_added"),
        "{report}"
    );
}

#[test]
fn the_listener_refuses_to_record_alerts_under_the_login_that_started_it() {
    let login = Command::new("id").arg("-un").output().expect("id");
    let login = String::from_utf8(login.stdout).expect("utf-8").trim().to_owned();
    let ws = Workspace::new();
    let out = ws.command(&login).args(["listen", "--addr", "127.0.0.1:0"]).output().expect("listen");
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
    assert!(
        common::stderr(&out)
            .contains(&format!("alerts are recorded as a service principal, not as your login {login}")),
        "{}",
        common::stderr(&out)
    );
}
