//! The two-person rule as the responders meet it: a request names the exact argv it is for,
//! and the approver is shown that argv, who asked and until when, before saying yes.

use chrono::{DateTime, Utc};

use super::action::{self, Approval as Gate, RunOptions};
use super::record::{self, Recorded};
use super::{App, AppError};
use crate::domain::actions::Approval;
use crate::domain::incident::Incident;
use crate::domain::refusal_approval::ApprovalRefusal;
use crate::domain::{Command, Refusal};

/// A request waiting for a second responder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    pub incident: String,
    pub step: String,
    pub seq: u64,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// What runs once approved; none for a step ticked by hand.
    pub argv: Option<Vec<String>>,
    /// The alert labels the action targets (`WARROOM_ALERT_*` as it would get them).
    pub targets: Vec<(String, String)>,
    /// Steps it depends on that are still open.
    pub open: Vec<String>,
    pub drill: bool,
}

impl Pending {
    /// The request `approval` on `incident`, with what the approver must see beside its argv.
    pub fn of(incident: &Incident, approval: &Approval, actor: &str, now: DateTime<Utc>) -> Self {
        let step = &approval.step;
        let targets = crate::action::prepare(incident, step, false, actor, now)
            .map(|p| p.env.into_iter().filter(|(name, _)| name.starts_with("WARROOM_ALERT_")).collect())
            .unwrap_or_default();
        let open = incident
            .step(step)
            .map(|(s, _)| incident.open_dependencies(s).map(str::to_owned).collect())
            .unwrap_or_default();
        Self {
            incident: incident.id.clone(),
            step: step.clone(),
            seq: approval.requested_seq,
            requested_by: approval.requested_by.clone(),
            requested_at: approval.requested_at,
            expires_at: approval.expires_at,
            argv: approval.argv.clone(),
            targets,
            open,
            drill: incident.drill,
        }
    }
}

/// The request waiting for approval on `step` now.
pub fn pending(app: &App, incident: &str, step: &str) -> Result<Pending, AppError> {
    let id = app.store.resolve_id(incident)?;
    let state = app.store.incident(&id)?;
    let now = app.now();
    let last = state.containment.approvals.iter().rev().find(|a| a.step == step && !a.granted());
    match last {
        Some(request) if now < request.expires_at => Ok(Pending::of(&state, request, &app.actor.name, now)),
        Some(request) => {
            Err(Refusal::from(ApprovalRefusal::ApprovalExpired { step: step.to_owned(), at: request.expires_at })
                .into())
        }
        None => Err(Refusal::from(ApprovalRefusal::NoApprovalRequest { step: step.to_owned() }).into()),
    }
}

/// Approves exactly the request the approver was shown.
pub fn approve(app: &App, shown: &Pending) -> Result<Recorded, AppError> {
    record::record(app, &shown.incident, Command::Approve { step: shown.step.clone(), argv: shown.argv.clone() })
}

/// Asks for a second responder's approval: of the action as it would run now, when the step
/// has one (under the rules a run obeys), else of ticking it by hand. The request's seq.
pub fn request(app: &App, incident: &str, step: &str) -> Result<u64, AppError> {
    let id = app.store.resolve_id(incident)?;
    let state = app.store.incident(&id)?;
    let has_action = state.step(step).is_some_and(|(s, _)| s.action.is_some());
    if !has_action {
        let written = record::record(app, &id, Command::RequestApproval { step: step.to_owned(), argv: None })?;
        return Ok(written.events.last().map_or(0, |e| e.seq));
    }
    match action::prepare(app, &id, step, false, &RunOptions::default())?.approval {
        Gate::Requested(seq) => Ok(seq),
        Gate::Waiting { requested_by, .. } => {
            Err(AppError::refused(format!("approval for {step} is already requested by {requested_by}")))
        }
        Gate::Ready => Err(AppError::refused(format!("{step} is approved already, or needs no approval: run it"))),
    }
}
