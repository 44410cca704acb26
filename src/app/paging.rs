//! Paging along the on-call path: the pages due on an incident queued in its outbox, each to the
//! targets `warroom.yaml` maps its rotation to. Declaring pages at once; the outbox runner
//! pages whatever falls due later (escalations, and a declaration whose process died before
//! its pages were queued).

use super::{App, AppError};
use crate::domain::Command;
use crate::domain::event::Envelope;
use crate::domain::incident::{Incident, IncidentState};
use crate::domain::outbound::{Settle, Target};
use crate::domain::paging;
use crate::domain::parties::WorkspaceParties;
use crate::store::StoreError;

/// The `Page` commands due on `incident` at `now`: rotations `warroom.yaml` does not map are
/// left out (lint names them), so a workspace without notifiers pages nobody.
pub fn due_commands(
    incident: &Incident,
    parties: &WorkspaceParties,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<Command> {
    if parties.notifiers.is_empty() {
        return Vec::new();
    }
    paging::due(incident, now)
        .into_iter()
        .filter_map(|due| {
            let targets = parties.reachable(parties.rotations.get(&due.rotation));
            (!targets.is_empty()).then_some(Command::Page {
                role: due.role,
                rung: due.rung,
                rotation: due.rotation,
                targets,
            })
        })
        .collect()
}

/// What the paging services that were reached must be told: a role's page answered
/// (acknowledge), or the incident over (resolve), each once per service.
pub fn settle_commands(incident: &Incident) -> Vec<Command> {
    incident
        .runbook
        .roles
        .iter()
        .filter_map(|role| {
            let action = if incident.state != IncidentState::Active {
                Settle::Resolve
            } else if matches!(paging::paging(incident, &role.id), paging::Paging::Acknowledged { .. }) {
                Settle::Acknowledge
            } else {
                return None;
            };
            let targets: Vec<(Target, _)> = incident
                .outbox
                .paged_targets(&role.id)
                .into_iter()
                .filter(|(t, _)| !incident.outbox.settled(&role.id, action, t))
                .collect();
            (!targets.is_empty()).then(|| Command::Settle { role: role.id.clone(), action, targets })
        })
        .collect()
}

/// Queues what is due on `incident` now, in one durable write: the pages its on-call path
/// owes, and what the paging services that were reached must be told. The messages queued.
pub fn queue_due(app: &App, parties: &WorkspaceParties, incident: &Incident) -> Result<Vec<Envelope>, AppError> {
    let mut commands = due_commands(incident, parties, app.now());
    commands.extend(settle_commands(incident));
    if commands.is_empty() {
        return Ok(Vec::new());
    }
    let (mut written, outcomes) = app.store.execute_all(&incident.id, app.actor, app.now(), commands)?;
    for outcome in outcomes {
        match outcome {
            Ok(events) => written.extend(events),
            // Another process queued the same message first: nothing is owed.
            Err(StoreError::Refused(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(written)
}

/// After a declaration: pages its on-call path. A page that cannot be queued does not undo the
/// declaration (it is durable); the outbox runner queues it on its next pass.
pub fn page_declared(app: &App, id: &str) {
    let Ok(parties) = super::bundle::paging_parties(app.dir) else { return };
    if let Err(e) = app.store.incident(id).map_err(AppError::from).and_then(|i| queue_due(app, &parties, &i)) {
        super::error::log(app, "page", Some(id), &e);
    }
}
