//! The database's schema, in versioned migrations: `warroom store init` applies the ones a
//! database lacks, and refuses one whose schema is newer than this warroom.

use postgres::Client;

use super::pool::fault;

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
pub fn version(client: &mut Client) -> Result<i32, String> {
    let exists = client
        .query_one("SELECT to_regclass('warroom.migrations') IS NOT NULL", &[])
        .map_err(|e| fault(e).to_string())?;
    if !exists.get::<_, bool>(0) {
        return Ok(0);
    }
    let row = client
        .query_one("SELECT coalesce(max(version), 0) FROM warroom.migrations", &[])
        .map_err(|e| fault(e).to_string())?;
    Ok(row.get(0))
}

/// Applies the migrations the database lacks, each in its own transaction; the versions
/// applied. Two processes initialising at once serialise on an advisory lock.
pub fn migrate(client: &mut Client) -> Result<Vec<i32>, String> {
    let mut tx = client.transaction().map_err(|e| fault(e).to_string())?;
    tx.batch_execute(
        "SELECT pg_advisory_xact_lock(hashtext('warroom.migrations'));
         CREATE SCHEMA IF NOT EXISTS warroom;
         CREATE TABLE IF NOT EXISTS warroom.migrations (
             version integer PRIMARY KEY,
             applied_at timestamptz NOT NULL DEFAULT now()
         );",
    )
    .map_err(|e| fault(e).to_string())?;
    let current: i32 = tx
        .query_one("SELECT coalesce(max(version), 0) FROM warroom.migrations", &[])
        .map_err(|e| fault(e).to_string())?
        .get(0);
    if current > latest() {
        return Err(newer(current));
    }
    let mut applied = Vec::new();
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
        tx.batch_execute(sql).map_err(|e| format!("migration {version}: {}", fault(e)))?;
        tx.execute("INSERT INTO warroom.migrations (version) VALUES ($1)", &[version])
            .map_err(|e| format!("migration {version}: {}", fault(e)))?;
        applied.push(*version);
    }
    tx.commit().map_err(|e| fault(e).to_string())?;
    Ok(applied)
}

/// Ok when the database's schema is the one this warroom writes.
pub fn check(client: &mut Client) -> Result<(), String> {
    match version(client)? {
        v if v == latest() => Ok(()),
        0 => Err("the database has no warroom schema: run `warroom store init` with the same --store".to_owned()),
        v if v > latest() => Err(newer(v)),
        v => Err(format!("the database's warroom schema is version {v} of {}: run `warroom store init`", latest())),
    }
}

fn newer(version: i32) -> String {
    format!(
        "the database's warroom schema is version {version}, newer than this warroom's {}: upgrade warroom",
        latest()
    )
}

/// Lets `role` record and read evidence, never change or remove it.
pub fn grant(client: &mut Client, role: &str) -> Result<(), String> {
    let role = quote_ident(role);
    client
        .batch_execute(&format!(
            "GRANT USAGE ON SCHEMA warroom TO {role};
             GRANT SELECT, INSERT ON warroom.lines TO {role};
             GRANT SELECT, INSERT, UPDATE ON warroom.logs, warroom.leases TO {role};
             GRANT SELECT ON warroom.migrations TO {role};"
        ))
        .map_err(|e| fault(e).to_string())
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
