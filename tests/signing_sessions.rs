//! Session certificates with real OpenSSH: a key in the ssh-agent that `allowed_signers` lists
//! with `cert-authority` certifies a session key once per process, which signs each write.
//! `verify` and `ssh-keygen -Y verify` accept those signatures, a process's writes share one
//! certificate, and a key listed only as itself still signs every write through the agent.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use base64ct::{Base64, Encoding};
use common::Workspace;
use common::responder::Responder;

fn fixture_runbooks() -> String {
    format!("{}/tests/fixtures/runbooks", env!("CARGO_MANIFEST_DIR"))
}

/// The key blob each signed line of `id`'s log carries (a certificate, or a plain key).
fn signing_keys(ws: &Workspace, id: &str) -> Vec<Vec<u8>> {
    let log = std::fs::read_to_string(ws.log(id)).expect("log");
    log.lines()
        .filter_map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).expect("json");
            let bytes = Base64::decode_vec(value["sig"].as_str()?).expect("base64");
            let len = u32::from_be_bytes(bytes[10..14].try_into().expect("length")) as usize;
            Some(bytes[14..14 + len].to_vec())
        })
        .collect()
}

/// Checks every signature of an export bundle with `ssh-keygen -Y verify` at its line's
/// recording time; those of `certified` must be made by a certificate. The principals seen.
fn openssh_verifies(bundle: &Path, certified: &[&str]) -> BTreeSet<String> {
    let index = std::fs::read_to_string(bundle.join("signatures/index.tsv")).expect("index");
    let mut principals = BTreeSet::new();
    for row in index.lines().skip(1).map(|l| l.split('\t').collect::<Vec<_>>()) {
        let (seq, principal, verify_time) = (row[0], row[2], row[4]);
        let checked = Command::new("ssh-keygen")
            .args(["-Y", "verify", "-f", "allowed_signers", "-I", principal, "-n", "warroom", "-r", "revoked_keys"])
            .arg(format!("-Overify-time={verify_time}"))
            .arg("-s")
            .arg(format!("signatures/{seq}-{principal}.sig"))
            .current_dir(bundle)
            .stdin(std::fs::File::open(bundle.join(format!("signatures/{seq}.msg"))).expect("msg"))
            .output()
            .expect("ssh-keygen");
        let said = String::from_utf8_lossy(&checked.stdout);
        assert!(checked.status.success(), "seq {seq}: {said}{}", common::stderr(&checked));
        let kind = if certified.contains(&principal) { "ED25519-CERT key" } else { "ED25519 key" };
        assert!(said.contains(&format!("Good \"warroom\" signature for {principal} with {kind}")), "{said}");
        principals.insert(principal.to_owned());
    }
    principals
}

fn is_certificate(blob: &[u8]) -> bool {
    blob.windows(b"-cert-v01@openssh.com".len()).any(|w| w == b"-cert-v01@openssh.com")
}

#[test]
fn a_cert_authority_key_in_the_agent_signs_through_session_certificates_that_openssh_accepts() {
    let keys = tempfile::tempdir().expect("temp");
    let (alice, bob) = (Responder::new(keys.path(), "alice"), Responder::new(keys.path(), "bob"));
    let ws = Workspace::new();
    let signers = format!("alice cert-authority {}\nbob {}\n", alice.public_line(), bob.public_line());
    std::fs::write(ws.path().join("allowed_signers"), signers).expect("allowed_signers");
    let id = alice.ok(&ws, &["--runbooks", &fixture_runbooks(), "declare", "--runbook", "echo-severity"]);
    let id = id.trim();
    alice.ok(&ws, &["note", id, "the session key signs this"]);
    alice.ok(&ws, &["approve", id, "guarded", "--request"]);
    bob.ok(&ws, &["approve", id, "guarded", "--yes"]);
    let blobs = signing_keys(&ws, id);
    assert_eq!(blobs.iter().filter(|b| is_certificate(b)).count(), 3, "alice's three commands, each its own session");
    assert_eq!(blobs.iter().filter(|b| !is_certificate(b)).count(), 1, "bob's key is listed as itself");

    let out = ws.run("auditor", &["verify"]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && report.contains("every event signed: alice ("), "{report}");

    // Without cert-authority, alice's key does not certify: her session signatures fail verify.
    std::fs::write(
        ws.path().join("allowed_signers"),
        format!("alice {}\nbob {}\n", alice.public_line(), bob.public_line()),
    )
    .expect("allowed_signers");
    let out = ws.run("auditor", &["verify"]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success() && report.contains("(session key SHA256:"), "{report}");
    std::fs::write(
        ws.path().join("allowed_signers"),
        format!("alice cert-authority {}\nbob {}\n", alice.public_line(), bob.public_line()),
    )
    .expect("allowed_signers");

    let bundle = ws.path().join("bundle");
    alice.ok(&ws, &["export", id, "--out", bundle.to_str().expect("path")]);
    let principals = openssh_verifies(&bundle, &["alice"]);
    assert!(principals.contains("alice") && principals.contains("bob"), "{principals:?}");
    let out = ws.run("auditor", &["verify", bundle.to_str().expect("path")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn a_listener_signs_all_its_writes_under_one_session_certificate_carried_once_per_log() {
    let keys = tempfile::tempdir().expect("temp");
    let (service, bob) = (Responder::new(keys.path(), "alertmanager"), Responder::new(keys.path(), "bob"));
    let ws = Workspace::new();
    let signers = format!("alertmanager cert-authority {}\nbob {}\n", service.public_line(), bob.public_line());
    std::fs::write(ws.path().join("allowed_signers"), signers).expect("allowed_signers");
    let mut server = ws
        .command("alertmanager")
        .env("SSH_AUTH_SOCK", &service.socket)
        .args(["listen", "--addr", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn listener");
    let mut first = String::new();
    BufReader::new(server.stderr.as_mut().expect("stderr")).read_line(&mut first).expect("first line");
    let addr = first.split("http://").nth(1).and_then(|r| r.split('/').next()).expect("address").to_owned();
    let fixture = std::fs::read_to_string(format!(
        "{}/tests/fixtures/alertmanager/alertmanager-webhook-v4-firing.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture");
    for round in 0..4 {
        let body = fixture
            .replace("planner-7", &format!("planner-{}", round % 2))
            .replace("4793d4712906083c", &format!("4793d471290608{round}c"));
        let mut stream = std::net::TcpStream::connect(&addr).expect("connect");
        let head = format!(
            "POST /alerts HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body.as_bytes())).expect("post");
        let mut response = String::new();
        let _ = stream.read_to_string(&mut response);
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    }
    let _ = server.kill();
    let _ = server.wait();
    let logs: Vec<String> = std::fs::read_dir(ws.path().join("incidents"))
        .expect("incidents")
        .filter_map(|e| e.ok()?.path().file_stem()?.to_str().map(str::to_owned))
        .filter(|name| name.starts_with("INC-"))
        .collect();
    let per_log: Vec<Vec<Vec<u8>>> = logs.iter().map(|id| signing_keys(&ws, id)).collect();
    assert_eq!(per_log.iter().map(Vec::len).sum::<usize>(), 4, "each delivery is its own write");
    assert!(per_log.iter().any(|signed| signed.len() >= 2), "some log has two of the writes: {logs:?}");
    let certificates: Vec<&Vec<u8>> = per_log.iter().flatten().filter(|b| is_certificate(b)).collect();
    assert_eq!(certificates.len(), logs.len(), "the certificate is in each log once, on its first signature");
    assert!(certificates.iter().all(|c| c == &certificates[0]), "one session certificate for the process");
    assert!(per_log.iter().all(|signed| is_certificate(&signed[0])));
    for (id, signed) in logs.iter().zip(&per_log).filter(|(_, signed)| signed.len() >= 2) {
        let bundle = ws.path().join(format!("bundle-{id}"));
        bob.ok(&ws, &["export", id, "--out", bundle.to_str().expect("path")]);
        let seen = openssh_verifies(&bundle, &["alertmanager"]);
        assert!(seen.contains("alertmanager") && signed.len() >= 2, "the export gives every signature its certificate");
    }
    let out = ws.run("auditor", &["verify"]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && report.contains("every event signed: alertmanager ("), "{report}");
}

/// A redacted bundle carries no copy of the log: its timeline is proven by the signatures it
/// carries, so an event made up and appended to it (the chain, SHA256SUMS and its signature
/// redone by another responder) does not verify.
#[test]
fn a_made_up_event_in_a_bundle_without_a_log_copy_does_not_verify() {
    use ssh_key::sha2::{Digest, Sha256};
    let keys = tempfile::tempdir().expect("temp");
    let (alice, bob) = (Responder::new(keys.path(), "alice"), Responder::new(keys.path(), "bob"));
    let ws = Workspace::new();
    let signers = format!("alice cert-authority {}\nbob {}\n", alice.public_line(), bob.public_line());
    std::fs::write(ws.path().join("allowed_signers"), signers).expect("allowed_signers");
    let id = alice.ok(&ws, &["--runbooks", &fixture_runbooks(), "declare", "--runbook", "echo-severity"]);
    let id = id.trim();
    bob.ok(&ws, &["note", id, "bob was here"]);
    alice.ok(&ws, &["note", id, "alice too"]);
    let bundle = ws.path().join("bundle");
    alice.ok(&ws, &["export", id, "--redact", "--out", bundle.to_str().expect("path")]);
    let out = ws.run("auditor", &["verify", bundle.to_str().expect("path")]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && said.contains("no log copy; 3 signature(s) prove the chain of hashes"), "{said}");

    let mut timeline: serde_json::Value =
        serde_json::from_slice(&std::fs::read(bundle.join("timeline.json")).expect("timeline")).expect("json");
    let events = timeline["events"].as_array_mut().expect("events");
    let mut made_up = events.last().expect("an event").clone();
    let head = "ab".repeat(32);
    made_up["seq"] = serde_json::json!(events.len() + 1);
    made_up["prev"] = made_up["hash"].clone();
    made_up["hash"] = serde_json::json!(head);
    made_up["description"] = serde_json::json!("alice approves wiping the audit logs");
    events.push(made_up);
    timeline["chain_head"] = serde_json::json!(head);
    std::fs::write(bundle.join("timeline.json"), serde_json::to_vec(&timeline).expect("json")).expect("write");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(bundle.join("manifest.json")).expect("manifest")).expect("json");
    manifest["chain_head"] = serde_json::json!(head);
    manifest["exported_by"] = serde_json::json!("bob");
    std::fs::write(bundle.join("manifest.json"), serde_json::to_vec(&manifest).expect("json")).expect("write");
    let sums: String = std::fs::read_to_string(bundle.join("SHA256SUMS"))
        .expect("sums")
        .lines()
        .filter(|line| !line.ends_with(".pdf"))
        .map(|line| {
            let name = line.split_once("  ").expect("a sums line").1;
            let hash = Sha256::digest(std::fs::read(bundle.join(name)).expect("file"));
            format!("{}  {name}\n", hash.iter().map(|b| format!("{b:02x}")).collect::<String>())
        })
        .collect();
    for pdf in std::fs::read_dir(&bundle).expect("dir").filter_map(|e| Some(e.ok()?.path())) {
        if pdf.extension().is_some_and(|e| e == "pdf") {
            std::fs::remove_file(pdf).expect("the PDFs name the old head");
        }
    }
    std::fs::write(bundle.join("SHA256SUMS"), sums).expect("sums");
    std::fs::remove_file(bundle.join("SHA256SUMS.sig")).expect("old signature");
    let signed = Command::new("ssh-keygen")
        .args(["-Y", "sign", "-n", "warroom", "-f"])
        .arg(&bob.key)
        .arg(bundle.join("SHA256SUMS"))
        .output()
        .expect("ssh-keygen");
    assert!(signed.status.success(), "{}", common::stderr(&signed));
    let out = ws.run("auditor", &["verify", bundle.to_str().expect("path")]);
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), common::stderr(&out));
    assert!(!out.status.success(), "a made-up event passed: {said}");
    assert!(said.contains("to the end (recorded as alice) carry no signature"), "{said}");
}

#[test]
fn an_approval_signed_through_a_session_certificate_counts() {
    let keys = tempfile::tempdir().expect("temp");
    let (alice, bob) = (Responder::new(keys.path(), "alice"), Responder::new(keys.path(), "bob"));
    let ws = Workspace::new();
    let signers = format!("alice cert-authority {}\nbob cert-authority {}\n", alice.public_line(), bob.public_line());
    std::fs::write(ws.path().join("allowed_signers"), signers).expect("allowed_signers");
    let id = alice.ok(&ws, &["--runbooks", &fixture_runbooks(), "declare", "--runbook", "echo-severity"]);
    let id = id.trim();
    alice.ok(&ws, &["approve", id, "guarded", "--request"]);
    bob.ok(&ws, &["approve", id, "guarded", "--yes"]);
    assert_eq!(ws.status_json(id)["approvals"][0]["state"], "approved");
    alice.ok(&ws, &["tick", id, "guarded"]);
    assert_eq!(ws.status_json(id)["approvals"][0]["state"], "spent");
}
