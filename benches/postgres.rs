//! The PostgreSQL store on a real local server (started here, on a Unix socket, as `nobody`
//! when run as root), each figure beside a reference measured in the same run on the same
//! server: append + acknowledge beside a bare `INSERT` + `COMMIT` of a row of the same size from
//! a minimal client (and beside the file workspace); `warroom status` with 10,000 closed and 20
//! open incidents beside the same on files; the listener's durable alerts/s beside the file
//! store. Run: `cargo bench --bench postgres` (needs PostgreSQL's server binaries).

#[path = "support/http.rs"]
mod http;
#[path = "../tests/common/postgres.rs"]
#[allow(dead_code)]
mod postgres_server;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command as Process, Stdio};
use std::time::{Duration, Instant};

use chrono::Utc;
use warroom::catalog::{self, Origin};
use warroom::domain::Command;
use warroom::domain::event::Actor;
use warroom::store::signing::Proofs;
use warroom::store::{PgStore, Store, Workspace};

const BIN: &str = env!("CARGO_BIN_EXE_warroom");

fn main() {
    let server = postgres_server::Server::start();
    let version = server.value("SELECT current_setting('server_version')");
    println!("server: PostgreSQL {version}, local, Unix socket, synchronous_commit on, fsync on");
    appends(&server);
    status(&server);
    listener(&server);
}

fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|n| n.parse().ok()).unwrap_or(default)
}

fn appends(server: &postgres_server::Server) {
    let count = env_count("WARROOM_BENCH_APPENDS", 5_000);
    let url = server.create_database();
    PgStore::init(&url, None).expect("init");
    let dir = tempfile::tempdir().expect("dir");
    let files = tempfile::tempdir().expect("dir");
    let database = PgStore::open(&url, dir.path(), Proofs::default()).expect("open");
    let workspace = Workspace::open_with(files.path(), Proofs::default()).expect("workspace");
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
    let stores: [&dyn Store; 2] = [&database, &workspace];
    let incidents: Vec<_> =
        stores.iter().map(|store| store.declare(&actor, Utc::now(), &declare).expect("declare")).collect();
    let row_size: i32 = {
        let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
        client
            .batch_execute("CREATE TABLE bare (k text, seq bigint, line bytea, PRIMARY KEY (k, seq))")
            .expect("bare table");
        let _ = stores[0].execute(&incidents[0], &actor, Utc::now(), note(0)).expect("append");
        let row = client.query_one("SELECT length(line) FROM warroom.lines ORDER BY seq DESC LIMIT 1", &[]);
        row.expect("size").get(0)
    };
    let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    let line = vec![b'x'; row_size as usize];
    println!("workload: {count} notes appended to one incident on each store, taken in turn; rows of {row_size} bytes");
    let mut samples = [Vec::with_capacity(count), Vec::with_capacity(count), Vec::with_capacity(count)];
    for n in 1..=count {
        for k in (0..3).map(|k| (k + n) % 3) {
            let started = Instant::now();
            match k {
                0 | 1 => drop(stores[k].execute(&incidents[k], &actor, Utc::now(), note(n)).expect("append")),
                _ => {
                    let seq = n as i64;
                    client.execute("INSERT INTO bare VALUES ('bench', $1, $2)", &[&seq, &line]).expect("insert");
                }
            }
            samples[k].push(started.elapsed().as_secs_f64() * 1e6);
        }
    }
    let names = [
        "append + acknowledge, PostgreSQL",
        "append + acknowledge, file workspace",
        "reference: bare INSERT + COMMIT (autocommit)",
    ];
    for (name, samples) in names.iter().zip(&mut samples) {
        samples.sort_by(f64::total_cmp);
        let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
        println!("{name:<46} median {:>7.1} µs   p99 {:>7.1} µs   max {:>8.1} µs", at(0.5), at(0.99), at(1.0));
    }
}

fn note(n: usize) -> Command {
    Command::Note { text: format!("note {n}: trace 7f3a pinned, 3 records of tenant acme seen by globex") }
}

fn status(server: &postgres_server::Server) {
    let closed = env_count("WARROOM_BENCH_CLOSED", 10_000).to_string();
    let files = tempfile::tempdir().expect("dir");
    let elsewhere = tempfile::tempdir().expect("dir");
    let run = |dir: &Path, store: Option<&str>, args: &[&str]| {
        let mut command = Process::new(BIN);
        command.arg("--dir").arg(dir).args(store.map(|url| ["--store", url]).iter().flatten()).args(args);
        let ok = command.env("WARROOM_TEST_NOW", "2026-11-24T02:00:00Z").stdout(Stdio::null()).status();
        assert!(ok.expect("warroom").success(), "{args:?}");
    };
    run(files.path(), None, &["generate", "workspace", "--closed", &closed, "--open", "20"]);
    let url = server.create_database();
    PgStore::init(&url, None).expect("init");
    let copied = Instant::now();
    run(elsewhere.path(), None, &["store", "copy", "--from", &files.path().display().to_string(), "--to", &url]);
    let copy_took = copied.elapsed().as_secs_f64();
    let rows: i64 = postgres::Client::connect(&url, postgres::NoTls)
        .and_then(|mut client| client.query_one("SELECT count(*) FROM warroom.lines", &[]))
        .expect("count")
        .get(0);
    println!(
        "workload: {closed} closed + 20 open incidents, {rows} lines; `store copy` files → PostgreSQL took {copy_took:.1} s"
    );
    for (name, dir, store) in [
        ("warroom status, PostgreSQL", elsewhere.path(), Some(url.as_str())),
        ("warroom status, file workspace", files.path(), None),
    ] {
        let mut samples: Vec<f64> = (0..30)
            .map(|_| {
                let started = Instant::now();
                run(dir, store, &["status"]);
                started.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        samples.sort_by(f64::total_cmp);
        println!("{name:<32} median {:>6.1} ms   max {:>6.1} ms  (30 runs)", samples[15], samples[29]);
    }
}

fn listener(server: &postgres_server::Server) {
    let count = env_count("WARROOM_BENCH_ALERTS", 10_000);
    let url = server.create_database();
    PgStore::init(&url, None).expect("init");
    let (database_dir, files_dir) = (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
    let on_database = Listener::start(database_dir.path(), Some(&url));
    let on_files = Listener::start(files_dir.path(), None);
    println!("workload: {count} distinct alerts for one runbook (a storm) per run, one per request, loopback");
    for clients in [4, 16] {
        let offset = clients * count;
        for (name, addr) in [("PostgreSQL", &on_database.addr), ("file workspace", &on_files.addr)] {
            let (rate, p50, p99) = http::load(addr, clients, count / clients, |n| http::storm_alert(offset + n));
            println!(
                "{clients:>2} clients  warroom listen, {name:<15} {rate:>7.0} alerts/s   p50 {p50:>6.2} ms  p99 {p99:>6.2} ms"
            );
        }
    }
}

struct Listener {
    child: Child,
    addr: String,
}

impl Listener {
    fn start(dir: &Path, store: Option<&str>) -> Self {
        let mut child = Process::new(BIN)
            .arg("--dir")
            .arg(dir)
            .args(store.map(|url| ["--store", url]).iter().flatten())
            .args(["--as", "alertmanager", "listen", "--addr", "127.0.0.1:0"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("listener");
        let mut reader = BufReader::new(child.stderr.take().expect("stderr"));
        let mut first = String::new();
        reader.read_line(&mut first).expect("line");
        std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
        let addr = first.split("http://").nth(1).and_then(|r| r.split('/').next()).expect("addr").to_owned();
        std::thread::sleep(Duration::from_millis(100));
        Self { child, addr }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
