//! Pages by mail against a real SMTP server on loopback (aiosmtpd): plain, and STARTTLS with a
//! private CA and a login; a 4xx is tried again, a 5xx and a wrong password are given up and
//! shown; a notifier misconfigured in warroom.yaml gives up its own pages while the others
//! page on.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use common::Workspace;
use common::receiver::Receiver;
use common::smtp::{Sink, certificates};

const SOON: Duration = Duration::from_secs(15);

fn secret(ws: &Workspace, name: &str, text: &str) {
    let path = ws.path().join(name);
    std::fs::write(&path, text).expect("secret");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
}

/// A workspace paging privacy by mail (`mail`, as `notifier` says) to `to`.
fn mail_workspace(notifier: &str, to: &str) -> Workspace {
    let ws = Workspace::new();
    let yaml =
        format!("notifiers:\n  mail: {notifier}\nrotations:\n  privacy-oncall: [{{ notifier: mail, to: \"{to}\" }}]\n");
    std::fs::write(ws.path().join("warroom.yaml"), yaml).expect("warroom.yaml");
    ws
}

fn status(ws: &Workspace, id: &str) -> String {
    ws.ok("alice", &["outbox", "status", id])
}

#[test]
fn a_page_by_mail_arrives_with_its_key_as_message_id_and_how_to_answer_it() {
    let sink = Sink::start(&[]);
    let notifier = format!(
        "{{ kind: smtp, host: 127.0.0.1, port: {}, tls: none, from: \"warroom <warroom@example.test>\", timeout_seconds: 5 }}",
        sink.port
    );
    let ws = mail_workspace(&notifier, "Privacy on call <dpo@example.test>");
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    ws.ok("ops", &["outbox", "run", "--once"]);
    let mail = sink.wait_for(1, SOON).remove(0);
    assert!(mail.raw.starts_with("X-Sink-Rcpt: dpo@example.test\r\n"), "{mail:?}");
    assert!(mail.raw.contains("From: warroom <warroom@example.test>"), "{mail:?}");
    let message_id = mail.raw.lines().find_map(|l| l.strip_prefix("Message-ID: <")).expect("Message-ID");
    let tag = message_id.strip_prefix(&format!("{id}.")).and_then(|rest| rest.strip_suffix(".m1@warroom>"));
    assert!(
        tag.is_some_and(|t| t.len() == 12 && t.bytes().all(|b| b.is_ascii_hexdigit())),
        "the key (the incident's reference, then the message), so a mailbox can tell a resend: {mail:?}"
    );
    let subject = mail.text.lines().next().expect("subject");
    assert!(subject.starts_with("[SEV1] ") && subject.contains(&id) && subject.contains("Privacy"), "{subject}");
    assert!(mail.text.contains(&format!("warroom ack {id} privacy")), "the mail says how to answer: {mail:?}");
    let shown = status(&ws, &id);
    assert!(shown.contains("smtp mail to Privacy on call <dpo@example.test>") && shown.contains("SMTP 250"), "{shown}");
    ws.ok("auditor", &["verify", &id]);
}

#[test]
fn starttls_with_a_private_ca_and_a_login_delivers_and_a_wrong_password_is_given_up() {
    let certs = tempfile::tempdir().expect("certs");
    let (ca, cert, key) = certificates(certs.path());
    let sink = Sink::start(&[
        "--tls",
        cert.to_str().expect("path"),
        key.to_str().expect("path"),
        "--login",
        "pager",
        "s3cret",
    ]);
    let notifier = format!(
        "{{ kind: smtp, host: localhost, port: {}, tls: starttls, ca_file: ca.pem, username: pager, \
         password_file: secrets/smtp.pass, from: warroom@example.test, timeout_seconds: 5 }}",
        sink.port
    );
    let ws = mail_workspace(&notifier, "dpo@example.test");
    std::fs::copy(&ca, ws.path().join("ca.pem")).expect("ca");
    std::fs::create_dir_all(ws.path().join("secrets")).expect("secrets");
    secret(&ws, "secrets/smtp.pass", "s3cret\n");
    ws.ok("alice", &["lint"]);
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    ws.ok("ops", &["outbox", "run", "--once"]);
    let mail = sink.wait_for(1, SOON).remove(0);
    assert!(mail.raw.contains("X-Sink-Login: pager\r\nX-Sink-TLS: yes\r\n"), "over TLS, logged in: {mail:?}");
    assert!(status(&ws, &id).contains("delivered"), "{}", status(&ws, &id));
    let log = std::fs::read_to_string(ws.log(&id)).expect("log");
    assert!(!log.contains("s3cret"), "the password never reaches the log");

    secret(&ws, "secrets/smtp.pass", "wrong\n");
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    ws.ok("ops", &["outbox", "run", "--once"]);
    let shown = status(&ws, &id);
    assert!(shown.contains("GIVEN UP") && shown.contains("535"), "a refused login is not retried: {shown}");
    assert!(shown.contains("PAGE FAILED"), "{shown}");

    let stranger = tempfile::tempdir().expect("other certs");
    let (other_ca, ..) = certificates(stranger.path());
    std::fs::copy(&other_ca, ws.path().join("ca.pem")).expect("ca");
    secret(&ws, "secrets/smtp.pass", "s3cret\n");
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    ws.ok("ops", &["outbox", "run", "--once"]);
    let shown = status(&ws, &id);
    assert!(shown.contains("GIVEN UP") && shown.contains("check the notifier"), "a certificate nobody trusts: {shown}");
    assert_eq!(sink.mails().len(), 1, "nothing sent over an untrusted connection");
}

#[test]
fn a_busy_server_is_tried_again_and_a_refused_mailbox_is_given_up() {
    let sink = Sink::start(&[]);
    let notifier = format!(
        "{{ kind: smtp, host: 127.0.0.1, port: {}, tls: none, from: warroom@example.test, timeout_seconds: 5 }}",
        sink.port
    );
    let ws = mail_workspace(&notifier, "dpo@example.test");
    sink.answer(Some(451));
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    ws.ok("ops", &["outbox", "run", "--once"]);
    let shown = status(&ws, &id);
    assert!(shown.contains("retrying after 1 attempt(s)") && shown.contains("451"), "{shown}");
    sink.answer(None);
    let runner = ws.command("ops").args(["outbox", "run"]).stderr(std::process::Stdio::null()).spawn().expect("run");
    let _runner = Kill(runner);
    let mails = sink.wait_for(1, SOON);
    assert_eq!(mails.len(), 1);

    let ws = mail_workspace(&notifier, "refused@example.test");
    let id = ws.declare("alice", "cross-tenant-pii-leak");
    ws.ok("ops", &["outbox", "run", "--once"]);
    let shown = status(&ws, &id);
    assert!(shown.contains("GIVEN UP") && shown.contains("550") && shown.contains("no such mailbox"), "{shown}");
}

struct Kill(std::process::Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_misconfigured_notifier_gives_up_its_own_pages_while_the_others_page_on() {
    let receiver = Receiver::start();
    let ws = Workspace::new();
    let yaml = format!(
        "notifiers:\n  hook: {{ kind: webhook, url: \"{}\" }}\n  mail: {{ kind: smtp, host: 127.0.0.1 }}\n\
         rotations:\n  privacy-oncall: [{{ notifier: mail, to: dpo@example.test }}, {{ notifier: hook }}]\n",
        receiver.url("/hook")
    );
    std::fs::write(ws.path().join("warroom.yaml"), yaml).expect("warroom.yaml");
    let lint = ws.run("alice", &["lint"]);
    assert!(!lint.status.success(), "lint names it");
    let said = format!("{}{}", String::from_utf8_lossy(&lint.stdout), common::stderr(&lint));
    assert!(said.contains("notifier mail: an smtp notifier needs host and from"), "{said}");
    let declared = ws.run("alice", &["declare", "--runbook", "cross-tenant-pii-leak"]);
    let id = String::from_utf8_lossy(&declared.stdout).trim().to_owned();
    let warned = common::stderr(&declared);
    assert!(
        warned.contains("warning: notifier mail: an smtp notifier needs host and from")
            && warned.contains(&format!("2 page(s) queued on {id}, but nothing delivers them")),
        "declaring says what stops its pages: {warned}"
    );
    ws.ok("ops", &["outbox", "run", "--once"]);
    assert_eq!(receiver.wait_for(1, SOON).len(), 1, "the webhook pages despite the broken mail notifier");
    let shown = status(&ws, &id);
    assert!(
        shown.contains("notifier mail: an smtp notifier needs host and from — pages through it are given up"),
        "{shown}"
    );
    assert!(shown.contains("GIVEN UP") && shown.contains("notifier mail in warroom.yaml"), "{shown}");
}
