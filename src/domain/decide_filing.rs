//! A submission to a regulator, checked against its clock, and the steps it does: a step that
//! names the clocks it files is ticked when the last of them is submitted.

use chrono::{DateTime, Utc};

use super::clock::def::Asked;
use super::clock::{ClockState, SubmissionPhase};
use super::decide_support::{clock_status, required_text, rfc3339};
use super::event::Event;
use super::incident::{Incident, StepStatus};
use super::refusal::Refusal;
use super::refusal_clock::ClockRefusal;

pub struct Filing {
    pub clock: String,
    pub reference: String,
    pub at: Option<DateTime<Utc>>,
    pub phase: SubmissionPhase,
    pub channel: Option<String>,
    pub late_reason: Option<String>,
    pub filed: Option<String>,
}

pub fn notify(incident: &Incident, filing: Filing, now: DateTime<Utc>, actor: &str) -> Result<Vec<Event>, Refusal> {
    let Filing { clock, reference, at, phase, channel, late_reason, filed } = filing;
    let reference = required_text(reference, "the submission's reference (--ref)")?;
    let at = at.unwrap_or(now);
    if at > now {
        return Err(Refusal::InFuture("the submission time"));
    }
    let status = clock_status(incident, &clock, now)?;
    if status.state == ClockState::NotApplicable {
        return Err(Refusal::AlreadyWaived(clock));
    }
    if phase != SubmissionPhase::Complete && !status.def.asks.contains(&Asked::Phases) {
        return Err(Refusal::Clock(ClockRefusal::NoPhases { clock, phase: phase.name() }));
    }
    if let Some(anchor) = status.anchor_at.filter(|anchor| at < *anchor) {
        return Err(Refusal::Clock(ClockRefusal::BeforeStart {
            what: "the submission",
            clock,
            start: rfc3339(anchor),
        }));
    }
    if phase == SubmissionPhase::Complete && !status.missing_content.is_empty() {
        let missing = status.missing_content.iter().map(|c| c.id.clone()).collect();
        return Err(Refusal::CompleteWithoutContent { clock, missing });
    }
    let late_reason = late_reason.filter(|r| !r.trim().is_empty());
    if let Some(deadline) = status.deadline
        && deadline.fixed
        && at > deadline.legal_limit_at
        && status.submitted.is_none()
        && late_reason.is_none()
    {
        return Err(Refusal::LateWithoutReason { clock, limit: rfc3339(deadline.legal_limit_at) });
    }
    let late = status.deadline.is_some_and(|d| d.fixed && at > d.legal_limit_at);
    if late_reason.is_some() && !late && status.submitted.is_none() {
        let limit = status.deadline.map(|d| rfc3339(d.legal_limit_at));
        return Err(Refusal::Clock(super::refusal_clock::ClockRefusal::NotLate { clock, limit }));
    }
    // Recorded after the limit, dated before it: the clock turns from overdue to on time on a
    // claim only the commander may make.
    if let Some(deadline) = status.deadline
        && deadline.fixed
        && status.submitted.is_none()
        && now > deadline.legal_limit_at
        && at <= deadline.legal_limit_at
    {
        only_the_commander(incident, actor, format!("record {clock} as submitted on time after its limit"))?;
    }
    let note = format!("filed: the {} submission for {clock}, ref {reference}", phase.name());
    let ticks = ticks(incident, &clock, true, now, &note);
    let submission = Event::SubmissionRecorded { clock, reference, at, phase, channel, late_reason, filed };
    Ok(std::iter::once(submission).chain(ticks).collect())
}

/// A clock found not to apply; a step filing it and others is done once the others are
/// submitted (a step none of whose clocks was submitted is left to be skipped, with why).
pub fn waive(
    incident: &Incident,
    clock: String,
    rationale: String,
    now: DateTime<Utc>,
    actor: &str,
) -> Result<Vec<Event>, Refusal> {
    let rationale = required_text(rationale, "the rationale (--rationale)")?;
    let status = clock_status(incident, &clock, now)?;
    match status.state {
        ClockState::NotApplicable => return Err(Refusal::AlreadyWaived(clock)),
        ClockState::SubmittedOnTime | ClockState::SubmittedLate => return Err(Refusal::AlreadySubmitted(clock)),
        _ => {}
    }
    if !files_it(incident, &clock, actor) {
        only_the_commander(incident, actor, format!("waive {clock}"))?;
    }
    let note = format!("filed: the other clocks are submitted; {clock} does not apply");
    let ticks = ticks(incident, &clock, false, now, &note);
    Ok(std::iter::once(Event::ClockWaived { clock, rationale }).chain(ticks).collect())
}

fn ticks(incident: &Incident, clock: &str, submitting: bool, now: DateTime<Utc>, note: &str) -> Vec<Event> {
    steps_filed(incident, clock, submitting, now)
        .into_iter()
        .map(|step| Event::StepTicked { step, note: Some(note.to_owned()), forced: false, hold_override: None })
        .collect()
}

/// The open steps that `clock`'s submission (`submitting`) or waiver completes: each names
/// `clock` among the clocks it files, every other one of them is already submitted or does not
/// apply, and at least one of them is submitted. A step under the two-person rule, or with a
/// dependency still open, is left for a responder to tick.
fn steps_filed(incident: &Incident, clock: &str, submitting: bool, now: DateTime<Utc>) -> Vec<String> {
    let statuses = incident.clock_statuses(now);
    let state = |other: &str| statuses.iter().find(|s| s.def.id == other).map(|s| s.state);
    let submitted = |other: &str| {
        (other == clock && submitting)
            || matches!(state(other), Some(ClockState::SubmittedOnTime | ClockState::SubmittedLate))
    };
    let settled = |other: &str| other == clock || submitted(other) || state(other) == Some(ClockState::NotApplicable);
    incident
        .runbook
        .steps()
        .map(|(_, step)| step)
        .filter(|step| step.files.iter().any(|c| c == clock) && step.files.iter().all(|c| settled(c)))
        .filter(|step| step.files.iter().any(|c| submitted(c)))
        .filter(|step| !step.two_person && incident.open_dependencies(step).next().is_none())
        .filter(|step| incident.step(&step.id).is_some_and(|(_, state)| state.status == StepStatus::Pending))
        .map(|step| step.id.clone())
        .collect()
}

/// `actor` holds the role of a step that files `clock` (a privacy lead for a GDPR notice): a
/// waiver is theirs to decide, as it is the commander's.
fn files_it(incident: &Incident, clock: &str, actor: &str) -> bool {
    incident.runbook.phases.iter().flat_map(|p| &p.steps).any(|step| {
        step.files.iter().any(|c| c == clock) && incident.roles.get(&step.role).is_some_and(|holder| holder == actor)
    })
}

/// A legal duty is set aside (dropped, or settled on a backdated claim) by the commander,
/// where the incident has one.
pub fn only_the_commander(incident: &Incident, actor: &str, what: String) -> Result<(), Refusal> {
    match incident.commander().filter(|c| *c != actor) {
        Some(commander) => Err(Refusal::Clock(ClockRefusal::OnlyCommander { what, commander: commander.to_owned() })),
        None => Ok(()),
    }
}
