//! Stakeholder updates: the draft a new one starts from, and sending one to the targets
//! `warroom.yaml` maps its audience to (recorded first, then delivered by the outbox).

use super::{App, AppError};
use crate::domain::Command;
use crate::domain::event::Envelope;
use crate::domain::updates;

/// What an update was: its events, the targets it was queued to (none: sent by hand), and the
/// pagerduty notifiers its audience names, which it passed by (they page, they do not inform).
pub struct Sent {
    pub events: Vec<Envelope>,
    pub targets: usize,
    pub passed_by: Vec<String>,
}

/// The text a new update to `audience` starts from (its comms template, filled).
pub fn draft(app: &App, incident: &str, audience: &str) -> Result<String, AppError> {
    let id = app.store.resolve_id(incident)?;
    let state = app.store.incident(&id)?;
    let parties = super::bundle::paging_parties(app.dir).ok();
    if !updates::audiences(&state).contains(&audience) {
        let known = updates::audiences(&state).into_iter().map(str::to_owned).collect();
        let refusal =
            crate::domain::refusal_outbound::OutboundRefusal::UnknownAudience { audience: audience.to_owned(), known };
        return Err(AppError::Refused(refusal.to_string()));
    }
    Ok(updates::draft(&state, audience, app.now(), parties.as_ref()))
}

/// Records the update to `audience` and queues one message per target of it.
pub fn send(app: &App, incident: &str, audience: &str, text: &str) -> Result<Sent, AppError> {
    let id = app.store.resolve_id(incident)?;
    let parties = super::bundle::paging_parties(app.dir).map_err(AppError::Refused)?;
    let (pagers, targets): (Vec<_>, Vec<_>) = parties
        .reachable(parties.audiences.get(audience))
        .into_iter()
        .partition(|(_, kind, _)| *kind == crate::domain::outbound::NotifierKind::Pagerduty);
    let count = targets.len();
    let command = Command::SendUpdate { audience: audience.to_owned(), text: text.to_owned(), targets };
    let events = app.store.execute(&id, app.actor, app.now(), app.as_given(command))?;
    Ok(Sent { events, targets: count, passed_by: pagers.into_iter().map(|(t, ..)| t.notifier).collect() })
}
