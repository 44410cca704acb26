//! `decide`: a command, checked against the current incident, becomes events or a refusal.

use chrono::{DateTime, SecondsFormat, Utc};

use super::command::Command;
use super::event::Event;
use super::incident::{Incident, IncidentState, StepStatus};
use super::refusal::Refusal;
use super::runbook::Runbook;
use super::suggest::did_you_mean;

pub fn decide(incident: Option<&Incident>, command: Command, now: DateTime<Utc>) -> Result<Vec<Event>, Refusal> {
    let Command::Declare { id, runbook, severity, title, aware_at, drill } = command else {
        let incident = incident.ok_or(Refusal::NotDeclared)?;
        if incident.state == IncidentState::Closed {
            return Err(Refusal::Closed(incident.id.clone()));
        }
        return decide_on(incident, command).map(|event| vec![event]);
    };
    if let Some(existing) = incident {
        return Err(Refusal::AlreadyDeclared(existing.id.clone()));
    }
    if aware_at.is_some_and(|at| at > now) {
        return Err(Refusal::AwareInFuture);
    }
    let severity = match severity {
        Some(wanted) => known_severity(&runbook, &wanted)?,
        None => runbook.severity.default.clone(),
    };
    let title = title.filter(|t| !t.trim().is_empty()).unwrap_or_else(|| runbook.title.clone());
    Ok(vec![Event::Declared { incident: id, title, severity, runbook, aware_at, drill }])
}

fn decide_on(incident: &Incident, command: Command) -> Result<Event, Refusal> {
    match command {
        Command::Declare { .. } => Err(Refusal::AlreadyDeclared(incident.id.clone())),
        Command::Tick { step, note, force } => tick(incident, step, note, force),
        Command::Skip { step, reason } => {
            let reason = required_text(reason, "the reason for skipping")?;
            let (_, state) = find_step(incident, &step)?;
            match state.status {
                StepStatus::Pending => Ok(Event::StepSkipped { step, reason }),
                StepStatus::Skipped => Err(Refusal::AlreadySkipped { step }),
                StepStatus::Done => Err(already_done(step, state.by.as_deref(), state.at)),
            }
        }
        Command::Reopen { step, reason } => {
            let reason = required_text(reason, "the reason for reopening")?;
            let (_, state) = find_step(incident, &step)?;
            if state.status.is_open() {
                return Err(Refusal::NotFinished { step });
            }
            Ok(Event::StepReopened { step, reason })
        }
        Command::Note { text } => Ok(Event::NoteAdded { text: required_text(text, "a note")? }),
        Command::Severity { to, reason } => {
            let reason = required_text(reason, "the reason for the change")?;
            let to = known_severity(&incident.runbook, &to)?;
            if to == incident.severity {
                return Err(Refusal::SameSeverity(to));
            }
            Ok(Event::SeverityChanged { from: incident.severity.clone(), to, reason })
        }
        Command::Assign { role, name } => {
            let name = required_text(name, "the assignee's name")?;
            if incident.runbook.role(&role).is_none() {
                let hint = did_you_mean(&role, incident.runbook.roles.iter().map(|r| r.id.as_str()));
                return Err(Refusal::UnknownRole { role, hint });
            }
            let previous = incident.roles.get(&role).cloned();
            if previous.as_deref() == Some(name.as_str()) {
                return Err(Refusal::SameAssignee { role, name });
            }
            Ok(Event::RoleAssigned { role, name, previous })
        }
        Command::Resolve => match incident.state {
            IncidentState::Active => Ok(Event::Resolved {}),
            _ => Err(Refusal::AlreadyResolved),
        },
        Command::Close { force, reason } => close(incident, force, reason),
    }
}

fn tick(incident: &Incident, step: String, note: Option<String>, force: bool) -> Result<Event, Refusal> {
    let (definition, state) = find_step(incident, &step)?;
    match state.status {
        StepStatus::Done => return Err(already_done(step, state.by.as_deref(), state.at)),
        StepStatus::Skipped => return Err(Refusal::AlreadySkipped { step }),
        StepStatus::Pending => {}
    }
    let open: Vec<String> = incident.open_dependencies(definition).map(str::to_owned).collect();
    if !open.is_empty() && !force {
        return Err(Refusal::DependenciesOpen { step, open });
    }
    let note = note.filter(|n| !n.trim().is_empty());
    Ok(Event::StepTicked { step, note, forced: !open.is_empty() })
}

fn close(incident: &Incident, force: bool, reason: Option<String>) -> Result<Event, Refusal> {
    if incident.state == IncidentState::Active {
        return Err(Refusal::NotResolved);
    }
    let reason = reason.filter(|r| !r.trim().is_empty());
    let open_steps: Vec<String> = incident.open_required_steps().into_iter().map(str::to_owned).collect();
    if force && reason.is_none() {
        return Err(Refusal::ForceNeedsReason);
    }
    if !open_steps.is_empty() && !force {
        return Err(Refusal::RequiredStepsOpen(open_steps));
    }
    Ok(Event::Closed { forced: force, reason, open_steps })
}

fn find_step<'a>(
    incident: &'a Incident,
    step: &str,
) -> Result<(&'a super::runbook::Step, &'a super::incident::StepState), Refusal> {
    incident.step(step).ok_or_else(|| Refusal::UnknownStep {
        step: step.to_owned(),
        hint: did_you_mean(step, incident.runbook.step_ids()),
    })
}

fn known_severity(runbook: &Runbook, wanted: &str) -> Result<String, Refusal> {
    runbook.severity_level(wanted).map(|level| level.id.clone()).ok_or_else(|| Refusal::UnknownSeverity {
        severity: wanted.to_owned(),
        known: runbook.severity.levels.iter().map(|l| l.id.as_str()).collect::<Vec<_>>().join(", "),
    })
}

fn required_text(text: String, what: &'static str) -> Result<String, Refusal> {
    if text.trim().is_empty() { Err(Refusal::EmptyText(what)) } else { Ok(text) }
}

fn already_done(step: String, by: Option<&str>, at: Option<DateTime<Utc>>) -> Refusal {
    Refusal::AlreadyDone {
        step,
        by: by.unwrap_or("someone").to_owned(),
        at: at.map_or_else(String::new, |t| t.to_rfc3339_opts(SecondsFormat::Secs, true)),
    }
}
