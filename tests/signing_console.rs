//! The console under a signing workspace, in tmux: the status bar shows who signs, and the
//! keyboard cannot pass to a responder whose key the console does not hold.

mod common;

use std::time::Duration;

use common::Workspace;
use common::keys::{keygen, public_line};
use common::tmux::Tmux;

const SLOW: Duration = Duration::from_secs(20);

#[test]
fn the_status_bar_names_the_signing_key_and_u_refuses_a_responder_without_one() {
    let keys = tempfile::tempdir().expect("keys");
    let (alice, bob) = (keygen(keys.path(), "alice"), keygen(keys.path(), "bob"));
    let service = keygen(keys.path(), "alertmanager");
    let ws = Workspace::new();
    let signers =
        format!("alice {}\nbob {}\nalertmanager {}\n", public_line(&alice), public_line(&bob), public_line(&service));
    std::fs::write(ws.path().join("allowed_signers"), signers).expect("allowed_signers");
    let fingerprint = std::process::Command::new("ssh-keygen").arg("-lf").arg(&alice).output().expect("ssh-keygen");
    let fingerprint = String::from_utf8_lossy(&fingerprint.stdout).split_whitespace().nth(1).expect("print").to_owned();
    let tmux = Tmux::new("signing");
    tmux.start_with(
        "a",
        &ws,
        "alice",
        (200, 30),
        &format!(
            "--demo --key '{}' --key '{}' --listen 127.0.0.1:0 --listen-as alertmanager",
            alice.display(),
            service.display()
        ),
    );
    let screen = tmux.wait_for("a", "as alice", SLOW);
    let shown: String = fingerprint.chars().take(15).collect();
    assert!(screen.contains(&format!("signs {shown}…")), "{screen}");
    tmux.keys("a", &["u"]);
    tmux.wait_for("a", "Who is at the keyboard now?", SLOW);
    tmux.keys("a", &["-l", "bob"]);
    tmux.keys("a", &["Enter"]);
    tmux.wait_for("a", "bob cannot take over: not recorded: no key of bob's in", SLOW);
    tmux.wait_for("a", "as alice", SLOW);
    // The console holds the listener's key, and still never lets the service act.
    tmux.keys("a", &["u"]);
    tmux.wait_for("a", "Who is at the keyboard now?", SLOW);
    tmux.keys("a", &["-l", "alertmanager"]);
    tmux.keys("a", &["Enter"]);
    tmux.wait_for("a", "alertmanager is the service principal this console's listener", SLOW);
    let screen = tmux.wait_for("a", "as alice", SLOW);
    assert!(!screen.contains("as bob") && !screen.contains("as alertmanager"), "{screen}");
    let out = ws.run("auditor", &["verify"]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && report.contains("every event signed: alice"), "{report}");
}
