//! A real PostgreSQL server for the tests: initdb in a temporary directory, listening only on a
//! Unix socket there, run as an unprivileged user when the tests run as root (PostgreSQL
//! refuses root). It stops when its handle is dropped or the test process ends, however it ends.

use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const PORT: u16 = 5432;
const ADMIN: &str = "admin";

pub struct Server {
    dir: tempfile::TempDir,
    /// The shell watching this pipe stops the server when it closes.
    lifeline: Option<(Child, ChildStdin)>,
    remove_on_exit: bool,
    /// The port, on the Unix socket and (for a TLS server) on 127.0.0.1.
    port: u16,
    tcp: bool,
}

/// One server shared by the tests of a test binary; each test takes a database of its own.
pub fn shared() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    // Never dropped: the server's last act is to remove its directory.
    SERVER.get_or_init(|| Server::started(true))
}

/// A fresh database on the shared server, with the warroom schema: its URL.
pub fn database() -> String {
    let server = shared();
    let url = server.create_database();
    warroom::store::PgStore::init(&url, None).expect("store init");
    url
}

impl Server {
    pub fn start() -> Self {
        Self::started(false)
    }

    /// A hot standby of `primary`, streaming from it, which `primary` then waits for on every
    /// commit (a synchronous standby). Returns once the primary reports it in sync.
    pub fn standby_of(primary: &Self) -> Self {
        let dir = Self::directory();
        run(as_server_user(&binary("pg_basebackup"))
            .args(["-h"])
            .arg(primary.socket())
            .args(["-p", &PORT.to_string(), "-U", ADMIN, "-R", "-X", "stream", "--no-sync", "-D"])
            .arg(dir.path().join("data")));
        let mut standby = Self { dir, lifeline: None, remove_on_exit: false, port: PORT, tcp: false };
        standby.launch();
        primary.sql("postgres", "ALTER SYSTEM SET synchronous_standby_names = '*'");
        primary.sql("postgres", "SELECT pg_reload_conf()");
        let deadline = Instant::now() + Duration::from_secs(30);
        while primary.value("SELECT count(*)::text FROM pg_stat_replication WHERE sync_state = 'sync'") != "1" {
            assert!(Instant::now() < deadline, "the standby did not come in sync: {}", standby.server_log());
            std::thread::sleep(Duration::from_millis(50));
        }
        standby
    }

    /// The directory holding the server's Unix socket: its `host`.
    pub fn socket(&self) -> PathBuf {
        self.dir.path().join("socket")
    }

    /// Kills the server and every process of it with SIGKILL, as a host that dies would: no
    /// shutdown, no last word to its standby or its clients.
    pub fn kill_hard(&mut self) {
        let pid = std::fs::read_to_string(self.dir.path().join("data/postmaster.pid")).expect("postmaster.pid");
        let pid = pid.lines().next().expect("pid").trim().to_owned();
        let children = Command::new("pgrep").args(["-P", &pid]).output().expect("pgrep").stdout;
        let children = String::from_utf8_lossy(&children);
        // A child may end on its own between the listing and the kill: not an error.
        let _ = Command::new("kill").arg("-KILL").arg(&pid).args(children.split_whitespace()).output();
        if let Some((mut child, stdin)) = self.lifeline.take() {
            drop(stdin);
            let _ = child.wait();
        }
    }

    /// Promotes a standby to primary and waits until it accepts writes.
    pub fn promote(&self) {
        assert_eq!(self.value("SELECT pg_promote(true, 60)::text"), "true", "{}", self.server_log());
    }

    /// The one value `sql` selects on the `postgres` database, as text.
    pub fn value(&self, sql: &str) -> String {
        let mut client = postgres::Client::connect(&self.url("postgres"), postgres::NoTls).expect("connect");
        client.query_one(sql, &[]).unwrap_or_else(|e| panic!("{sql}: {e}")).get(0)
    }

    /// A temporary directory for a server's data and socket, the server user's.
    fn directory() -> tempfile::TempDir {
        let dir = tempfile::Builder::new().prefix("warroom-pg").tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("socket")).expect("socket dir");
        if is_root() {
            run(Command::new("chown").args(["-R", "nobody"]).arg(dir.path()));
        }
        dir
    }

    fn started(remove_on_exit: bool) -> Self {
        let dir = Self::directory();
        let data = dir.path().join("data");
        run(as_server_user(&binary("initdb")).arg("-D").arg(&data).args([
            "-U",
            ADMIN,
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
            "--no-instructions",
        ]));
        let mut server = Self { dir, lifeline: None, remove_on_exit, port: PORT, tcp: false };
        server.launch();
        server
    }

    /// A server that also listens on 127.0.0.1 (a free port), with TLS from `certificate` and
    /// `key` (PEM), and refuses any TCP connection without TLS (`hostssl` only).
    pub fn start_tls(certificate: &Path, key: &Path) -> Self {
        let mut server = Self::started(false);
        server.stop();
        let data = server.dir.path().join("data");
        std::fs::copy(certificate, data.join("server.pem")).expect("certificate");
        std::fs::copy(key, data.join("server.key")).expect("key");
        std::fs::write(data.join("pg_hba.conf"), "local all all trust\nhostssl all all 127.0.0.1/32 trust\n")
            .expect("pg_hba");
        let conf = std::fs::read_to_string(data.join("postgresql.conf")).expect("conf");
        let tls = "ssl = on\nssl_cert_file = 'server.pem'\nssl_key_file = 'server.key'\n";
        std::fs::write(data.join("postgresql.conf"), conf + tls).expect("conf");
        if is_root() {
            run(Command::new("chown").args(["-R", "nobody"]).arg(&data));
        }
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(data.join("server.key"), std::fs::Permissions::from_mode(0o600)).expect("chmod");
        let free = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        server.port = free.local_addr().expect("port").port();
        drop(free);
        server.tcp = true;
        server.launch();
        server
    }

    /// The URL of `database` over TCP to `host` (which resolves to 127.0.0.1), with `options`.
    pub fn tcp_url(&self, database: &str, host: &str, options: &str) -> String {
        format!("host={host} port={} user={ADMIN} dbname={database} {options}", self.port)
    }

    /// Starts the server process (again, after `stop`) and waits until it accepts connections.
    pub fn launch(&mut self) {
        let script = r#""$0" -D "$1" -k "$2" -p "$3" -c listen_addresses="$6" -c max_connections=200 >>"$4" 2>&1 &
pid=$!
cat >/dev/null
kill -INT "$pid"
wait "$pid"
[ -z "$5" ] || rm -rf "$5""#;
        let mut child = as_server_user(Path::new("sh"))
            .arg("-c")
            .arg(script)
            .arg(binary("postgres"))
            .arg(self.dir.path().join("data"))
            .arg(self.dir.path().join("socket"))
            .arg(self.port.to_string())
            .arg(self.dir.path().join("server.log"))
            .arg(if self.remove_on_exit { self.dir.path().as_os_str() } else { "".as_ref() })
            .arg(if self.tcp { "127.0.0.1" } else { "" })
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("postgres");
        let stdin = child.stdin.take().expect("lifeline");
        self.lifeline = Some((child, stdin));
        let deadline = Instant::now() + Duration::from_secs(30);
        while postgres::Client::connect(&self.url("postgres"), postgres::NoTls).is_err() {
            assert!(Instant::now() < deadline, "postgres did not start: {}", self.server_log());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops the server (a fast shutdown: connections are cut) and waits for it.
    pub fn stop(&mut self) {
        if let Some((mut child, stdin)) = self.lifeline.take() {
            drop(stdin);
            let _ = child.wait();
        }
    }

    /// Stops and starts the server again: every connection to it is cut.
    pub fn restart(&mut self) {
        self.stop();
        self.launch();
    }

    /// The libpq-style URL of `database` as the administrator.
    pub fn url(&self, database: &str) -> String {
        format!("host={} port={} user={ADMIN} dbname={database}", self.dir.path().join("socket").display(), self.port)
    }

    /// A database of its own, empty.
    pub fn create_database(&self) -> String {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!("t{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        self.sql("postgres", &format!("CREATE DATABASE {name}"));
        self.url(&name)
    }

    /// Runs `sql` as the administrator on `database`.
    pub fn sql(&self, database: &str, sql: &str) {
        let mut client = postgres::Client::connect(&self.url(database), postgres::NoTls).expect("connect");
        client.batch_execute(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    pub fn server_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `url` with the user replaced by `role`.
pub fn as_role(url: &str, role: &str) -> String {
    url.replace(&format!("user={ADMIN}"), &format!("user={role}"))
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|out| out.stdout.trim_ascii() == b"0")
}

/// `program`, run as `nobody` when the tests run as root, on the real clock (a database server
/// keeps its own time, not the moved clock of `.ci/moved-clock`).
fn as_server_user(program: &Path) -> Command {
    let mut command = if is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "nobody", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    };
    command.env_remove("LD_PRELOAD");
    for (name, _) in std::env::vars_os().filter(|(name, _)| name.to_string_lossy().starts_with("FAKETIME")) {
        command.env_remove(name);
    }
    command
}

/// A PostgreSQL program: Debian keeps them under /usr/lib/postgresql/VERSION/bin.
fn binary(name: &str) -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|dir| dir.filter_map(|e| e.ok()).map(|e| e.path().join("bin").join(name)).collect())
        .unwrap_or_default();
    versions.retain(|p| p.exists());
    versions.sort();
    versions.pop().unwrap_or_else(|| PathBuf::from(name))
}

fn run(command: &mut Command) {
    let out = command.output().unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(out.status.success(), "{command:?}: {}", String::from_utf8_lossy(&out.stderr));
}
