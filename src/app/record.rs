//! Recording a responder's command on an incident, and closing it (which writes its bundle).

use std::path::{Path, PathBuf};

use super::bundle;
use super::{App, AppError};
use crate::domain::Command;
use crate::domain::clock::SubmissionPhase;
use crate::domain::event::Envelope;
use crate::domain::placeholder::Facts;

/// The events one command appended, on the incident it named.
#[derive(Debug)]
pub struct Recorded {
    pub incident: String,
    pub events: Vec<Envelope>,
}

/// Checks `command` against the incident's current state and appends what it decides.
pub fn record(app: &App, incident: &str, command: Command) -> Result<Recorded, AppError> {
    let id = app.store.resolve_id(incident)?;
    if let Ok(state) = app.store.incident(&id) {
        super::action::reap_abandoned(app, &state)?;
    }
    let command = match command {
        Command::Notify { clock, reference, at, phase, channel, late_reason, filed: None } => {
            let sent_at = at.unwrap_or_else(|| app.now());
            let filed =
                app.store.incident(&id).ok().and_then(|incident| as_sent(app, &incident, &clock, (phase, sent_at)));
            Command::Notify { clock, reference, at, phase, channel, late_reason, filed }
        }
        other => other,
    };
    if let Command::Approve { step, .. } = &command {
        same_keyboard(app, &id, step)?;
    }
    let events = app.store.execute(&id, app.actor, app.now(), app.as_given(command))?;
    if events.is_empty() {
        return Err(AppError::refused("nothing was recorded"));
    }
    Ok(Recorded { incident: id, events })
}

/// Refuses an approval from the very process that asked for it: a console whose responder was
/// switched is still one keyboard.
fn same_keyboard(app: &App, id: &str, step: &str) -> Result<(), AppError> {
    let Ok(state) = app.store.incident(id) else { return Ok(()) };
    let here = (app.actor.login.clone(), app.actor.host.clone(), app.actor.pid);
    match state.containment.waiting_request(step, app.now()) {
        // Its own requester is refused by the rule itself, which says so.
        Some(request) if request.requested_from == here && request.requested_by != app.actor.name => {
            let requested_by = request.requested_by.clone();
            let refusal =
                crate::domain::refusal_approval::ApprovalRefusal::SameKeyboard { step: step.to_owned(), requested_by };
            Err(crate::domain::Refusal::from(refusal).into())
        }
        _ => Ok(()),
    }
}

/// The filing of `clock` as it stands now, in the phase being submitted: the copy kept with
/// the submission.
fn as_sent(
    app: &App,
    incident: &crate::domain::incident::Incident,
    clock: &str,
    (phase, sent_at): (SubmissionPhase, chrono::DateTime<chrono::Utc>),
) -> Option<String> {
    let now = app.now();
    let parties = bundle::workspace_parties(app.dir);
    let facts = Facts::for_people(incident, now, parties.as_ref().ok());
    let status = facts.clocks.iter().find(|s| s.def.id == clock)?;
    Some(crate::report::filing::filing(&facts, status, &parties, sent_at, Some(phase)).markdown)
}

/// Records on every open incident that the app's actor took the keyboard from `from`; the
/// incidents it was recorded on.
pub fn switch_responder(app: &App, from: &str) -> Result<Vec<String>, AppError> {
    let mut recorded = Vec::new();
    for id in app.store.open_ids()? {
        let command = Command::SwitchResponder { from: from.to_owned() };
        app.store.execute(&id, app.actor, app.now(), command)?;
        recorded.push(id);
    }
    Ok(recorded)
}

/// Closes the incident, then writes its export bundle (always: the close is the moment the
/// evidence is handed over).
pub fn close(
    app: &App,
    incident: &str,
    force: bool,
    reason: Option<String>,
    redact: bool,
) -> Result<(Recorded, PathBuf), AppError> {
    seal(app, incident, Command::Close { force, reason }, redact)
}

/// Records a close or an archive, then writes the bundle revision that hands it over.
pub fn seal(app: &App, incident: &str, command: Command, redact: bool) -> Result<(Recorded, PathBuf), AppError> {
    let recorded = record(app, incident, command)?;
    let bundle = export(app, &recorded.incident, None, redact)
        .map_err(|e| AppError::ClosedWithoutBundle { id: recorded.incident.clone(), why: e.to_string() })?;
    Ok((recorded, bundle))
}

/// Writes the incident's bundle to `out` (default: the workspace's `exports/`).
pub fn export(app: &App, incident: &str, out: Option<&Path>, redact: bool) -> Result<PathBuf, AppError> {
    let id = app.store.resolve_id(incident)?;
    let now = app.now();
    let out = out.map_or_else(|| bundle::default_dir(app.dir, &id, now), Path::to_path_buf);
    let options = bundle::options(app.dir, &app.actor.name, now, redact);
    Ok(bundle::export(app.store, app.dir, &id, &out, &options)?)
}
