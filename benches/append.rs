//! Append + acknowledge: the time from asking to record an event to holding the proof that it
//! is durable (lock, catch-up, one O_APPEND write, sync_data), unsigned and signed (an ed25519
//! key from a key file, from a real ssh-agent, and from a session key that agent certified
//! once), in the same run.
//! Run: `cargo bench --bench append` (needs ssh-keygen and ssh-agent for the signed figures).

use std::path::{Path, PathBuf};
use std::process::{Child, Command as Process, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use warroom::catalog::{self, Origin};
use warroom::domain::Command;
use warroom::domain::event::Actor;
use warroom::store::keyring::Keyring;
use warroom::store::signing::Proofs;
use warroom::store::{Store, Workspace};

fn main() {
    let count: usize = std::env::var("WARROOM_BENCH_APPENDS").ok().and_then(|n| n.parse().ok()).unwrap_or(5_000);
    let root =
        tempfile::tempdir_in(std::env::var("WARROOM_BENCH_DIR").map_or_else(|_| std::env::temp_dir(), Into::into))
            .expect("dir");
    println!(
        "workload: {count} notes appended to one incident in each of four workspaces, taken in turn, one process, under {}",
        root.path().display()
    );
    let key = keygen(root.path());
    let signers = format!("alice {}", public_line(&key));
    let certifies = format!("alice cert-authority {}", public_line(&key));
    let agent = Agent::start(root.path(), &key);
    let proofs = |keyring: Keyring| Proofs { keyring: Arc::new(keyring), witnesses: Vec::new() };
    let from_agent = || Keyring::new(&[], Some(agent.socket.clone())).expect("agent");
    let kinds = [
        ("append + acknowledge, unsigned", root.path().join("unsigned"), Proofs::default()),
        (
            "append + acknowledge, signed (key file)",
            signed(root.path(), "file", &signers),
            proofs(Keyring::new(std::slice::from_ref(&key), None).expect("key file")),
        ),
        ("append + acknowledge, signed (ssh-agent)", signed(root.path(), "agent", &signers), proofs(from_agent())),
        (
            "append + acknowledge, signed (ssh-agent, session certificate)",
            signed(root.path(), "session", &certifies),
            proofs(from_agent()),
        ),
    ];
    let (names, workspaces): (Vec<&str>, Vec<(PathBuf, Proofs)>) =
        kinds.into_iter().map(|(name, dir, proofs)| (name, (dir, proofs))).unzip();
    for (name, samples) in names.iter().zip(measure(workspaces, count)) {
        report(name, &samples);
    }
    let parse = |text: &str| warroom::store::allowed_signers::AllowedSigners::parse(text, "allowed_signers");
    let (signers, certifies) = (parse(&signers).expect("signers"), parse(&certifies).expect("signers"));
    for (what, keyring, policy) in [
        ("one signature alone (key file)", Keyring::new(std::slice::from_ref(&key), None).expect("key"), &signers),
        ("one signature alone (ssh-agent)", Keyring::new(&[], Some(agent.socket.clone())).expect("agent"), &signers),
        (
            "one signature alone (ssh-agent, session certificate)",
            Keyring::new(&[], Some(agent.socket.clone())).expect("agent"),
            &certifies,
        ),
    ] {
        let found = keyring.find(policy, "alice", Utc::now()).expect("key");
        let mut samples: Vec<f64> = (0..count.min(2_000))
            .map(|n| {
                let started = Instant::now();
                keyring.sign(&found, format!("message {n}").as_bytes()).expect("sign");
                started.elapsed().as_secs_f64() * 1e6
            })
            .collect();
        samples.sort_by(f64::total_cmp);
        report(what, &samples);
    }
    probe_agent(&agent.socket, &key);
    let fsync = fsync_floor(root.path(), count.min(2_000));
    println!("reference: write+fdatasync of 200 bytes   median {:>7.1} µs   p99 {:>7.1} µs", fsync.0, fsync.1);
}

fn signed(root: &Path, name: &str, signers: &str) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("allowed_signers"), format!("{signers}\n")).expect("allowed_signers");
    dir
}

/// Appends `count` notes to one incident in each workspace, taking the workspaces in turn so
/// that the machine's drift during the run weighs on each alike; the samples of each, sorted.
fn measure(workspaces: Vec<(PathBuf, Proofs)>, count: usize) -> Vec<Vec<f64>> {
    let runbook = catalog::load(&Origin::Embedded, Utc::now().date_naive())
        .get("cross-tenant-pii-leak")
        .expect("runbook")
        .clone();
    let actor = Actor {
        name: "alice".into(),
        login: "oncall".into(),
        host: "bench".into(),
        pid: std::process::id(),
        fixed_clock: false,
        service: false,
    };
    let declare = |id: String| Command::Declare {
        id,
        runbook: Box::new(runbook.clone()),
        clocks: Vec::new(),
        severity: None,
        title: None,
        aware_at: None,
        drill: false,
        from_alert: None,
    };
    let opened: Vec<_> = workspaces
        .into_iter()
        .map(|(dir, proofs)| {
            let workspace = Workspace::open_with(&dir, proofs).expect("workspace");
            let incident = workspace.declare(&actor, Utc::now(), &declare).expect("declare");
            (workspace, incident)
        })
        .collect();
    let mut samples = vec![Vec::with_capacity(count); opened.len()];
    for n in 0..count {
        // Each round starts one further on, so each kind follows each other kind alike (one
        // that follows the agent's round trip pays for the processes it woke).
        for k in (0..opened.len()).map(|k| (k + n) % opened.len()) {
            let (workspace, incident) = &opened[k];
            let note =
                Command::Note { text: format!("note {n}: trace 7f3a pinned, 3 records of tenant acme seen by globex") };
            let started = Instant::now();
            workspace.execute(incident, &actor, Utc::now(), note).expect("append");
            samples[k].push(started.elapsed().as_secs_f64() * 1e6);
        }
    }
    for samples in &mut samples {
        samples.sort_by(f64::total_cmp);
    }
    samples
}

fn report(what: &str, samples: &[f64]) {
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
    println!("{what:<42} median {:>7.1} µs   p99 {:>7.1} µs   max {:>8.1} µs", at(0.5), at(0.99), at(1.0));
}

fn keygen(dir: &Path) -> PathBuf {
    let key = dir.join("alice_ed25519");
    let made = Process::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "alice", "-f"])
        .arg(&key)
        .status()
        .expect("ssh-keygen");
    assert!(made.success());
    key
}

fn public_line(key: &Path) -> String {
    let text = std::fs::read_to_string(key.with_extension("pub")).expect("public key");
    text.split_whitespace().take(2).collect::<Vec<_>>().join(" ")
}

struct Agent {
    child: Child,
    socket: PathBuf,
}

impl Agent {
    fn start(dir: &Path, key: &Path) -> Self {
        let socket = dir.join("agent.sock");
        let child = Process::new("ssh-agent")
            .args(["-D", "-a"])
            .arg(&socket)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("ssh-agent");
        let started = Instant::now();
        while !socket.exists() && started.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(10));
        }
        let added = Process::new("ssh-add").arg("-q").arg(key).env("SSH_AUTH_SOCK", &socket).status().expect("ssh-add");
        assert!(added.success());
        Self { child, socket }
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The same file system's floor: one small write and fdatasync, nothing else.
fn fsync_floor(dir: &Path, n: usize) -> (f64, f64) {
    use std::io::Write;
    let path = dir.join("floor");
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path).expect("floor");
    let line = [b'x'; 200];
    let mut samples: Vec<f64> = (0..n)
        .map(|_| {
            let started = Instant::now();
            file.write_all(&line).expect("write");
            file.sync_data().expect("sync");
            started.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    (samples[samples.len() / 2], samples[(samples.len() - 1) * 99 / 100])
}

/// Where an agent's signature goes: one connection signing, the agent answering a request
/// that needs no signing, and connecting alone.
fn probe_agent(socket: &Path, key: &Path) {
    let public = ssh_key::PublicKey::read_openssh_file(&key.with_extension("pub")).expect("pub");
    let mut client = ssh_agent_client_rs::Client::connect(socket).expect("connect");
    let mut samples: Vec<f64> = (0..2000)
        .map(|n| {
            let started = Instant::now();
            client.sign(public.clone(), format!("m{n}").as_bytes()).expect("sign");
            started.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    report("agent sign on one connection", &samples);
    let mut samples: Vec<f64> = (0..2000)
        .map(|_| {
            let started = Instant::now();
            client.list_all_identities().expect("list");
            started.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    report("agent lists its keys on one connection (no signing)", &samples);
    let mut samples: Vec<f64> = (0..2000)
        .map(|_| {
            let started = Instant::now();
            let _c = std::os::unix::net::UnixStream::connect(socket).expect("connect");
            started.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    report("agent connect only", &samples);
}
