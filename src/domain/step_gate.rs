//! The one rule set a step passes before it is ticked or its action runs: its dependencies
//! done (or a recorded force), the two-person rule, and the AI Act evidence hold (or the
//! commander's recorded override).

use chrono::{DateTime, Utc};

use super::clock::{ClockState, StepHold};
use super::event::Event;
use super::incident::Incident;
use super::refusal::Refusal;
use super::refusal_clock::ClockRefusal;
use super::runbook::{Step, StepKind};

/// What a step passed with, for the record.
#[derive(Debug, PartialEq, Eq)]
pub struct Cleared {
    /// Some step it depends on was still open.
    pub forced: bool,
    /// The commander's reason for passing the evidence hold.
    pub hold_override: Option<String>,
    /// The seq of the approval it spends (two-person steps).
    pub approval: Option<u64>,
}

/// Whether `step` may be done now by `actor`; `argv` is the action about to run, if any.
pub fn clear(
    incident: &Incident,
    step: &Step,
    force: bool,
    override_hold: Option<String>,
    argv: Option<&[String]>,
    now: DateTime<Utc>,
    actor: &str,
) -> Result<Cleared, Refusal> {
    let (forced, hold_override) = rules(incident, step, force, override_hold, now, actor)?;
    let approval = approval_for(incident, step, argv, now)?;
    Ok(Cleared { forced, hold_override, approval })
}

/// The rules before the two-person rule: dependencies and the evidence hold. Whether it is
/// forced, and the override it passes the hold with.
pub fn rules(
    incident: &Incident,
    step: &Step,
    force: bool,
    override_hold: Option<String>,
    now: DateTime<Utc>,
    actor: &str,
) -> Result<(bool, Option<String>), Refusal> {
    let open: Vec<String> = incident.open_dependencies(step).map(str::to_owned).collect();
    if !open.is_empty() && !force {
        return Err(Refusal::DependenciesOpen { step: step.id.clone(), open });
    }
    let hold = step_hold(incident, step, now);
    let hold_override = match hold {
        StepHold::Free => None,
        StepHold::Held { clocks } => {
            let Some(reason) = override_hold.filter(|r| !r.trim().is_empty()) else {
                let preserve_first = open_steps_of_kind(incident, StepKind::Forensic);
                return Err(Refusal::EvidenceHold { step: step.id.clone(), clocks, preserve_first });
            };
            Some(reason)
        }
    };
    let commander = incident.commander().unwrap_or_default();
    if hold_override.is_some() && commander != actor {
        return Err(Refusal::OverrideNotCommander { commander: commander.to_owned() });
    }
    Ok((!open.is_empty(), hold_override))
}

/// For a step under the two-person rule: the seq of the approval that allows it now (for
/// exactly `argv`, when the request named one).
pub fn approval_for(
    incident: &Incident,
    step: &Step,
    argv: Option<&[String]>,
    now: DateTime<Utc>,
) -> Result<Option<u64>, Refusal> {
    if !needs_two(incident, step) {
        return Ok(None);
    }
    incident.containment.usable_approval(&step.id, argv, now).map(|a| Some(a.requested_seq)).ok_or_else(|| {
        Refusal::from(super::refusal_approval::ApprovalRefusal::NeedsApproval {
            step: step.id.clone(),
            unproven: incident.containment.unproven_grant(&step.id, now).map(|grant| {
                format!(
                    "#{} says {} approved, but {}",
                    grant.granted_seq.unwrap_or_default(),
                    grant.granted_by.as_deref().unwrap_or_default(),
                    grant.unproven.as_deref().unwrap_or_default()
                )
            }),
        })
    })
}

/// Under the two-person rule: the step says so, or its action reverses one that does (lifting
/// a kill-switch takes as many people as engaging it).
pub fn needs_two(incident: &Incident, step: &Step) -> bool {
    let reversed = step.action.as_ref().and_then(|a| a.undoes.as_deref()).and_then(|id| incident.step(id));
    step.two_person || reversed.is_some_and(|(undone, _)| undone.two_person)
}

/// Whether the AI Act evidence hold stops `step` now: it alters the AI system, a clock that
/// holds such changes has started and applies (before its report and after: Art. 73(6) speaks
/// of the investigation that follows the report), and the authority was not informed of this
/// action.
pub fn step_hold(incident: &Incident, step: &Step, now: DateTime<Utc>) -> StepHold {
    if !step.alters_ai_system || incident.clock_facts.informed.contains_key(&step.id) {
        return StepHold::Free;
    }
    let clocks = holding_clocks(incident, now);
    if clocks.is_empty() { StepHold::Free } else { StepHold::Held { clocks } }
}

/// The clocks that hold changes to the AI system now: started, and not waived.
fn holding_clocks(incident: &Incident, now: DateTime<Utc>) -> Vec<String> {
    incident
        .clock_statuses(now)
        .into_iter()
        .filter(|s| s.def.holds_ai_changes)
        .filter(|s| !matches!(s.state, ClockState::AwaitingAnchor | ClockState::NotApplicable))
        .map(|s| s.def.id.clone())
        .collect()
}

/// Records that the authority was informed of `step`'s action before it is taken.
pub fn inform(
    incident: &Incident,
    step: &Step,
    reference: String,
    channel: Option<String>,
    at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Event, Refusal> {
    let reference = super::decide_support::required_text(reference, "the authority's reference (--ref)")?;
    let at = at.unwrap_or(now);
    if at > now {
        return Err(Refusal::InFuture("the time the authority was informed"));
    }
    let refuse = |why: String| Err(Refusal::Clock(ClockRefusal::Inform { step: step.id.clone(), why }));
    if let Some(aware) = incident.aware_at().filter(|aware| at < *aware) {
        let aware = super::decide_support::rfc3339(aware);
        return refuse(format!("it cannot be dated before the incident's first awareness ({aware})"));
    }
    if !step.alters_ai_system {
        return refuse("it does not alter the AI system (no alters_ai_system in the runbook)".into());
    }
    if let Some(done) = incident.clock_facts.informed.get(&step.id) {
        return refuse(format!("the authority was informed of it already, ref {}", done.reference));
    }
    let clocks: Vec<String> = incident.clocks.iter().filter(|c| c.holds_ai_changes).map(|c| c.id.clone()).collect();
    let waived = |id: &String| incident.clock_facts.waivers.contains_key(id);
    if clocks.iter().all(waived) {
        return refuse("no AI Act clock of this incident applies (none holds changes to the AI system)".into());
    }
    let clocks = clocks.into_iter().filter(|c| !waived(c)).collect();
    let channel = channel.filter(|c| !c.trim().is_empty());
    Ok(Event::AuthorityInformed { step: step.id.clone(), clocks, reference, channel, at })
}

fn open_steps_of_kind(incident: &Incident, kind: StepKind) -> Vec<String> {
    incident
        .checklist()
        .filter(|(_, step, state)| step.kind == kind && state.status.is_open())
        .map(|(_, step, _)| step.id.clone())
        .collect()
}
