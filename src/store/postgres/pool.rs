//! Connections to the database, kept for reuse: each read or hold takes one of its own, so a
//! transaction never shares its connection.

use std::io;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use postgres::{Client, Config, NoTls};
use tokio_postgres_rustls::MakeRustlsConnect;

/// How long connecting may take before the store says the database is unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a kept connection may take to show it is alive.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);
/// Idle connections kept for the next use.
const KEPT: usize = 4;

#[derive(Clone)]
pub struct Pool {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    tls: Option<MakeRustlsConnect>,
    location: String,
    idle: Mutex<Vec<Client>>,
}

impl Pool {
    /// A pool for `url` (`postgres://…` or `host=… dbname=…`, multi-host included). Connects
    /// only when first used.
    pub fn new(url: &str) -> Result<Self, String> {
        let (rest, tls_options) = super::tls_options::take(url).map_err(|e| format!("{}: {e}", redacted(url)))?;
        let mut config: Config = rest.parse().map_err(|e| format!("{}: {e}", redacted(url)))?;
        let (ssl_mode, tls) = super::tls::connector(&tls_options)?;
        config.ssl_mode(ssl_mode);
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        config.keepalives(true).keepalives_idle(Duration::from_secs(10));
        if config.get_application_name().is_none() {
            config.application_name("warroom");
        }
        if config.get_password().is_none()
            && let Some(password) = super::passfile::password(&config)
        {
            config.password(password);
        }
        let location = describe(&config);
        Ok(Self { inner: Arc::new(Inner { config, tls, location, idle: Mutex::new(Vec::new()) }) })
    }

    /// The database, for people: `postgres://host:port/dbname`, never a password.
    pub fn location(&self) -> &str {
        &self.inner.location
    }

    /// A connection of its own until dropped.
    pub fn take(&self) -> io::Result<Pooled> {
        blocking(|| self.take_here())
    }

    fn take_here(&self) -> io::Result<Pooled> {
        // A kept connection may have died with its server (a restart, a failover): each is
        // checked with a round trip before it is lent, so a command never fails on one.
        let client = loop {
            let kept = self.inner.idle.lock().unwrap_or_else(PoisonError::into_inner).pop();
            match kept {
                Some(mut client) => {
                    if !client.is_closed() && client.is_valid(CHECK_TIMEOUT).is_ok() {
                        break client;
                    }
                    release(client);
                }
                None => break self.connect_here()?,
            }
        };
        Ok(Pooled { client: Some(client), pool: self.clone() })
    }

    /// A kept connection as it is, unchecked, else a fresh one: for a caller whose first
    /// round trip shows whether it is alive, and who takes another when it is not.
    pub fn take_unchecked(&self) -> io::Result<Pooled> {
        let kept = self.inner.idle.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let client = match kept {
            Some(client) if !client.is_closed() => client,
            Some(closed) => {
                release(closed);
                blocking(|| self.connect_here())?
            }
            None => blocking(|| self.connect_here())?,
        };
        Ok(Pooled { client: Some(client), pool: self.clone() })
    }

    /// A fresh connection, outside the pool (a listener's, a lease's).
    pub fn connect(&self) -> io::Result<Client> {
        blocking(|| self.connect_here())
    }

    fn connect_here(&self) -> io::Result<Client> {
        let connected = match &self.inner.tls {
            Some(tls) => self.inner.config.connect(tls.clone()),
            None => self.inner.config.connect(NoTls),
        };
        let mut client = connected.map_err(fault)?;
        // Acknowledged means durable: on the primary, and on its synchronous standbys.
        client.batch_execute("SET synchronous_commit = on").map_err(fault)?;
        Ok(client)
    }

    /// Forgets every idle connection (after a failure, so none of a dead server's is reused).
    pub fn drain(&self) {
        let idle = std::mem::take(&mut *self.inner.idle.lock().unwrap_or_else(PoisonError::into_inner));
        idle.into_iter().for_each(release);
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        let idle = std::mem::take(self.idle.get_mut().unwrap_or_else(PoisonError::into_inner));
        idle.into_iter().for_each(release);
    }
}

/// Runs `work`, which uses the database, where it may block. The synchronous client drives a
/// runtime of its own, which cannot run on a thread that is driving one already (the console's,
/// the listener's): there, `work` runs on a thread of its own while this one waits.
pub fn blocking<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    if tokio::runtime::Handle::try_current().is_err() {
        return work();
    }
    std::thread::scope(|scope| match scope.spawn(work).join() {
        Ok(done) => done,
        Err(panic) => std::panic::resume_unwind(panic),
    })
}

/// Closes `client`, off any async runtime's thread (closing blocks on the client's own runtime).
pub fn release(client: Client) {
    if tokio::runtime::Handle::try_current().is_err() {
        drop(client);
    } else if let Err(spawn) = std::thread::Builder::new().name("warroom-db-close".into()).spawn(move || drop(client)) {
        tracing::warn!(event = "fault", error = %spawn, "a database connection was left to the server to close");
    }
}

/// A connection held outside the pool for as long as it lives (a lease's), closed where that
/// is allowed.
pub struct Held(pub Option<Client>);

impl Drop for Held {
    fn drop(&mut self) {
        if let Some(client) = self.0.take() {
            release(client);
        }
    }
}

pub struct Pooled {
    client: Option<Client>,
    pool: Pool,
}

impl Pooled {
    pub fn client(&mut self) -> &mut Client {
        self.client.as_mut().unwrap_or_else(|| unreachable!("a pooled connection is held until dropped"))
    }

    /// Closes the connection instead of keeping it (its state is unknown).
    pub fn discard(mut self) {
        if let Some(client) = self.client.take() {
            release(client);
        }
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        let Some(client) = self.client.take() else { return };
        let mut idle = self.pool.inner.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < KEPT && !client.is_closed() {
            idle.push(client);
        } else {
            drop(idle);
            release(client);
        }
    }
}

/// A database failure as an I/O error of the kind that says what it means for writes: the
/// server unreachable, read-only (a standby), or out of space are the storage's own faults.
pub fn fault(e: postgres::Error) -> io::Error {
    let kind = match e.code().map(postgres::error::SqlState::code) {
        None => io::ErrorKind::NotConnected,
        Some(code) if code.starts_with("08") || code.starts_with("57P") => io::ErrorKind::NotConnected,
        Some("25006") => io::ErrorKind::ReadOnlyFilesystem,
        Some(code) if code.starts_with("53") => io::ErrorKind::StorageFull,
        Some("42501") => io::ErrorKind::PermissionDenied,
        Some(_) => io::ErrorKind::Other,
    };
    let text = match (e.as_db_error(), std::error::Error::source(&e)) {
        (Some(db), _) => db.message().to_owned(),
        (None, Some(cause)) => format!("{e}: {cause}"),
        (None, None) => e.to_string(),
    };
    io::Error::new(kind, text)
}

fn describe(config: &Config) -> String {
    use postgres::config::Host;
    let ports = config.get_ports().iter().chain(std::iter::repeat(&5432));
    let hosts: Vec<(String, u16)> = config
        .get_hosts()
        .iter()
        .zip(ports)
        .map(|(host, port)| match host {
            Host::Tcp(name) => (name.clone(), *port),
            Host::Unix(path) => (path.display().to_string(), *port),
        })
        .collect();
    let dbname = config.get_dbname().unwrap_or_default();
    if config.get_hosts().iter().all(|host| matches!(host, Host::Tcp(_))) {
        let hosts: Vec<String> = hosts.iter().map(|(name, port)| format!("{name}:{port}")).collect();
        return format!("postgres://{}/{dbname}", hosts.join(","));
    }
    // A socket directory is no host name: libpq's URI names it in the query.
    let (names, ports): (Vec<String>, Vec<String>) = hosts.into_iter().map(|(n, p)| (n, p.to_string())).unzip();
    format!("postgres:///{dbname}?host={}&port={}", names.join(","), ports.join(","))
}

/// `url` with any password replaced, for an error message.
fn redacted(url: &str) -> String {
    let hide = |text: &str, pattern: &str, with: &str| {
        regex::Regex::new(pattern).map(|re| re.replace_all(text, with).into_owned()).unwrap_or_default()
    };
    hide(&hide(url, r"(://[^:/@]*):[^@]*@", "$1:…@"), r"(password\s*=\s*)\S+", "${1}…")
}
