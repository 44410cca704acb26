//! Leases on the database: a session advisory lock, held on a connection of its own for as
//! long as the lease lives (a process that dies drops its connection, and the lock with it).

use std::io;
use std::sync::Mutex;

use super::pool::{Held, Pool, blocking, fault};
use crate::store::lease::Lease;

const TRY_LOCK: &str = "SELECT pg_try_advisory_lock(hashtext('warroom.lease.' || $1))";

pub fn take(pool: &Pool, name: &str, holder: &str) -> io::Result<Option<Lease>> {
    blocking(|| take_here(pool, name, holder))
}

fn take_here(pool: &Pool, name: &str, holder: &str) -> io::Result<Option<Lease>> {
    let mut client = pool.connect()?;
    let taken: bool = client.query_one(TRY_LOCK, &[&name]).map_err(fault)?.get(0);
    if !taken {
        return Ok(None);
    }
    // Who holds it is a courtesy for people; the lock is what counts.
    let _ = client.execute(
        "INSERT INTO warroom.leases (name, holder) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET holder = $2",
        &[&name, &holder],
    );
    Ok(Some(Lease::holding(Box::new(Mutex::new(Held(Some(client)))))))
}

/// Who holds lease `name`, if anyone does.
pub fn holder(pool: &Pool, name: &str) -> Option<String> {
    blocking(|| holder_here(pool, name))
}

fn holder_here(pool: &Pool, name: &str) -> Option<String> {
    let mut conn = pool.take().ok()?;
    let client = conn.client();
    let free: bool = client.query_one(TRY_LOCK, &[&name]).ok()?.get(0);
    if free {
        let _ = client.execute("SELECT pg_advisory_unlock(hashtext('warroom.lease.' || $1))", &[&name]);
        return None;
    }
    client.query_opt("SELECT holder FROM warroom.leases WHERE name = $1", &[&name]).ok()?.map(|row| row.get(0))
}
