//! Containment that acts, as the incident knows it: approvals of the two-person rule, action
//! runs, the ledger of side effects and what forensic steps preserved, folded from the log.
//! Running a program is the runner's job, outside the domain.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::actions::{ActionRun, Approval, EffectState, Preserved, SideEffect};
use super::event::{Envelope, Event};

/// What the incident knows of containment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Containment {
    pub approvals: Vec<Approval>,
    pub runs: Vec<ActionRun>,
    pub effects: BTreeMap<String, SideEffect>,
    pub preserved: Vec<Preserved>,
}

impl Containment {
    pub fn apply(&mut self, envelope: &Envelope) {
        let by = envelope.actor.name.clone();
        match &envelope.event {
            Event::ApprovalRequested { step, expires_at, argv } => self.approvals.push(Approval {
                step: step.clone(),
                requested_by: by,
                requested_seq: envelope.seq,
                requested_from: (envelope.actor.login.clone(), envelope.actor.host.clone(), envelope.actor.pid),
                requested_at: envelope.at,
                expires_at: *expires_at,
                granted_by: None,
                granted_at: None,
                granted_seq: None,
                unproven: None,
                argv: argv.clone(),
                spent_by: None,
            }),
            Event::ApprovalGranted { requested_seq, .. } => {
                if let Some(a) = self.approvals.iter_mut().find(|a| a.requested_seq == *requested_seq) {
                    a.granted_by = Some(by);
                    a.granted_at = Some(envelope.at);
                    a.granted_seq = Some(envelope.seq);
                    a.unproven = None;
                }
            }
            Event::ActionStarted { step, argv, cwd, approval, forced, hold_override, drill, undoes } => {
                self.spend(*approval, envelope.seq);
                if let Some(undone) = undoes.and_then(|seq| self.runs.iter_mut().find(|r| r.started_seq == seq)) {
                    undone.undone_by = Some(envelope.seq);
                }
                self.runs.push(ActionRun {
                    step: step.clone(),
                    argv: argv.clone(),
                    cwd: cwd.clone(),
                    by,
                    host: envelope.actor.host.clone(),
                    pid: envelope.actor.pid,
                    started_seq: envelope.seq,
                    started_at: envelope.at,
                    outcome: None,
                    forced: *forced,
                    hold_override: hold_override.clone(),
                    drill: *drill,
                    undoes: *undoes,
                    undone_by: None,
                });
            }
            Event::ActionFinished { started_seq, outcome, .. } => {
                if let Some(run) = self.runs.iter_mut().find(|r| r.started_seq == *started_seq) {
                    run.outcome = Some((**outcome).clone());
                }
                if outcome.not_started {
                    for approval in self.approvals.iter_mut().filter(|a| a.spent_by == Some(*started_seq)) {
                        approval.spent_by = None;
                    }
                }
            }
            Event::StepTicked { step, .. } => {
                let granted =
                    self.approvals.iter().rposition(|a| a.step == *step && a.granted() && a.spent_by.is_none());
                if let Some(index) = granted {
                    self.approvals[index].spent_by = Some(envelope.seq);
                }
            }
            Event::EffectRecorded { id, what, place, count, owner, state, evidence } => {
                self.effects.insert(
                    id.clone(),
                    SideEffect {
                        id: id.clone(),
                        what: what.clone(),
                        place: place.clone(),
                        count: *count,
                        owner: owner.clone(),
                        state: *state,
                        evidence: evidence.clone(),
                        recorded_by: by,
                        updated_at: envelope.at,
                    },
                );
            }
            Event::EffectUpdated { id, state, evidence, count, owner } => {
                if let Some(effect) = self.effects.get_mut(id) {
                    effect.state = *state;
                    effect.evidence = evidence.clone().or_else(|| effect.evidence.take());
                    effect.count = count.unwrap_or(effect.count);
                    effect.owner = owner.clone().unwrap_or_else(|| effect.owner.clone());
                    effect.updated_at = envelope.at;
                }
            }
            Event::EvidencePreserved { step, identifier, location, digest } => self.preserved.push(Preserved {
                step: step.clone(),
                identifier: identifier.clone(),
                location: location.clone(),
                digest: digest.clone(),
                by,
                at: envelope.at,
            }),
            _ => {}
        }
    }

    /// What the log proves of the grant at `seq`: `None` when its approver's signature covers
    /// it, else why it does not count (the request then waits for a grant that does).
    pub fn judge_grant(&mut self, seq: u64, unproven: Option<String>) {
        if let Some(a) = self.approvals.iter_mut().find(|a| a.granted_seq == Some(seq)) {
            a.unproven = unproven;
        }
    }

    /// The last grant of `step` the log does not prove, while its request could still be used.
    pub fn unproven_grant(&self, step: &str, now: DateTime<Utc>) -> Option<&Approval> {
        self.approvals.iter().rev().find(|a| {
            a.step == step
                && a.unproven.is_some()
                && a.granted_by.is_some()
                && a.spent_by.is_none()
                && now < a.expires_at
        })
    }

    fn spend(&mut self, approval: Option<u64>, by: u64) {
        if let Some(a) = approval.and_then(|seq| self.approvals.iter_mut().find(|a| a.requested_seq == seq)) {
            a.spent_by = Some(by);
        }
    }

    /// The approval that lets `step` run (exactly `argv`) or be ticked now, if any.
    pub fn usable_approval(&self, step: &str, argv: Option<&[String]>, now: DateTime<Utc>) -> Option<&Approval> {
        self.approvals.iter().rev().find(|a| a.step == step && a.usable(argv, now))
    }

    /// Requests waiting for a second responder now, oldest first.
    pub fn waiting(&self, now: DateTime<Utc>) -> impl Iterator<Item = &Approval> {
        self.approvals.iter().filter(move |a| !a.granted() && now < a.expires_at)
    }

    /// The last run of `step` whose effect is in the world and could be reversed.
    pub fn undoable_run(&self, step: &str) -> Option<&ActionRun> {
        self.runs.iter().rev().find(|r| {
            r.step == step
                && r.undoes.is_none()
                && r.undone_by.is_none()
                && r.outcome.as_ref().is_some_and(|o| o.succeeded())
        })
    }

    /// The request for `step` still waiting for its second responder.
    pub fn waiting_request(&self, step: &str, now: DateTime<Utc>) -> Option<&Approval> {
        self.approvals.iter().rev().find(|a| a.step == step && !a.granted() && now < a.expires_at)
    }

    pub fn irreversible(&self) -> impl Iterator<Item = &SideEffect> {
        self.effects.values().filter(|e| e.state == EffectState::Irreversible)
    }
}
