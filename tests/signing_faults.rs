//! Signing when things go wrong: an agent that stalls or lies, and export bundles rewritten
//! after the fact.

mod common;

use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::time::{Duration, Instant};

use base64ct::{Base64, Encoding};
use common::Workspace;
use common::keys::{keygen, public_line};

/// How a fake agent answers a signing request.
#[derive(Clone, Copy)]
enum Answer {
    Never,
    ZeroSignature,
    /// A real-looking answer, a byte every 300 ms.
    Trickle,
}

/// An ssh-agent that lists `key` and answers signing requests as `answer` says.
fn fake_agent(socket: &Path, key: &Path, answer: Answer) {
    let listener = UnixListener::bind(socket).expect("bind");
    let blob = Base64::decode_vec(public_line(key).split_whitespace().nth(1).expect("base64")).expect("blob");
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            let blob = blob.clone();
            std::thread::spawn(move || serve(stream, &blob, answer));
        }
    });
}

fn serve(mut stream: UnixStream, blob: &[u8], answer: Answer) {
    let string = |bytes: &[u8]| [&(bytes.len() as u32).to_be_bytes()[..], bytes].concat();
    loop {
        let mut len = [0; 4];
        if stream.read_exact(&mut len).is_err() {
            return;
        }
        let mut message = vec![0; u32::from_be_bytes(len) as usize];
        if stream.read_exact(&mut message).is_err() {
            return;
        }
        let reply = match (message.first(), answer) {
            (Some(11), _) => [&[12u8][..], &1u32.to_be_bytes(), &string(blob), &string(b"fake")].concat(),
            (Some(13), Answer::Never) => {
                std::thread::sleep(Duration::from_secs(60));
                return;
            }
            (Some(13), Answer::ZeroSignature) => {
                let signature = [string(b"ssh-ed25519"), string(&[0; 64])].concat();
                [&[14u8][..], &string(&signature)].concat()
            }
            (Some(13), Answer::Trickle) => {
                let signature = [string(b"ssh-ed25519"), string(&[0; 64])].concat();
                let reply = [&[14u8][..], &string(&signature)].concat();
                for byte in (reply.len() as u32).to_be_bytes().iter().chain(&reply) {
                    if stream.write_all(&[*byte]).is_err() {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(300));
                }
                continue;
            }
            _ => vec![5],
        };
        let _ = stream.write_all(&[&(reply.len() as u32).to_be_bytes()[..], &reply].concat());
    }
}

fn signed_workspace(keys: &Path) -> (Workspace, std::path::PathBuf) {
    let alice = keygen(keys, "alice");
    let ws = Workspace::new();
    std::fs::write(ws.path().join("allowed_signers"), format!("alice {}\n", public_line(&alice))).expect("signers");
    (ws, alice)
}

#[test]
fn a_stalled_agent_is_given_up_on_and_a_lying_one_is_caught_before_anything_is_written() {
    let keys = tempfile::tempdir().expect("keys");
    let (ws, alice) = signed_workspace(keys.path());
    let id = ws.ok_with_key("alice", &alice, &["declare", "--runbook", "kill-switch-fired"]);
    let before = std::fs::read(ws.log(&id)).expect("log");
    for (answer, name, expected) in [
        (Answer::ZeroSignature, "liar.sock", "returned a signature that does not verify"),
        (Answer::Never, "stalled.sock", "did not answer within 5 s"),
        (Answer::Trickle, "trickle.sock", "did not answer within 5 s"),
    ] {
        let socket = keys.path().join(name);
        fake_agent(&socket, &alice, answer);
        let started = Instant::now();
        let out = ws.command("alice").env("SSH_AUTH_SOCK", &socket).args(["note", &id, "x"]).output().expect("run");
        assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
        assert!(common::stderr(&out).contains(expected), "{}", common::stderr(&out));
        assert!(started.elapsed() < Duration::from_secs(8), "given up on in time, however it trickles");
        assert_eq!(std::fs::read(ws.log(&id)).expect("log"), before, "nothing appended");
    }
    let after = ws.command("alice").args(["--key"]).arg(&alice).args(["note", &id, "the lock was let go"]).output();
    assert!(after.expect("run").status.success(), "the next writer is not blocked");
}

#[test]
fn a_signed_bundle_rewritten_after_export_does_not_verify() {
    let keys = tempfile::tempdir().expect("keys");
    let (ws, alice) = signed_workspace(keys.path());
    let id = ws.ok_with_key("alice", &alice, &["declare", "--runbook", "kill-switch-fired"]);
    let bundle = ws.path().join("bundle");
    ws.ok_with_key("alice", &alice, &["export", &id, "--out", bundle.to_str().expect("path")]);
    let verify = || ws.run("auditor", &["verify", bundle.to_str().expect("path")]);
    let out = verify();
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("signed by alice (SHA256:"));
    let checked = std::process::Command::new("ssh-keygen")
        .args(["-Y", "verify", "-f", "allowed_signers", "-I", "alice", "-n", "warroom", "-s", "SHA256SUMS.sig"])
        .current_dir(&bundle)
        .stdin(std::fs::File::open(bundle.join("SHA256SUMS")).expect("sums"))
        .output()
        .expect("ssh-keygen");
    assert!(checked.status.success(), "stock OpenSSH checks the bundle's signature");

    // Edit a file and list its new hash: the exporter's signature no longer matches.
    let postmortem = bundle.join("postmortem.md");
    std::fs::write(&postmortem, "# nothing happened\n").expect("edit");
    let sums = std::fs::read_to_string(bundle.join("SHA256SUMS")).expect("sums");
    let new_hash = sha256_hex(&std::fs::read(&postmortem).expect("read"));
    let rewritten: String = sums
        .lines()
        .map(|l| if l.ends_with("  postmortem.md") { format!("{new_hash}  postmortem.md\n") } else { format!("{l}\n") })
        .collect();
    std::fs::write(bundle.join("SHA256SUMS"), rewritten).expect("rewrite");
    let out = verify();
    assert_eq!(out.status.code(), Some(3));
    assert!(common::stderr(&out).contains("SHA256SUMS.sig: the signature does not match"), "{}", common::stderr(&out));

    std::fs::remove_file(bundle.join("SHA256SUMS.sig")).expect("drop the signature");
    let out = verify();
    assert_eq!(out.status.code(), Some(3));
    assert!(common::stderr(&out).contains("SHA256SUMS.sig is missing"), "{}", common::stderr(&out));

    // An auditor with no workspace of their own: a bundle that came signed must stay signed,
    // even with its allowed_signers and signatures/ stripped too (its log copy carries them).
    let elsewhere = Workspace::new();
    let from_elsewhere = || elsewhere.run("auditor", &["verify", bundle.to_str().expect("path")]);
    let out = from_elsewhere();
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(common::stderr(&out).contains("SHA256SUMS.sig is missing"), "{}", common::stderr(&out));
    std::fs::remove_file(bundle.join("allowed_signers")).expect("strip");
    std::fs::remove_dir_all(bundle.join("signatures")).expect("strip");
    let sums = std::fs::read_to_string(bundle.join("SHA256SUMS")).expect("sums");
    let stripped: String = sums
        .lines()
        .filter(|l| !l.ends_with("  allowed_signers") && !l.contains("  signatures/"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(bundle.join("SHA256SUMS"), stripped).expect("rewrite");
    let out = from_elsewhere();
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(common::stderr(&out).contains("SHA256SUMS.sig is missing"), "{}", common::stderr(&out));
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    warroom::store::line::hex(&sha2::Sha256::digest(bytes))
}

/// A line recorded as alice without a signature (written by hand, or while the workspace had
/// no allowed_signers) must not become hers by her next signature, which covers the unsigned
/// lines of hers just before it: her process refuses to write until someone else has.
#[test]
fn an_unsigned_line_is_never_covered_by_the_next_signature_of_its_actor() {
    use common::responder::Responder;
    let keys = tempfile::tempdir().expect("temp");
    let (alice, bob) = (Responder::new(keys.path(), "alice"), Responder::new(keys.path(), "bob"));
    let ws = Workspace::new();
    let signers = ws.path().join("allowed_signers");
    std::fs::write(&signers, format!("alice {}\nbob {}\n", alice.public_line(), bob.public_line())).expect("signers");
    let runbooks = format!("{}/tests/fixtures/runbooks", env!("CARGO_MANIFEST_DIR"));
    let id = alice.ok(&ws, &["--runbooks", &runbooks, "declare", "--runbook", "echo-severity"]).trim().to_owned();

    std::fs::rename(&signers, ws.path().join("aside")).expect("policy aside");
    ws.ok("alice", &["note", &id, "written as alice, signed by nobody"]);
    std::fs::rename(ws.path().join("aside"), &signers).expect("policy back");

    let refused = alice.run(&ws, &["note", &id, "alice's own note"]);
    assert_eq!(refused.status.code(), Some(1), "{}", common::stderr(&refused));
    assert!(
        common::stderr(&refused).contains(&format!(
            "not recorded: seq 2 of {id}, recorded as alice, carries no signature, and the next signature of alice's would cover it"
        )),
        "{}",
        common::stderr(&refused)
    );
    bob.ok(&ws, &["note", &id, "bob writes in between"]);
    alice.ok(&ws, &["note", &id, "alice's own note"]);
    let out = ws.run("auditor", &["verify"]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success() && report.contains("seq 2: not signed (recorded as alice)"), "{report}");
}
