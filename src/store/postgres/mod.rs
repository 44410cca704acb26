//! The PostgreSQL store: the same line bytes, chain, seal and signatures as the file
//! workspace, kept as rows (see `medium`), for teams whose responders work from several hosts.
//! Appends lock the log's head row, catch up, decide and commit in one transaction, and are
//! acknowledged once COMMIT returns (with `synchronous_commit` on, so synchronous standbys
//! have them too). Every append notifies; consoles listen (see `follow`).

mod adapter;
mod follow;
mod lease;
mod medium;
mod passfile;
mod pool;
pub mod schema;
mod tls;
mod tls_options;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use self::medium::RowMedium;
use self::pool::{Pool, blocking, fault};
use super::StoreError;
use super::ledger::{INBOX, Ledger, Shelf};
use super::medium::Medium;
use super::signing::{Proofs, read_policy};
use crate::domain::suggest::did_you_mean;

pub struct PgStore {
    pool: Pool,
    /// The workspace directory beside the database: its `allowed_signers`, its quarantine.
    root: PathBuf,
    ledger: Ledger,
    /// Logs seen in the database.
    known: std::sync::Mutex<std::collections::HashSet<String>>,
}

impl PgStore {
    /// The store at `url`, whose schema must be this warroom's (`warroom store init`); the
    /// signing policy is `root`'s `allowed_signers`, as on the file workspace.
    pub fn open(url: &str, root: &Path, proofs: Proofs) -> Result<Self, StoreError> {
        let pool = Pool::new(url).map_err(StoreError::Store)?;
        let ledger = Ledger::new(read_policy(root)?, proofs);
        let store = Self { root: root.to_owned(), ledger, pool, known: Default::default() };
        let mut conn = store.pool.take().map_err(|e| store.io("connect to", e))?;
        blocking(|| schema::check(conn.client())).map_err(|e| schema_failure(store.pool.location(), e))?;
        Ok(store)
    }

    /// Creates or migrates the schema at `url`; the versions applied.
    pub fn init(url: &str, grant: Option<&str>) -> Result<Vec<i32>, StoreError> {
        let pool = Pool::new(url).map_err(StoreError::Store)?;
        let client = pool.connect().map_err(|e| StoreError::io("connect to", Path::new(pool.location()), e))?;
        let mut held = pool::Held(Some(client));
        blocking(|| {
            let client = held.0.as_mut().ok_or_else(|| StoreError::Store("no connection".into()))?;
            let failed = |e| schema_failure(pool.location(), e);
            let applied = schema::migrate(client).map_err(failed)?;
            if let Some(role) = grant {
                schema::grant(client, role).map_err(failed)?;
            }
            Ok(applied)
        })
    }

    fn io(&self, action: &'static str, e: std::io::Error) -> StoreError {
        StoreError::io(action, Path::new(self.pool.location()), e)
    }

    /// Runs `query` on a connection of the pool; a failure reads as the database's.
    fn query<T: Send>(
        &self,
        query: impl FnOnce(&mut postgres::Client) -> Result<T, postgres::Error> + Send,
    ) -> Result<T, StoreError> {
        let mut conn = self.ledger.guard(self.pool.take().map_err(|e| self.io("connect to", e)))?;
        let result = blocking(|| query(conn.client())).map_err(|e| self.io("query", fault(e)));
        if result.is_err() {
            conn.discard();
            self.pool.drain();
        }
        self.ledger.guard(result)
    }

    fn names(&self, sql: &str) -> Result<Vec<String>, StoreError> {
        self.query(|c| c.query(sql, &[]).map(|rows| rows.iter().map(|r| r.get(0)).collect()))
    }
}

/// A schema the database cannot use is the user's to fix (exit 2); a database that failed
/// under the question is the storage's fault, as for any write (exit 4).
fn schema_failure(location: &str, failure: schema::Failure) -> StoreError {
    match failure {
        schema::Failure::Schema(why) => StoreError::Store(why),
        schema::Failure::Database(e) if e.kind() == std::io::ErrorKind::Other => StoreError::Store(e.to_string()),
        schema::Failure::Database(e) => StoreError::io("query", Path::new(location), e),
    }
}

impl Shelf for PgStore {
    /// Takes the next free id of `now`'s day: the insert's primary key makes it unique across
    /// every host writing to the database.
    fn allocate(&self, now: DateTime<Utc>) -> Result<String, StoreError> {
        let prefix = format!("INC-{}-", now.format("%Y%m%d"));
        loop {
            let last: Option<String> = self.query(|c| {
                c.query_opt(
                    "SELECT name FROM warroom.logs WHERE name LIKE $1 || '%' ORDER BY length(name) DESC, name DESC LIMIT 1",
                    &[&prefix],
                )
                .map(|row| row.map(|r| r.get(0)))
            })?;
            let n = last.and_then(|name| name[prefix.len()..].parse::<u64>().ok()).unwrap_or(0) + 1;
            let id = format!("{prefix}{n:03}");
            let inserted = self
                .query(|c| c.execute("INSERT INTO warroom.logs (name) VALUES ($1) ON CONFLICT DO NOTHING", &[&id]))?;
            if inserted == 1 {
                return Ok(id);
            }
        }
    }

    fn medium(&self, name: &str) -> Box<dyn Medium> {
        Box::new(RowMedium::new(self.pool.clone(), name))
    }

    fn holds(&self, id: &str) -> Result<bool, StoreError> {
        if id == INBOX {
            return Ok(false);
        }
        // A log once in the database stays there: only its absence is asked again.
        let known = || self.known.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if known().contains(id) {
            return Ok(true);
        }
        let held =
            self.query(|c| c.query_opt("SELECT 1 FROM warroom.logs WHERE name = $1", &[&id]).map(|row| row.is_some()))?;
        if held {
            known().insert(id.to_owned());
        }
        Ok(held)
    }

    fn listed_open(&self) -> Result<Vec<String>, StoreError> {
        self.names("SELECT name FROM warroom.logs WHERE NOT archived AND name <> 'inbox' ORDER BY name")
    }

    fn unlist(&self, id: &str) {
        let _ = self.query(|c| c.execute("UPDATE warroom.logs SET archived = true WHERE name = $1", &[&id]));
    }

    fn inbox_exists(&self, create: bool) -> Result<bool, StoreError> {
        if create {
            self.query(|c| c.execute("INSERT INTO warroom.logs (name) VALUES ('inbox') ON CONFLICT DO NOTHING", &[]))?;
            return Ok(true);
        }
        self.query(|c| c.query_opt("SELECT 1 FROM warroom.logs WHERE name = 'inbox'", &[]).map(|row| row.is_some()))
    }

    fn admit(&self, name: &str) -> Result<(), StoreError> {
        let sql = "INSERT INTO warroom.logs (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET archived = false";
        self.query(|c| c.execute(sql, &[&name])).map(drop)
    }

    /// Writable again: a fresh connection reaches a primary (not a standby in recovery).
    fn probe(&self) -> bool {
        self.pool.drain();
        self.query(|c| c.query_one("SELECT NOT pg_is_in_recovery()", &[]).map(|row| row.get::<_, bool>(0)))
            .unwrap_or(false)
    }

    fn quarantine_dir(&self) -> PathBuf {
        self.root.join("quarantine")
    }

    fn unknown(&self, id: &str) -> StoreError {
        let known = super::Store::all_ids(self).unwrap_or_default();
        let hint = did_you_mean(id, known.iter().map(String::as_str));
        StoreError::UnknownIncident { id: id.to_owned(), hint }
    }
}
