//! The file workspace as the store port's adapter.

use chrono::{DateTime, Utc};

use super::allowed_signers::AllowedSigners;
use super::follow::{Follower, LogName, Wake};
use super::keyring::SigningKey;
use super::ledger::Shelf;
use super::port::{Committed, Outcome, Store};
use super::verify::{Verified, VerifyFailure, verify_file};
use super::{StoreError, Workspace};
use crate::domain::Command;
use crate::domain::event::{Actor, Envelope};
use crate::domain::inbox::Inbox;
use crate::domain::incident::Incident;

impl Store for Workspace {
    fn signing_key(&self, actor: &Actor, now: DateTime<Utc>) -> Result<Option<SigningKey>, StoreError> {
        self.ledger.signing_key(actor, now)
    }

    fn allowed_signers(&self) -> Option<&AllowedSigners> {
        self.ledger.allowed_signers()
    }

    fn sign_detached(&self, principal: &str, at: DateTime<Utc>, msg: &[u8]) -> Result<Option<String>, StoreError> {
        self.ledger.sign_detached(principal, at, msg)
    }

    fn lease(&self, name: &str, holder: &str) -> Result<Option<super::lease::Lease>, StoreError> {
        super::lease::on_file(self.root(), name, holder)
    }

    fn lease_holder(&self, name: &str) -> Option<String> {
        super::lease::file_holder(self.root(), name)
    }

    fn witnesses(&self) -> &[std::path::PathBuf] {
        self.ledger.witnesses()
    }

    fn line_hashes(
        &self,
        log: &LogName,
        seqs: &std::collections::BTreeSet<u64>,
    ) -> Result<std::collections::BTreeMap<u64, super::line::Digest32>, StoreError> {
        let path = match log {
            LogName::Incident(id) => self.log_path(id),
            LogName::Inbox => self.inbox_path(),
        };
        match std::fs::File::open(&path) {
            Ok(file) => super::line::hashes_of_lines(std::io::BufReader::new(file), seqs)
                .map_err(|e| StoreError::io("read", &path, e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(std::collections::BTreeMap::new()),
            Err(e) => Err(StoreError::io("read", &path, e)),
        }
    }

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
        let path = self.log_path(id);
        if !path.exists() {
            return Err(Shelf::unknown(self, id));
        }
        if let Err(failure) = super::verify::verify_file(&path, None) {
            return Err(StoreError::Damaged { file: path.display().to_string(), why: failure.to_string() });
        }
        std::fs::read(&path).map_err(|e| StoreError::io("read", &path, e))
    }

    fn all_ids(&self) -> Result<Vec<String>, StoreError> {
        Self::all_ids(self)
    }

    fn open_ids(&self) -> Result<Vec<String>, StoreError> {
        Self::open_ids(self)
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
        decide: &mut dyn FnMut(&Inbox) -> Result<Vec<crate::domain::event::Event>, StoreError>,
    ) -> Result<Vec<Envelope>, StoreError> {
        self.ledger.inbox_transact(self, actor, now, decide)
    }

    fn fault(&self) -> Option<String> {
        self.ledger.fault()
    }

    fn recover(&self) -> bool {
        self.ledger.recover(self)
    }

    fn follow<'s>(&'s self, wake: Wake) -> Result<Box<dyn Follower + 's>, StoreError> {
        Ok(Box::new(super::file_follow::follow_files(self, wake)?))
    }

    fn logs(&self) -> Result<Vec<LogName>, StoreError> {
        let mut logs: Vec<LogName> = Self::all_ids(self)?.into_iter().map(LogName::Incident).collect();
        if self.inbox_path().exists() {
            logs.push(LogName::Inbox);
        }
        Ok(logs)
    }

    fn verify(&self, log: &LogName) -> Result<Verified, VerifyFailure> {
        match log {
            LogName::Incident(id) => {
                let path = self.log_path(id);
                let verified = verify_file(&path, self.ledger.allowed_signers())?;
                let declares = super::verify::identity(&path);
                if verified.events > 0 && declares != *id {
                    return Err(VerifyFailure::Misplaced { declares });
                }
                Ok(Verified { repaired: self.repair_marker(id), ..verified })
            }
            LogName::Inbox => verify_file(&self.inbox_path(), self.ledger.allowed_signers()),
        }
    }

    fn reconcile(&self) -> Vec<String> {
        self.reconcile_markers().into_iter().map(|(id, done)| format!("{id}: {done}")).collect()
    }

    fn read_log(&self, log: &LogName) -> Result<Vec<u8>, StoreError> {
        crate::store::copy::read_log(self, &log.to_string())
    }

    fn import(&self, log: &LogName, bytes: &[u8]) -> Result<u64, StoreError> {
        crate::store::copy::import(self, &log.to_string(), bytes)
    }

    fn location(&self) -> String {
        self.root().display().to_string()
    }
}
