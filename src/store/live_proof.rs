//! What a process following a log under a signing policy does not take on trust: a grant of
//! the two-person rule counts only when a good signature of a key allowed for its approver
//! covers its line, and that key is not also the requester's. A grant written by hand is
//! folded as it reads, then judged here, so nobody acts on it (`verify` names every other
//! unsigned line). Only the signatures over requests and grants are checked, and a session's
//! certificate once, so following a log stays cheap.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use ssh_key::public::KeyData;

use super::allowed_signers::{AllowedSigners, fingerprint};
use super::scan::Seal;
use super::signature::{self, Carried};
use crate::domain::event::{Envelope, Event};
use crate::domain::sanitize;

/// A grant's seq, and why it does not count (`None`: it does).
pub type Verdict = (u64, Option<String>);

/// Consecutive lines of one actor: the next signed line of theirs covers them all.
struct Run {
    actor: String,
    requests: Vec<u64>,
    /// Each grant in the run and the request it grants.
    grants: Vec<(u64, u64)>,
}

pub struct LiveProof {
    allowed: Arc<AllowedSigners>,
    log: String,
    carried: Carried,
    run: Option<Run>,
    /// Each request's requester, and the key that signed it once its signature is checked.
    requests: HashMap<u64, (String, Option<KeyData>)>,
}

impl LiveProof {
    pub fn new(allowed: Arc<AllowedSigners>, log: &str) -> Self {
        Self { allowed, log: log.to_owned(), carried: Carried::default(), run: None, requests: HashMap::new() }
    }

    /// The log is read again from its start.
    pub fn restart(&mut self) {
        *self = Self::new(self.allowed.clone(), &self.log);
    }

    /// A line read from the log: the grants it settles.
    pub fn read(&mut self, line: &Envelope, seal: &Seal) -> Vec<Verdict> {
        let mut verdicts = Vec::new();
        if let Some(run) = self.run.take_if(|run| run.actor != line.actor.name) {
            verdicts.extend(unsigned(run));
        }
        let run = self.run.get_or_insert_with(|| Run {
            actor: line.actor.name.clone(),
            requests: Vec::new(),
            grants: Vec::new(),
        });
        match &line.event {
            Event::ApprovalRequested { .. } => {
                run.requests.push(line.seq);
                self.requests.insert(line.seq, (line.actor.name.clone(), None));
            }
            Event::ApprovalGranted { requested_seq, .. } => run.grants.push((line.seq, *requested_seq)),
            _ => {}
        }
        let (Some(text), Some(run)) = (&seal.sig, self.run.take_if(|_| seal.sig.is_some())) else { return verdicts };
        let matters = !run.requests.is_empty() || !run.grants.is_empty();
        if !matters && !signature::names_certificate(text.as_bytes()) {
            return verdicts;
        }
        let message = signature::message(&self.log, line.seq, &seal.hash);
        let key = signature::from_line(text.as_bytes())
            .and_then(|mut sig| {
                self.carried.complete(&mut sig, message.as_bytes());
                signature::check(&sig, message.as_bytes())?;
                self.allowed.check_sig(&run.actor, &sig, line.at).map_err(|why| why.to_string())?;
                Ok(sig.authority().clone())
            })
            .map_err(|why| {
                format!("the signature over seq {} is not a good one of {}'s: {why}", line.seq, who(&run.actor))
            });
        verdicts.extend(self.signed(run, key, line.at));
        verdicts
    }

    /// The grants of a run still waiting for its signature at the log's end: none counts yet
    /// (a writer signs the last line of every write, so only a write not yet wholly read, or
    /// a line written by hand, ends this way).
    pub fn pending(&self) -> Vec<Verdict> {
        self.run.as_ref().map_or_else(Vec::new, |run| {
            let why = not_signed(&run.actor);
            run.grants.iter().map(|(seq, _)| (*seq, Some(why.clone()))).collect()
        })
    }

    /// Lines this process wrote and signed with `key` (the key `allowed_signers` lists).
    pub fn wrote(&mut self, lines: &[Envelope], key: &KeyData) {
        self.run = None;
        for line in lines {
            if let Event::ApprovalRequested { .. } = line.event {
                self.requests.insert(line.seq, (line.actor.name.clone(), Some(key.clone())));
            }
        }
    }

    /// Before `approver` grants with `key`: refused when the key is also the requester's (one
    /// key listed for two names would let one person be both).
    pub fn may_grant(&self, events: &[Event], approver: &str, key: &KeyData, at: DateTime<Utc>) -> Result<(), String> {
        for event in events {
            let Event::ApprovalGranted { requested_seq, .. } = event else { continue };
            let Some((requester, requesting)) = self.requests.get(requested_seq) else { continue };
            if let Some(why) = self.same_person(requester, requesting.as_ref(), approver, key, at) {
                return Err(format!("cannot approve request #{requested_seq}: {why}"));
            }
        }
        Ok(())
    }

    fn signed(&mut self, run: Run, key: Result<KeyData, String>, at: DateTime<Utc>) -> Vec<Verdict> {
        let key = match key {
            Ok(key) => key,
            Err(why) => return run.grants.into_iter().map(|(seq, _)| (seq, Some(why.clone()))).collect(),
        };
        for seq in &run.requests {
            if let Some(request) = self.requests.get_mut(seq) {
                request.1 = Some(key.clone());
            }
        }
        run.grants
            .into_iter()
            .map(|(seq, request)| {
                let why = self.requests.get(&request).and_then(|(requester, requesting)| {
                    self.same_person(requester, requesting.as_ref(), &run.actor, &key, at)
                });
                (seq, why)
            })
            .collect()
    }

    fn same_person(
        &self,
        requester: &str,
        requesting: Option<&KeyData>,
        approver: &str,
        approving: &KeyData,
        at: DateTime<Utc>,
    ) -> Option<String> {
        if requester.to_lowercase() == approver.to_lowercase() {
            Some(format!("{} asked for it", who(requester)))
        } else if requesting == Some(approving) {
            Some(format!(
                "{} signed the request with the same key: the two-person rule needs two people's keys",
                who(requester)
            ))
        } else if self.allowed.is_theirs(requester, approving, at) {
            Some(format!(
                "the approving key {} is also allowed for {}, who asked: the two-person rule needs two people's keys",
                fingerprint(approving),
                who(requester)
            ))
        } else {
            None
        }
    }
}

fn who(name: &str) -> String {
    sanitize::line(name).into_owned()
}

fn not_signed(actor: &str) -> String {
    format!("no signature of {}'s covers it", who(actor))
}

fn unsigned(run: Run) -> Vec<Verdict> {
    let why = not_signed(&run.actor);
    run.grants.into_iter().map(|(seq, _)| (seq, Some(why.clone()))).collect()
}
