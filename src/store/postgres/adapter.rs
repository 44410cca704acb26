//! The PostgreSQL store as the store port's adapter.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use super::PgStore;
use crate::domain::Command;
use crate::domain::event::{Actor, Envelope, Event};
use crate::domain::inbox::Inbox;
use crate::domain::incident::Incident;
use crate::store::allowed_signers::AllowedSigners;
use crate::store::follow::{Follower, LogName, Wake};
use crate::store::keyring::SigningKey;
use crate::store::ledger::{INBOX, Shelf};
use crate::store::line::Digest32;
use crate::store::port::{Committed, Outcome, Store};
use crate::store::verify::{Verified, VerifyFailure, declared_by, verify_reader};
use crate::store::{StoreError, lease::Lease};

impl PgStore {
    /// The bytes of `log`, whole, as one transaction sees them.
    fn bytes(&self, log: &str) -> Result<Vec<u8>, StoreError> {
        self.query(|c| {
            let rows = c.query("SELECT line FROM warroom.lines WHERE log = $1 ORDER BY seq", &[&log])?;
            Ok(rows.iter().flat_map(|row| row.get::<_, &[u8]>(0).to_vec()).collect())
        })
    }

    fn verify_bytes(&self, name: &str, bytes: &[u8]) -> Result<Verified, VerifyFailure> {
        let first = bytes.split_inclusive(|b| *b == b'\n').next().unwrap_or_default();
        let identity = declared_by(first).unwrap_or_else(|| name.to_owned());
        let verified = verify_reader(bytes, &identity, self.ledger.allowed_signers())?;
        if name != INBOX && verified.events > 0 && identity != name {
            return Err(VerifyFailure::Misplaced { declares: identity });
        }
        Ok(verified)
    }
}

impl Store for PgStore {
    fn declare_all(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        declare: &dyn Fn(String) -> Command,
        more: Vec<Command>,
    ) -> Result<(String, Vec<Outcome>), StoreError> {
        self.ledger.declare_all(self, actor, now, declare, more)
    }

    fn execute_all(
        &self,
        id: &str,
        actor: &Actor,
        now: DateTime<Utc>,
        commands: Vec<Command>,
    ) -> Result<Committed, StoreError> {
        self.ledger.execute_all(self, id, actor, now, commands)
    }

    fn incident(&self, id: &str) -> Result<Incident, StoreError> {
        self.ledger.incident(self, id)
    }

    fn log_bytes(&self, id: &str) -> Result<Vec<u8>, StoreError> {
        if !self.holds(id)? {
            return Err(self.unknown(id));
        }
        let bytes = self.bytes(id)?;
        if let Err(failure) = self.verify_bytes(id, &bytes) {
            let file = format!("{} ({id})", self.pool.location());
            return Err(StoreError::Damaged { file, why: failure.to_string() });
        }
        Ok(bytes)
    }

    fn all_ids(&self) -> Result<Vec<String>, StoreError> {
        self.names("SELECT name FROM warroom.logs WHERE name <> 'inbox' ORDER BY name")
    }

    fn open_ids(&self) -> Result<Vec<String>, StoreError> {
        self.listed_open()
    }

    fn look_at_open(&self, look: &mut dyn FnMut(&[&Incident])) -> Result<(), StoreError> {
        self.ledger.with_open(self, look)
    }

    fn inbox(&self) -> Result<Inbox, StoreError> {
        self.ledger.inbox(self)
    }

    fn inbox_append(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        decide: &mut dyn FnMut(&Inbox) -> Result<Vec<Event>, StoreError>,
    ) -> Result<Vec<Envelope>, StoreError> {
        self.ledger.inbox_transact(self, actor, now, decide)
    }

    fn fault(&self) -> Option<String> {
        self.ledger.fault()
    }

    fn recover(&self) -> bool {
        self.ledger.recover(self)
    }

    fn signing_key(&self, actor: &Actor, now: DateTime<Utc>) -> Result<Option<SigningKey>, StoreError> {
        self.ledger.signing_key(actor, now)
    }

    fn line_hashes(&self, log: &LogName, seqs: &BTreeSet<u64>) -> Result<BTreeMap<u64, Digest32>, StoreError> {
        let name = log.to_string();
        let bytes = self.bytes(&name)?;
        crate::store::line::hashes_of_lines(bytes.as_slice(), seqs).map_err(|e| self.io("read", e))
    }

    fn lease(&self, name: &str, holder: &str) -> Result<Option<Lease>, StoreError> {
        super::lease::take(&self.pool, name, holder).map_err(|e| self.io("lease", e))
    }

    fn lease_holder(&self, name: &str) -> Option<String> {
        super::lease::holder(&self.pool, name)
    }

    fn witnesses(&self) -> &[std::path::PathBuf] {
        self.ledger.witnesses()
    }

    fn sign_detached(&self, principal: &str, at: DateTime<Utc>, msg: &[u8]) -> Result<Option<String>, StoreError> {
        self.ledger.sign_detached(principal, at, msg)
    }

    fn allowed_signers(&self) -> Option<&AllowedSigners> {
        self.ledger.allowed_signers()
    }

    fn follow<'s>(&'s self, wake: Wake) -> Result<Box<dyn Follower + 's>, StoreError> {
        let listening = super::follow::listen(&self.pool, wake).map_err(|e| self.io("listen to", e))?;
        Ok(Box::new(crate::store::file_follow::ShelfFollower::new(self, self.ledger.policy(), Box::new(listening))))
    }

    fn logs(&self) -> Result<Vec<LogName>, StoreError> {
        let mut logs: Vec<LogName> = self.all_ids()?.into_iter().map(LogName::Incident).collect();
        if self.inbox_exists(false)? {
            logs.push(LogName::Inbox);
        }
        Ok(logs)
    }

    fn verify(&self, log: &LogName) -> Result<Verified, VerifyFailure> {
        let name = log.to_string();
        let bytes = self.bytes(&name).map_err(|e| VerifyFailure::Unreadable(std::io::Error::other(e.to_string())))?;
        self.verify_bytes(&name, &bytes)
    }

    fn read_log(&self, log: &LogName) -> Result<Vec<u8>, StoreError> {
        crate::store::copy::read_log(self, &log.to_string())
    }

    fn import(&self, log: &LogName, bytes: &[u8]) -> Result<u64, StoreError> {
        crate::store::copy::import(self, &log.to_string(), bytes)
    }

    fn location(&self) -> String {
        self.pool.location().to_owned()
    }

    /// A log listed archived whose last line is not its archiving is listed open again.
    fn reconcile(&self) -> Vec<String> {
        let sql = "UPDATE warroom.logs l SET archived = false FROM warroom.lines x \
                   WHERE l.archived AND x.log = l.name AND x.seq = l.seq \
                   AND position('\"event\":{\"kind\":\"archived\"'::bytea IN x.line) = 0 RETURNING l.name";
        self.names(sql)
            .unwrap_or_default()
            .into_iter()
            .map(|id| format!("{id}: listed open again: its log does not end archived"))
            .collect()
    }
}
