//! The database's schema, in versioned migrations: `warroom store init` applies the ones a
//! database lacks, and refuses one whose schema is newer than this warroom.

use std::io;

use postgres::Client;

use super::pool::fault;

/// Why the schema could not be read or changed: the database failed (unreachable, read-only,
/// full: the storage's fault, as for any write), or its schema is not one this warroom uses.
#[derive(Debug)]
pub enum Failure {
    Database(io::Error),
    Schema(String),
}

impl From<postgres::Error> for Failure {
    fn from(e: postgres::Error) -> Self {
        Self::Database(fault(e))
    }
}

/// Each migration once, in order; never edited after release (add another).
const MIGRATIONS: &[(i32, &str)] = &[(
    1,
    r"
CREATE TABLE warroom.logs (
    name text PRIMARY KEY,
    length bigint NOT NULL DEFAULT 0 CHECK (length >= 0),
    seq bigint NOT NULL DEFAULT 0 CHECK (seq >= 0),
    archived boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE warroom.lines (
    log text NOT NULL REFERENCES warroom.logs (name),
    seq bigint NOT NULL CHECK (seq > 0),
    byte_offset bigint NOT NULL CHECK (byte_offset >= 0),
    line bytea NOT NULL,
    PRIMARY KEY (log, seq),
    UNIQUE (log, byte_offset)
);
CREATE TABLE warroom.leases (
    name text PRIMARY KEY,
    holder text NOT NULL
);
CREATE FUNCTION warroom.evidence_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'warroom evidence is append-only: % on warroom.lines refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER lines_append_only BEFORE UPDATE OR DELETE ON warroom.lines
    FOR EACH ROW EXECUTE FUNCTION warroom.evidence_is_append_only();
CREATE TRIGGER lines_never_truncated BEFORE TRUNCATE ON warroom.lines
    FOR EACH STATEMENT EXECUTE FUNCTION warroom.evidence_is_append_only();
REVOKE ALL ON ALL TABLES IN SCHEMA warroom FROM PUBLIC;
",
)];

/// The newest schema this warroom knows.
pub fn latest() -> i32 {
    MIGRATIONS.last().map_or(0, |(version, _)| *version)
}

/// The schema version of the database (0 when it has none).
pub fn version(client: &mut Client) -> Result<i32, Failure> {
    let exists = client.query_one("SELECT to_regclass('warroom.migrations') IS NOT NULL", &[])?;
    if !exists.get::<_, bool>(0) {
        return Ok(0);
    }
    let row = client.query_one("SELECT coalesce(max(version), 0) FROM warroom.migrations", &[])?;
    Ok(row.get(0))
}

/// Applies the migrations the database lacks, each in its own transaction; the versions
/// applied. Two processes initialising at once serialise on an advisory lock.
pub fn migrate(client: &mut Client) -> Result<Vec<i32>, Failure> {
    let mut tx = client.transaction()?;
    tx.batch_execute(
        "SELECT pg_advisory_xact_lock(hashtext('warroom.migrations'));
         CREATE SCHEMA IF NOT EXISTS warroom;
         CREATE TABLE IF NOT EXISTS warroom.migrations (
             version integer PRIMARY KEY,
             applied_at timestamptz NOT NULL DEFAULT now()
         );",
    )?;
    let current: i32 = tx.query_one("SELECT coalesce(max(version), 0) FROM warroom.migrations", &[])?.get(0);
    if current > latest() {
        return Err(Failure::Schema(newer(current)));
    }
    let mut applied = Vec::new();
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
        tx.batch_execute(sql).map_err(|e| in_migration(*version, e))?;
        tx.execute("INSERT INTO warroom.migrations (version) VALUES ($1)", &[version])
            .map_err(|e| in_migration(*version, e))?;
        applied.push(*version);
    }
    tx.commit()?;
    Ok(applied)
}

/// Ok when the database's schema is the one this warroom writes.
pub fn check(client: &mut Client) -> Result<(), Failure> {
    match version(client)? {
        v if v == latest() => Ok(()),
        0 => Err(Failure::Schema(
            "the database has no warroom schema: run `warroom store init` with the same --store".to_owned(),
        )),
        v if v > latest() => Err(Failure::Schema(newer(v))),
        v => Err(Failure::Schema(format!(
            "the database's warroom schema is version {v} of {}: run `warroom store init`",
            latest()
        ))),
    }
}

fn in_migration(version: i32, e: postgres::Error) -> Failure {
    let e = fault(e);
    Failure::Database(io::Error::new(e.kind(), format!("migration {version}: {e}")))
}

fn newer(version: i32) -> String {
    format!(
        "the database's warroom schema is version {version}, newer than this warroom's {}: upgrade warroom",
        latest()
    )
}

/// Lets `role` record and read evidence, never change or remove it.
pub fn grant(client: &mut Client, role: &str) -> Result<(), Failure> {
    let role = quote_ident(role);
    client
        .batch_execute(&format!(
            "GRANT USAGE ON SCHEMA warroom TO {role};
             GRANT SELECT, INSERT ON warroom.lines TO {role};
             GRANT SELECT, INSERT, UPDATE ON warroom.logs, warroom.leases TO {role};
             GRANT SELECT ON warroom.migrations TO {role};"
        ))
        .map_err(Failure::from)
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
