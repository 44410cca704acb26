//! A log kept as rows: one row per line, the very bytes the file log would hold, keyed by
//! (log, seq) with the line's byte offset, and a head row per log (its length and last seq)
//! that a writer locks for the length of its transaction.

use std::io::{self, Cursor, Read};
use std::path::{Path, PathBuf};

use postgres::types::Type;

use super::pool::{Pool, Pooled, blocking, fault};
use crate::store::line::{Digest32, split_seal};
use crate::store::medium::{Hold, Medium, View};

pub struct RowMedium {
    pool: Pool,
    log: String,
    location: PathBuf,
}

impl RowMedium {
    pub fn new(pool: Pool, log: &str) -> Self {
        let location = PathBuf::from(format!("{} ({log})", pool.location()));
        Self { pool, log: log.to_owned(), location }
    }
}

impl Medium for RowMedium {
    fn location(&self) -> &Path {
        &self.location
    }

    fn view(&self) -> io::Result<Box<dyn View>> {
        Ok(Box::new(RowView { conn: self.pool.take()?, log: self.log.clone(), length: None }))
    }

    fn hold(&self) -> io::Result<Box<dyn Hold>> {
        // BEGIN shows whether a kept connection is alive, in the round trip it needs anyway;
        // when it is not, nothing was begun and a fresh connection begins again.
        let conn = Some(self.pool.take_unchecked()?);
        let mut hold = RowHold { conn, log: self.log.clone(), head: None, open: false };
        match blocking(|| hold.lock()) {
            Err(e) if !hold.open && e.kind() == io::ErrorKind::NotConnected => {
                if let Some(dead) = hold.conn.take() {
                    dead.discard();
                }
                self.pool.drain();
                hold.conn = Some(self.pool.take()?);
                blocking(|| hold.lock())?;
            }
            locked => locked?,
        }
        Ok(Box::new(hold))
    }
}

struct RowView {
    conn: Pooled,
    log: String,
    /// The length `byte_len` last saw: nothing to read from there.
    length: Option<u64>,
}

impl View for RowView {
    fn byte_len(&mut self) -> io::Result<u64> {
        let Self { conn, log, .. } = self;
        let length = blocking(|| head(conn.client(), log, false))?.map_or(0, |h| h.length);
        self.length = Some(length);
        Ok(length)
    }

    fn read_from(&mut self, offset: u64) -> io::Result<Box<dyn Read + '_>> {
        if self.length == Some(offset) {
            return Ok(Box::new(io::empty()));
        }
        let Self { conn, log, .. } = self;
        Ok(Box::new(Cursor::new(blocking(|| lines_from(conn.client(), log, offset))?)))
    }

    fn continues(&mut self, seq: u64, hash: &Digest32) -> io::Result<bool> {
        let Self { conn, log, .. } = self;
        blocking(|| sealed_with(conn.client(), log, seq, hash))
    }
}

/// Whether line `seq` of `log` is there, sealed with `hash`.
fn sealed_with(client: &mut postgres::Client, log: &str, seq: u64, hash: &Digest32) -> io::Result<bool> {
    let seq = i64::try_from(seq).map_err(io::Error::other)?;
    let row = client
        .query_typed_opt(
            "SELECT line FROM warroom.lines WHERE log = $1 AND seq = $2",
            &[(&log, Type::TEXT), (&seq, Type::INT8)],
        )
        .map_err(fault)?;
    Ok(row.is_some_and(|row| {
        let line: &[u8] = row.get(0);
        split_seal(line.strip_suffix(b"\n").unwrap_or(line)).is_ok_and(|(_, sealed)| sealed == *hash)
    }))
}

/// A log's head row: its length in bytes and its last seq.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Head {
    length: u64,
    seq: u64,
}

/// The head of `log`, locked until the transaction ends when `lock`.
fn head(client: &mut postgres::Client, log: &str, lock: bool) -> io::Result<Option<Head>> {
    let sql = if lock {
        "SELECT length, seq FROM warroom.logs WHERE name = $1 FOR UPDATE"
    } else {
        "SELECT length, seq FROM warroom.logs WHERE name = $1"
    };
    let row = client.query_typed_opt(sql, &[(&log, Type::TEXT)]).map_err(fault)?;
    Ok(row.map(|row| Head { length: unsigned(row.get(0)), seq: unsigned(row.get(1)) }))
}

/// The bytes of `log` from `offset` to its end.
fn lines_from(client: &mut postgres::Client, log: &str, offset: u64) -> io::Result<Vec<u8>> {
    let from = i64::try_from(offset).map_err(io::Error::other)?;
    let rows = client
        .query_typed(
            "SELECT byte_offset, line FROM warroom.lines WHERE log = $1 AND byte_offset + length(line) > $2 ORDER BY seq",
            &[(&log, Type::TEXT), (&from, Type::INT8)],
        )
        .map_err(fault)?;
    let mut bytes = Vec::new();
    for row in rows {
        let at: i64 = row.get(0);
        let line: &[u8] = row.get(1);
        let skip = usize::try_from(from.saturating_sub(at)).unwrap_or(0).min(line.len());
        bytes.extend_from_slice(&line[skip..]);
    }
    Ok(bytes)
}

fn unsigned(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

struct RowHold {
    conn: Option<Pooled>,
    log: String,
    /// The head as this hold last knew it.
    head: Option<Head>,
    /// Whether a transaction is open (the head locked).
    open: bool,
}

impl RowHold {
    fn client(&mut self) -> io::Result<&mut postgres::Client> {
        self.conn.as_mut().map(Pooled::client).ok_or_else(|| {
            io::Error::new(io::ErrorKind::NotConnected, "the connection was dropped after a failed commit")
        })
    }

    /// Begins a transaction with the head locked. Locking again after a commit, the head must
    /// be as this hold left it.
    fn lock(&mut self) -> io::Result<()> {
        if self.open {
            return Ok(());
        }
        let log = self.log.clone();
        self.client()?.batch_execute("BEGIN").map_err(fault)?;
        self.open = true;
        let Some(now) = head(self.client()?, &log, true)? else {
            return Err(io::Error::new(io::ErrorKind::NotFound, format!("{log} is not in the database")));
        };
        if self.head.is_some_and(|known| known != now) {
            return Err(io::Error::other(format!("another writer appended to {log} while this one held it")));
        }
        self.head = Some(now);
        Ok(())
    }

    fn rollback(&mut self) {
        let open = std::mem::take(&mut self.open);
        if open
            && self.client().and_then(|c| c.batch_execute("ROLLBACK").map_err(fault)).is_err()
            && let Some(conn) = self.conn.take()
        {
            conn.discard();
        }
    }

    fn insert(&mut self, bytes: &[u8]) -> io::Result<()> {
        let Head { mut length, mut seq } = self.head.unwrap_or(Head { length: 0, seq: 0 });
        let (mut seqs, mut offsets, mut lines) = (Vec::new(), Vec::new(), Vec::new());
        for line in bytes.split_inclusive(|b| *b == b'\n') {
            if !line.ends_with(b"\n") {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "only whole lines are appended"));
            }
            seq += 1;
            seqs.push(i64::try_from(seq).map_err(io::Error::other)?);
            offsets.push(i64::try_from(length).map_err(io::Error::other)?);
            lines.push(line);
            length += line.len() as u64;
        }
        let log = self.log.clone();
        let (new_length, new_seq) =
            (i64::try_from(length).map_err(io::Error::other)?, i64::try_from(seq).map_err(io::Error::other)?);
        // One statement, one round trip: the lines, the head moved past them, the notice.
        self.client()?
            .execute_typed(
                "WITH added AS (INSERT INTO warroom.lines (log, seq, byte_offset, line) \
                     SELECT $1, s, o, l FROM unnest($2::bigint[], $3::bigint[], $4::bytea[]) AS t(s, o, l)), \
                 moved AS (UPDATE warroom.logs SET length = $5, seq = $6 WHERE name = $1) \
                 SELECT pg_notify('warroom', $1)",
                &[
                    (&log, Type::TEXT),
                    (&seqs, Type::INT8_ARRAY),
                    (&offsets, Type::INT8_ARRAY),
                    (&lines, Type::BYTEA_ARRAY),
                    (&new_length, Type::INT8),
                    (&new_seq, Type::INT8),
                ],
            )
            .map_err(fault)?;
        self.head = Some(Head { length, seq });
        Ok(())
    }
}

impl View for RowHold {
    fn byte_len(&mut self) -> io::Result<u64> {
        blocking(|| self.lock())?;
        Ok(self.head.map_or(0, |h| h.length))
    }

    fn read_from(&mut self, offset: u64) -> io::Result<Box<dyn Read + '_>> {
        let bytes = blocking(|| {
            self.lock()?;
            if self.head.is_some_and(|head| head.length == offset) {
                return Ok(Vec::new());
            }
            let log = self.log.clone();
            lines_from(self.client()?, &log, offset)
        })?;
        Ok(Box::new(Cursor::new(bytes)))
    }

    fn continues(&mut self, seq: u64, hash: &Digest32) -> io::Result<bool> {
        blocking(|| {
            self.lock()?;
            let log = self.log.clone();
            sealed_with(self.client()?, &log, seq, hash)
        })
    }
}

impl Hold for RowHold {
    fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        blocking(|| self.append_here(bytes))
    }

    /// Rows that were committed are never cut: a failed append rolled back leaves nothing to
    /// cut, and the rows of a log hold only whole lines.
    fn cut(&mut self, len: u64) -> io::Result<()> {
        blocking(|| self.cut_here(len))
    }
}

impl RowHold {
    fn append_here(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.lock()?;
        let before = self.head;
        let result = self.insert(bytes).and_then(|()| self.client()?.batch_execute("COMMIT").map_err(fault));
        if result.is_ok() {
            self.open = false;
            return result;
        }
        self.head = before;
        self.rollback();
        // The commit may have happened: whoever reads next reads the rows, not this hold.
        if let Some(conn) = self.conn.take() {
            conn.discard();
        }
        result
    }

    fn cut_here(&mut self, len: u64) -> io::Result<()> {
        self.rollback();
        match self.head {
            Some(head) if head.length == len => Ok(()),
            None => Ok(()),
            Some(head) => Err(io::Error::other(format!(
                "{} holds {} bytes and committed rows are never cut to {len}",
                self.log, head.length
            ))),
        }
    }
}

impl Drop for RowHold {
    fn drop(&mut self) {
        blocking(|| self.rollback());
    }
}
