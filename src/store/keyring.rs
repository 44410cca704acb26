//! The keys this process can sign with: the responder's ssh-agent (`SSH_AUTH_SOCK`, so agent
//! forwarding into a shared tmux host works) and key files (`--key`, `WARROOM_KEY`). Which of
//! them signs for a responder is what `allowed_signers` allows for that name.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Utc};
use ssh_agent_client_rs::{Client, Identity};
use ssh_key::public::KeyData;
use ssh_key::{PrivateKey, SshSig};

use super::allowed_signers::{AllowedSigners, NAMESPACE, Refused, fingerprint};
use super::signature::HASH_ALG;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Source {
    File(usize),
    Agent,
}

/// A key this process holds that may sign for `principal`.
#[derive(Clone, Debug)]
pub struct SigningKey {
    pub principal: String,
    pub key: KeyData,
    source: Source,
}

impl SigningKey {
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.key)
    }
}

/// A key file loaded, with an ed25519 key ready to sign (deriving it costs as much as signing).
struct KeyFile {
    path: PathBuf,
    key: PrivateKey,
    ed25519: Option<ed25519_dalek::SigningKey>,
}

#[derive(Default)]
pub struct Keyring {
    files: Vec<KeyFile>,
    agent: Option<PathBuf>,
    found: Mutex<HashMap<String, SigningKey>>,
}

impl Keyring {
    /// Loads the key files now (a bad one is a one-line error) and remembers the agent socket.
    pub fn new(key_files: &[PathBuf], agent: Option<PathBuf>) -> Result<Self, String> {
        let files = key_files
            .iter()
            .map(|path| {
                let key = load(path)?;
                let ed25519 = key.key_data().ed25519().and_then(|pair| ed25519_dalek::SigningKey::try_from(pair).ok());
                Ok(KeyFile { path: path.clone(), key, ed25519 })
            })
            .collect::<Result<_, String>>()?;
        Ok(Self { files, agent: agent.filter(|a| !a.as_os_str().is_empty()), found: Mutex::default() })
    }

    /// A key this process holds that `allowed` lets sign for `principal` at `at`.
    pub fn find(&self, allowed: &AllowedSigners, principal: &str, at: DateTime<Utc>) -> Result<SigningKey, String> {
        let mut found = self.found.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(key) = found.get(principal).filter(|k| allowed.check(principal, &k.key, at).is_ok()) {
            return Ok(key.clone());
        }
        let mut held: Vec<(KeyData, Source)> = self
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.key.public_key().key_data().clone(), Source::File(i)))
            .collect();
        let mut agent_trouble = None;
        if let Some(socket) = &self.agent {
            match agent_keys(socket) {
                Ok(keys) if keys.is_empty() => {
                    agent_trouble = Some("it holds no keys: locked? `ssh-add -X` unlocks it".to_owned());
                }
                Ok(keys) => held.extend(keys.into_iter().map(|k| (k, Source::Agent))),
                Err(why) => agent_trouble = Some(why),
            }
        }
        let mut refusal: Option<(String, Refused)> = None;
        for (key, source) in held {
            match allowed.check(principal, &key, at) {
                Ok(()) => {
                    let key = SigningKey { principal: principal.to_owned(), key, source };
                    found.insert(principal.to_owned(), key.clone());
                    return Ok(key);
                }
                Err(Refused::NotListed) => {}
                Err(why) => refusal = Some((fingerprint(&key), why)),
            }
        }
        if let Some((print, why)) = refusal {
            return Err(format!("{principal}'s key {print} cannot sign: {why}"));
        }
        Err(self.nothing_for(principal, agent_trouble))
    }

    fn nothing_for(&self, principal: &str, agent_trouble: Option<String>) -> String {
        let places = match (&self.agent, self.files.is_empty()) {
            (None, true) => {
                return format!(
                    "no key of {principal}'s to sign with: no ssh-agent (SSH_AUTH_SOCK is not set) and no --key"
                );
            }
            (Some(_), true) => "in the ssh-agent".to_owned(),
            (None, false) => format!("in {}", self.file_names()),
            (Some(_), false) => format!("in the ssh-agent or in {}", self.file_names()),
        };
        let trouble = agent_trouble.map(|t| format!(" ({t})")).unwrap_or_default();
        format!("no key of {principal}'s {places}{trouble}: run your own console with your agent, or --key")
    }

    fn file_names(&self) -> String {
        self.files.iter().map(|f| f.path.display().to_string()).collect::<Vec<_>>().join(", ")
    }

    /// Signs `msg` (SSHSIG, namespace `warroom`) with `key`.
    pub fn sign(&self, key: &SigningKey, msg: &[u8]) -> Result<SshSig, String> {
        let signed = match &key.source {
            Source::File(i) => {
                let file = self.files.get(*i).ok_or("the key file is gone")?;
                match &file.ed25519 {
                    Some(ready) => sign_ed25519(ready, &key.key, msg),
                    None => file.key.sign(NAMESPACE, HASH_ALG, msg).map_err(|e| format!("cannot sign: {e}")),
                }
            }
            Source::Agent => self.agent_sign(key, msg),
        };
        if signed.is_err() {
            self.found.lock().unwrap_or_else(PoisonError::into_inner).remove(&key.principal);
        }
        signed
    }

    fn agent_sign(&self, key: &SigningKey, msg: &[u8]) -> Result<SshSig, String> {
        let socket = self.agent.as_deref().ok_or("no ssh-agent")?;
        let mut client = connect(socket)?;
        let data = SshSig::signed_data(NAMESPACE, HASH_ALG, msg).map_err(|e| e.to_string())?;
        let identity: Identity<'_> = ssh_key::PublicKey::new(key.key.clone(), "").into();
        let signature = client.sign(identity, &data).map_err(|e| match e {
            ssh_agent_client_rs::Error::RemoteFailure => {
                format!("the ssh-agent refused to sign with {} (locked? `ssh-add -X` unlocks it)", key.fingerprint())
            }
            other => agent_failed(other),
        })?;
        let sig = SshSig::new(key.key.clone(), NAMESPACE, HASH_ALG, signature).map_err(|e| e.to_string())?;
        // The agent is another program: what it returns is checked before it is relied on.
        super::signature::check(&sig, msg).map_err(|_| {
            format!("the ssh-agent returned a signature that does not verify with {}", key.fingerprint())
        })?;
        Ok(sig)
    }
}

/// How long the agent may take to answer: the log's lock is held meanwhile, so a stalled
/// agent (a forwarded connection gone quiet, a key waiting for confirmation) must not hold
/// every other responder's writes for long.
pub const AGENT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

fn sign_ed25519(ready: &ed25519_dalek::SigningKey, public: &KeyData, msg: &[u8]) -> Result<SshSig, String> {
    use ed25519_dalek::Signer;
    let data = SshSig::signed_data(NAMESPACE, HASH_ALG, msg).map_err(|e| e.to_string())?;
    let signature = ssh_key::Signature::new(ssh_key::Algorithm::Ed25519, ready.sign(&data).to_bytes().to_vec())
        .map_err(|e| e.to_string())?;
    SshSig::new(public.clone(), NAMESPACE, HASH_ALG, signature).map_err(|e| e.to_string())
}

fn connect(socket: &Path) -> Result<Client, String> {
    let stream = std::os::unix::net::UnixStream::connect(socket)
        .map_err(|e| format!("cannot reach the ssh-agent at {}: {e}", socket.display()))?;
    let deadline = std::time::Instant::now() + AGENT_TIMEOUT;
    Ok(Client::with_read_write(Box::new(Deadline { stream, deadline })))
}

/// The agent's connection, given one deadline for the whole exchange: an agent that trickles
/// its answer a byte at a time runs out of time as surely as one that says nothing.
struct Deadline {
    stream: std::os::unix::net::UnixStream,
    deadline: std::time::Instant,
}

impl Deadline {
    fn left(&self) -> std::io::Result<std::time::Duration> {
        let left = self.deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "the ssh-agent took too long"));
        }
        Ok(left)
    }
}

impl std::io::Read for Deadline {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self.left()?;
        self.stream.set_read_timeout(Some(left))?;
        self.stream.read(buf)
    }
}

impl std::io::Write for Deadline {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let left = self.left()?;
        self.stream.set_write_timeout(Some(left))?;
        self.stream.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.stream.flush()
    }
}

/// The agent's failure in words; a timeout says how long it was given.
fn agent_failed(e: ssh_agent_client_rs::Error) -> String {
    match e {
        ssh_agent_client_rs::Error::AgentCommunicationError(io)
            if matches!(io.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) =>
        {
            format!(
                "the ssh-agent did not answer within {} s (a key waiting for confirmation?)",
                AGENT_TIMEOUT.as_secs()
            )
        }
        ssh_agent_client_rs::Error::AgentCommunicationError(io) => format!("the ssh-agent failed: {io}"),
        other => format!("the ssh-agent failed: {other}"),
    }
}

fn agent_keys(socket: &Path) -> Result<Vec<KeyData>, String> {
    let identities = connect(socket)?.list_all_identities().map_err(agent_failed)?;
    Ok(identities
        .into_iter()
        .filter_map(|identity| match identity {
            Identity::PublicKey(key) => Some(key.key_data().clone()),
            Identity::Certificate(_) => None,
        })
        .collect())
}

/// An OpenSSH private key file is a few KiB (a 16384-bit RSA key about 13).
const MAX_KEY_FILE: u64 = 64 * 1024;

fn load(path: &Path) -> Result<PrivateKey, String> {
    use std::os::unix::fs::PermissionsExt;
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("key file {shown}: {e}"))?;
    if !meta.is_file() || meta.len() > MAX_KEY_FILE {
        return Err(format!("key file {shown} is not an OpenSSH private key file"));
    }
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(format!("key file {shown} is open to others (mode {mode:04o}): chmod 600 {shown}"));
    }
    let text = std::fs::read(path).map_err(|e| format!("key file {shown}: {e}"))?;
    let key = PrivateKey::from_openssh(&text).map_err(|_| format!("key file {shown} is not an OpenSSH private key"))?;
    if key.is_encrypted() {
        return Err(format!("key file {shown} has a passphrase: add it to your ssh-agent (ssh-add {shown}) instead"));
    }
    Ok(key)
}
