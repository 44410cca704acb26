//! `verify`'s signature pass over one log, fed line by line in order: every line must be
//! covered by a signature of a key `allowed_signers` allows for its actor at its recorded
//! time (a line is covered by the next signed line of the same actor, with only that actor's
//! lines between: one write's lines share the signature on its last). Approvals are checked
//! again from the log: request and approval signed by two different people's keys.
//! Signatures are checked in batches on both cores.

use std::collections::{BTreeMap, HashMap};
use std::thread;

use chrono::{DateTime, Utc};
use ssh_key::public::KeyData;

use super::allowed_signers::{AllowedSigners, fingerprint};
use super::scan::Seal;
use super::signature;
use super::signature::Sig;
use crate::domain::event::{Envelope, Event};

const BATCH: usize = 4096;

/// Lines that share a fate: consecutive lines of one actor, up to a signed one.
#[derive(Default)]
struct Run {
    first: u64,
    last: u64,
    actor: String,
    /// Approval lines in the run: (seq, the request it grants if it is a grant, its time).
    approvals: Vec<(u64, Option<u64>, DateTime<Utc>)>,
}

struct Signed {
    run: Run,
    at: DateTime<Utc>,
    sig: Result<Sig, String>,
    message: String,
}

/// What the signature pass found.
#[derive(Debug, Default)]
pub struct SignatureReport {
    /// Signatures checked, and the lines they cover, per principal.
    pub by_principal: BTreeMap<String, (u64, u64)>,
    /// Each problem: the first and last seq it concerns, and what is wrong.
    pub problems: Vec<(u64, u64, String)>,
}

pub struct SignatureCheck<'a> {
    allowed: &'a AllowedSigners,
    log: String,
    run: Option<Run>,
    queue: Vec<Signed>,
    /// The key that signed each approval line: (actor, key, time).
    approval_keys: HashMap<u64, (String, Option<KeyData>, DateTime<Utc>)>,
    carried: signature::Carried,
    grants: Vec<(u64, u64)>,
    report: SignatureReport,
}

impl<'a> SignatureCheck<'a> {
    pub fn new(allowed: &'a AllowedSigners, log: &str) -> Self {
        Self {
            allowed,
            log: log.to_owned(),
            run: None,
            queue: Vec::new(),
            approval_keys: HashMap::new(),
            carried: signature::Carried::default(),
            grants: Vec::new(),
            report: SignatureReport::default(),
        }
    }

    pub fn line(&mut self, line: &Envelope, seal: &Seal) {
        if self.run.as_ref().is_some_and(|run| run.actor != line.actor.name) {
            let run = self.run.take().unwrap_or_default();
            self.unsigned(run);
        }
        let run =
            self.run.get_or_insert_with(|| Run { first: line.seq, actor: line.actor.name.clone(), ..Run::default() });
        run.last = line.seq;
        match &line.event {
            Event::ApprovalRequested { .. } => run.approvals.push((line.seq, None, line.at)),
            Event::ApprovalGranted { requested_seq, .. } => {
                run.approvals.push((line.seq, Some(*requested_seq), line.at))
            }
            _ => {}
        }
        if let Some(sig) = &seal.sig {
            let run = self.run.take().unwrap_or_default();
            let message = signature::message(&self.log, line.seq, &seal.hash);
            let sig = signature::from_line(sig.as_bytes()).map(|mut sig| {
                self.carried.complete(&mut sig, message.as_bytes());
                sig
            });
            self.queue.push(Signed { run, at: line.at, sig, message });
            if self.queue.len() >= BATCH {
                self.settle();
            }
        }
    }

    pub fn finish(mut self) -> SignatureReport {
        if let Some(run) = self.run.take() {
            self.unsigned(run);
        }
        self.settle();
        for (grant, request) in std::mem::take(&mut self.grants) {
            self.two_people(grant, request);
        }
        self.report.problems.sort_by_key(|p| p.0);
        self.report
    }

    fn unsigned(&mut self, run: Run) {
        let who = crate::domain::sanitize::line(&run.actor);
        self.problem(&run, format!("not signed (recorded as {who})"));
        self.note_approvals(&run, None);
    }

    fn problem(&mut self, run: &Run, why: String) {
        self.report.problems.push((run.first, run.last, why));
    }

    fn note_approvals(&mut self, run: &Run, key: Option<&KeyData>) {
        for (seq, grants, at) in &run.approvals {
            self.approval_keys.insert(*seq, (run.actor.clone(), key.cloned(), *at));
            if let Some(request) = grants {
                self.grants.push((*seq, *request));
            }
        }
    }

    /// Checks the queued signatures (both cores), then judges each in order.
    fn settle(&mut self) {
        let queue = std::mem::take(&mut self.queue);
        let (front, back) = queue.split_at(queue.len() / 2);
        let check = |items: &[Signed]| -> Vec<Result<(), String>> {
            let readable: Vec<(&Sig, &[u8])> =
                items.iter().filter_map(|s| Some((s.sig.as_ref().ok()?, s.message.as_bytes()))).collect();
            let mut checked = signature::check_many(&readable).into_iter();
            items
                .iter()
                .map(|s| {
                    s.sig.as_ref().map_err(Clone::clone)?;
                    checked.next().unwrap_or_else(|| Err("not checked".to_owned()))
                })
                .collect()
        };
        let (mut results, back_results) = thread::scope(|scope| {
            let worker = scope.spawn(|| check(back));
            (check(front), worker.join().unwrap_or_default())
        });
        results.extend(back_results);
        for (signed, checked) in queue.into_iter().zip(results) {
            self.judge(signed, checked);
        }
    }

    fn judge(&mut self, signed: Signed, checked: Result<(), String>) {
        let Signed { run, at, sig, .. } = signed;
        let sig = match (checked, sig) {
            (Ok(()), Ok(sig)) => sig,
            (Err(why), _) | (Ok(()), Err(why)) => {
                self.problem(&run, format!("signature at seq {} fails: {why}", run.last));
                self.note_approvals(&run, None);
                return;
            }
        };
        if let Err(why) = self.allowed.check_sig(&run.actor, &sig, at) {
            let who = crate::domain::sanitize::line(&run.actor);
            self.problem(&run, format!("signed by key {} which may not sign for {who}: {why}", sig.describe()));
            self.note_approvals(&run, None);
            return;
        }
        let key = sig.authority().clone();
        let counted = self.report.by_principal.entry(run.actor.clone()).or_default();
        counted.0 += 1;
        counted.1 += run.last - run.first + 1;
        self.note_approvals(&run, Some(&key));
    }

    fn two_people(&mut self, grant: u64, request: u64) {
        let (Some((approver, Some(approving), at)), Some((requester, requesting, _))) =
            (self.approval_keys.get(&grant), self.approval_keys.get(&request))
        else {
            return;
        };
        let at_fault = |why: String| (grant, grant, why);
        let problem = if approver.to_lowercase() == requester.to_lowercase() {
            Some(at_fault(format!("approves its own request (seq {request}) by the same responder")))
        } else if requesting.as_ref() == Some(approving) {
            Some(at_fault(format!(
                "approval signed with the key that signed its request (seq {request}): the two-person rule needs two people's keys"
            )))
        } else if self.allowed.is_theirs(requester, approving, *at) {
            Some(at_fault(format!(
                "the approving key {} is also allowed for the requester (seq {request})",
                fingerprint(approving)
            )))
        } else {
            None
        };
        self.report.problems.extend(problem);
    }
}
