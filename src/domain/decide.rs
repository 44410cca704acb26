//! `decide`: a command, checked against the current incident, becomes events or a refusal.
//! Time and the acting responder are inputs.

use chrono::{DateTime, Utc};

use super::clock::ClockState;
use super::command::Command;
use super::decide_declare::known_severity;
use super::decide_support::{clock_status, required_text, rfc3339};
use super::event::Event;
use super::inbox::same_delivery;
use super::incident::{Incident, IncidentState, StepStatus};
use super::refusal::Refusal;
use super::runbook::Step;
use super::suggest::did_you_mean;

pub fn decide(
    incident: Option<&Incident>,
    command: Command,
    now: DateTime<Utc>,
    actor: &str,
) -> Result<Vec<Event>, Refusal> {
    if let Command::InStead { command, reason } = command {
        return in_the_commanders_stead(incident, (*command, reason), now, actor);
    }
    if !matches!(command, Command::Declare { .. }) {
        let incident = incident.ok_or(Refusal::NotDeclared)?;
        if incident.state == IncidentState::Archived {
            return Err(Refusal::Archived(incident.id.clone()));
        }
        if incident.state == IncidentState::Closed && is_operation(&command) {
            return Err(Refusal::Closed(incident.id.clone()));
        }
        if let Command::ConfigureDrill { speed, focus } = command {
            return configure_drill(incident, speed, focus);
        }
        if is_containment(&command) {
            return super::decide_containment::decide(incident, command, now, actor);
        }
        if let Command::Notify { clock, reference, at, phase, channel, late_reason, filed } = command {
            let submission = super::decide_filing::Filing { clock, reference, at, phase, channel, late_reason, filed };
            return super::decide_filing::notify(incident, submission, now, actor);
        }
        if matches!(
            command,
            Command::Page { .. }
                | Command::Settle { .. }
                | Command::Delivery { .. }
                | Command::Acknowledge { .. }
                | Command::SendUpdate { .. }
        ) {
            return super::decide_outbound::decide_as(incident, command, now, actor);
        }
        if let Command::Waive { clock, rationale } = command {
            return super::decide_filing::waive(incident, clock, rationale, now, actor);
        }
        if let Command::Decide { decision, .. } = command {
            let recorded = decide_on(incident, command, now, actor)?;
            return Ok(std::iter::once(recorded).chain(super::step_records::ticks(incident, decision)).collect());
        }
        return decide_on(incident, command, now, actor).map(|event| vec![event]);
    }
    super::decide_declare::declare(incident, command, now)
}

/// A commander-only `command` given by a responder who confirmed acting in the commander's
/// stead: decided as if they held command when command alone stood in the way, and recorded
/// with who holds it.
fn in_the_commanders_stead(
    incident: Option<&Incident>,
    (command, reason): (Command, String),
    now: DateTime<Utc>,
    actor: &str,
) -> Result<Vec<Event>, Refusal> {
    let refusal = match decide(incident, command.clone(), now, actor) {
        Ok(events) => return Ok(events),
        Err(refusal) => refusal,
    };
    let (Some(incident), Some((commander, what))) = (incident, refusal.commander_needed()) else {
        return Err(refusal);
    };
    let reason = required_text(reason, "why you act in the commander's stead")?;
    let mut for_the_commander = incident.clone();
    for_the_commander.roles.insert("commander".to_owned(), actor.to_owned());
    let decided = decide(Some(&for_the_commander), command, now, actor)?;
    Ok(std::iter::once(Event::ActedInStead { commander, what, reason }).chain(decided).collect())
}

/// What only an incident still in operation records: containment (an undo of an effect left
/// in place is still allowed), severity, the lifecycle steps before close, and drills. A
/// closed one keeps its duties and its post-mortem, and hears the end of its own alerts.
fn is_operation(command: &Command) -> bool {
    matches!(
        command,
        Command::ConfigureDrill { .. }
            | Command::StartAction { undoes: None, .. }
            | Command::AddEffect { .. }
            | Command::Severity { .. }
            | Command::Resolve
            | Command::Close { .. }
            | Command::Page { .. }
    )
}

fn decide_on(incident: &Incident, command: Command, now: DateTime<Utc>, actor: &str) -> Result<Event, Refusal> {
    match command {
        Command::Declare { .. } => Err(Refusal::AlreadyDeclared(incident.id.clone())),
        Command::Tick { step, note, force, override_hold } => {
            tick(incident, step, note, force, override_hold, now, actor)
        }
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
        Command::Fact { text, at } => {
            if at > now {
                return Err(Refusal::InFuture("the time it happened"));
            }
            Ok(Event::FactNoted { text: required_text(text, "a note")?, at })
        }
        Command::Label { label, value } => {
            let (label, value) = super::alert::stated_label(&label, &value).map_err(Refusal::BadLabel)?;
            if incident.stated_labels.get(&label) == Some(&value) {
                return Err(Refusal::BadLabel(format!("{label} is already stated as {value}")));
            }
            Ok(Event::LabelStated { label, value })
        }
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
            super::event::Actor::check_name(&name).map_err(Refusal::BadName)?;
            if incident.runbook.role(&role).is_none() {
                let hint = did_you_mean(&role, incident.runbook.roles.iter().map(|r| r.id.as_str()));
                return Err(Refusal::UnknownRole { role, hint });
            }
            let previous = incident.roles.get(&role).cloned();
            let withdraws = role == "commander" && incident.handover.is_some();
            if previous.as_deref() == Some(name.as_str()) && !withdraws {
                return Err(Refusal::SameAssignee { role, name });
            }
            Ok(Event::RoleAssigned { role, name, previous })
        }
        Command::AcceptCommand => accept_command(incident, actor),
        Command::Resolve => match incident.state {
            IncidentState::Active => {
                super::decide_filing::only_the_commander(incident, actor, "resolve".to_owned())?;
                Ok(Event::Resolved {})
            }
            _ => Err(Refusal::AlreadyResolved),
        },
        Command::Close { force, reason } => {
            let closed = close(incident, force, reason, now)?;
            super::decide_filing::only_the_commander(incident, actor, "close".to_owned())?;
            Ok(closed)
        }
        Command::Archive { reason } => {
            let archived = archive(incident, reason, now)?;
            // Archiving past a duty still owed sets the duty aside: the commander's call.
            if let Event::Archived { open_duties, .. } = &archived
                && !open_duties.is_empty()
            {
                let what = format!("archive with duties still open ({})", open_duties.join(", "));
                super::decide_filing::only_the_commander(incident, actor, what)?;
            }
            Ok(archived)
        }
        Command::Decide { decision, regime, at, evidence, reason, confirm } => {
            let record = super::decide_decision::Record { decision, regime, at, evidence, reason, confirm };
            super::decide_decision::decide(incident, record, now, actor)
        }
        Command::Inform { step, reference, channel, at } => {
            let (step, _) = find_step(incident, &step)?;
            super::step_gate::inform(incident, step, reference, channel, at, now)
        }
        Command::PauseClock { clock, from, until, basis, reason } => {
            let delay = super::decide_pause::Delay { clock, from, until, basis, reason };
            super::decide_pause::pause(incident, delay, now, actor)
        }
        Command::ResumeClock { clock, at, reason } => {
            super::decide_pause::resume(incident, clock, at, reason, now, actor)
        }
        Command::AddClock { clock, reason } => {
            let reason = required_text(reason, "the reason (--reason)")?;
            if incident.clock(&clock.id).is_some() {
                return Err(Refusal::ClockAlreadyActive(clock.id));
            }
            Ok(Event::ClockAdded { clock, reason })
        }
        Command::DropClock { clock, reason } => {
            let reason = required_text(reason, "the reason (--reason)")?;
            clock_status(incident, &clock, now)?;
            super::decide_filing::only_the_commander(incident, actor, format!("drop {clock}"))?;
            Ok(Event::ClockDropped { clock, reason })
        }
        Command::SwitchResponder { from } => Ok(Event::ResponderSwitched { from }),
        Command::ConfigureDrill { .. }
        | Command::RequestApproval { .. }
        | Command::Approve { .. }
        | Command::StartAction { .. }
        | Command::FinishAction { .. }
        | Command::AddEffect { .. }
        | Command::UpdateEffect { .. }
        | Command::Preserve { .. }
        | Command::Notify { .. }
        | Command::InStead { .. }
        | Command::Page { .. }
        | Command::Settle { .. }
        | Command::SendUpdate { .. }
        | Command::Delivery { .. }
        | Command::Acknowledge { .. }
        | Command::Waive { .. } => Err(Refusal::NotDeclared),
        Command::Alert { alert, attached } => {
            if incident.alerts.get(&alert.key).is_some_and(|t| same_delivery(&t.alert, &alert)) {
                return Err(Refusal::RepeatAlert(alert.key));
            }
            if incident.state == IncidentState::Closed && alert.status == super::alert::Status::Firing {
                return Err(Refusal::Closed(incident.id.clone()));
            }
            let earlier = incident.alerts.values().map(|t| &t.alert);
            let widens = if incident.alerts.is_empty() {
                std::collections::BTreeMap::new()
            } else {
                super::alert::widening(&alert, earlier, &incident.runbook.scope_labels())
            };
            Ok(Event::AlertReceived { alert, widens, attached })
        }
        Command::Provide { clock, item, text } => {
            let text = required_text(text, "the content")?;
            let def = clock_status(incident, &clock, now)?.def;
            if !def.content.iter().any(|c| c.id == item) {
                let known = def.content.iter().map(|c| c.id.as_str()).collect::<Vec<_>>().join(", ");
                return Err(Refusal::UnknownContentItem { clock, item, known });
            }
            Ok(Event::ContentProvided { clock, item, text })
        }
    }
}

/// The reason given to the steps a micro-drill leaves out (kept out of step health).
pub const NOT_IN_MICRO_DRILL: &str = "not practised in this micro-drill";

/// The longest speed-up: a 72-hour clock in under a minute.
pub const FASTEST_DRILL: u32 = 10_000;

fn configure_drill(incident: &Incident, speed: u32, focus: Option<Vec<String>>) -> Result<Vec<Event>, Refusal> {
    if !incident.drill {
        return Err(Refusal::NotADrill(incident.id.clone()));
    }
    if !(1..=FASTEST_DRILL).contains(&speed) {
        return Err(Refusal::DrillSpeed { speed, fastest: FASTEST_DRILL });
    }
    let mut events = vec![Event::DrillConfigured { speed, focus: focus.clone() }];
    if let Some(focus) = &focus {
        for step in focus {
            find_step(incident, step)?;
        }
        for (_, step, state) in incident.checklist() {
            if state.status == StepStatus::Pending && !focus.contains(&step.id) {
                events.push(Event::StepSkipped { step: step.id.clone(), reason: NOT_IN_MICRO_DRILL.to_owned() });
            }
        }
    }
    Ok(events)
}

const fn is_containment(command: &Command) -> bool {
    matches!(
        command,
        Command::RequestApproval { .. }
            | Command::Approve { .. }
            | Command::StartAction { .. }
            | Command::FinishAction { .. }
            | Command::AddEffect { .. }
            | Command::UpdateEffect { .. }
            | Command::Preserve { .. }
    )
}

fn tick(
    incident: &Incident,
    step: String,
    note: Option<String>,
    force: bool,
    override_hold: Option<String>,
    now: DateTime<Utc>,
    actor: &str,
) -> Result<Event, Refusal> {
    let (definition, state) = find_step(incident, &step)?;
    match state.status {
        StepStatus::Done => return Err(already_done(step, state.by.as_deref(), state.at)),
        StepStatus::Skipped => return Err(Refusal::AlreadySkipped { step }),
        StepStatus::Pending => {}
    }
    super::step_records::check_tick(incident, definition)?;
    let cleared = super::step_gate::clear(incident, definition, force, override_hold, None, now, actor)?;
    let note = note.filter(|n| !n.trim().is_empty());
    Ok(Event::StepTicked { step, note, forced: cleared.forced, hold_override: cleared.hold_override })
}

pub use super::step_gate::step_hold;

fn close(incident: &Incident, force: bool, reason: Option<String>, now: DateTime<Utc>) -> Result<Event, Refusal> {
    if incident.state == IncidentState::Active {
        return Err(Refusal::NotResolved);
    }
    let reason = reason.filter(|r| !r.trim().is_empty());
    let open_steps: Vec<String> = incident.open_operational_steps().into_iter().map(str::to_owned).collect();
    if force && reason.is_none() {
        return Err(Refusal::ForceNeedsReason);
    }
    if !open_steps.is_empty() && !force {
        return Err(Refusal::RequiredStepsOpen(open_steps));
    }
    let open_clocks: Vec<String> = incident
        .clock_statuses(now)
        .iter()
        .filter(|s| {
            matches!(s.state, ClockState::Running | ClockState::DueSoon | ClockState::Overdue) || s.awaits_complete()
        })
        .map(|s| s.def.id.clone())
        .collect();
    let never_undone = incident.never_undone().map(|r| r.started_seq).collect();
    Ok(Event::Closed { forced: force, reason, open_steps, open_clocks, never_undone })
}

fn archive(incident: &Incident, reason: Option<String>, now: DateTime<Utc>) -> Result<Event, Refusal> {
    if incident.state != IncidentState::Closed {
        return Err(Refusal::NotClosed);
    }
    let reason = reason.filter(|r| !r.trim().is_empty());
    let open_duties = incident.open_duties(now);
    if !open_duties.is_empty() && reason.is_none() {
        return Err(Refusal::DutiesOpen(open_duties));
    }
    Ok(Event::Archived { reason, open_duties })
}

fn find_step<'a>(incident: &'a Incident, step: &str) -> Result<(&'a Step, &'a super::incident::StepState), Refusal> {
    incident.step(step).ok_or_else(|| Refusal::UnknownStep {
        step: step.to_owned(),
        hint: did_you_mean(step, incident.runbook.step_ids()),
    })
}

fn already_done(step: String, by: Option<&str>, at: Option<DateTime<Utc>>) -> Refusal {
    Refusal::AlreadyDone { step, by: by.unwrap_or("someone").to_owned(), at: at.map_or_else(String::new, rfc3339) }
}

/// The responder command was offered to takes it.
fn accept_command(incident: &Incident, actor: &str) -> Result<Event, Refusal> {
    match &incident.handover {
        Some(handover) if handover.to == actor => Ok(Event::CommandAccepted { from: handover.from.clone() }),
        Some(handover) => Err(Refusal::NoHandover(format!(
            "command of {} was handed to {}, not to {actor}",
            incident.id, handover.to
        ))),
        None => Err(Refusal::NoHandover(format!(
            "command of {} is not being handed over (a page is answered with ack: warroom ack INC ROLE, K in the console)",
            incident.id
        ))),
    }
}
