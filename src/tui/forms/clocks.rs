//! Forms on the regulatory clocks: record a decision (which starts clocks), a submission, or
//! that a clock does not apply (with the rationale).

use chrono::{DateTime, Utc};

use super::{Purpose, execute};
use crate::domain::clock::def::regimes_on;
use crate::domain::clock::{Decision, SubmissionPhase};
use crate::domain::command::Command;
use crate::domain::incident::Incident;
use crate::domain::when;
use crate::tui::form::{Field, Form};
use crate::tui::keymap::Action;
use crate::tui::message::Effect;
use crate::tui::model::{FlashKind, Model};

const DECISION: &str = "decision";
const WHEN: &str = "when";
const EVIDENCE: &str = "evidence";
const CLOCK: &str = "clock";
const REFERENCE: &str = "reference";
const PHASE: &str = "phase";
const CHANNEL: &str = "channel";
const LATE_REASON: &str = "late-reason";
const RATIONALE: &str = "rationale";
const REASON: &str = "reason";

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub fn open(model: &Model, action: Action, incident: Option<String>, now: DateTime<Utc>) -> Option<Form> {
    let entry = model.current()?;
    // In the clocks pane's order, starting on the clock under its cursor; a clock already
    // waived is neither filed nor waived again.
    let statuses = entry.incident.clock_statuses(now);
    let cursor_on = statuses.get(model.clock_cursor).map(|s| s.def.id.clone());
    let clocks: Vec<(String, String)> = statuses
        .iter()
        .filter(|s| s.state != crate::domain::clock::ClockState::NotApplicable)
        .map(|s| (s.def.id.clone(), format!("{} — {}", s.def.title, s.def.citation)))
        .collect();
    let under_cursor = clocks.iter().position(|(id, _)| Some(id) == cursor_on.as_ref()).unwrap_or(0);
    Some(match action {
        Action::Decide => {
            let decisions = decision_choices(&entry.incident);
            let facts = &entry.incident.clock_facts;
            // A regime with no awareness of its own shows the shared one, the time in force.
            let mut recorded: Vec<(String, String)> = Decision::ALL
                .iter()
                .flat_map(|d| facts.all_of(*d))
                .map(|r| (choice(r.decision, r.regime.as_deref()), rfc3339(r.at)))
                .collect();
            if let Some(shared) = facts.decided(Decision::Aware) {
                for (id, _) in decisions.iter().filter(|(id, _)| id.starts_with("aware for ")) {
                    if !recorded.iter().any(|(r, _)| r == id) {
                        recorded.push((id.clone(), rfc3339(shared.at)));
                    }
                }
            }
            Form::new(
                Purpose::Decide { recorded },
                "Record a decision",
                incident,
                vec![
                    Field::choice(DECISION, "Decision", decisions),
                    Field::text(
                        WHEN,
                        "When it was reached (empty: now; 2026-11-24 02:10 UTC, -30m, RFC 3339; a recorded one is \
                         shown: Enter confirms it, an earlier time corrects it)",
                        false,
                    ),
                    Field::text(EVIDENCE, "Evidence (trace id, ticket, document)", false),
                    Field::text(REASON, "Reason (needed to move a recorded decision later)", false),
                ],
            )
        }
        Action::Waive => Form::new(
            Purpose::Waive,
            "Mark a clock not applicable",
            incident,
            vec![
                Field::choice_at(CLOCK, "Clock", clocks, under_cursor),
                Field::text(RATIONALE, "Rationale (kept for the audit)", true),
                Field::confirm_explicitly(
                    "Waive it? The regulator's deadline stops counting for this incident; the rationale \
                     and your name go into the evidence and the export. y waives it",
                ),
            ],
        ),
        Action::Notify => {
            let phased = statuses
                .iter()
                .filter(|s| s.def.asks.contains(&crate::domain::clock::def::Asked::Phases))
                .map(|s| s.def.id.clone())
                .collect();
            Form::new(
                Purpose::Notify { phased },
                "Record a submission",
                incident,
                vec![
                    Field::choice_at(CLOCK, "Clock", clocks, under_cursor),
                    Field::text(REFERENCE, "Recipient's reference or receipt", true),
                    Field::choice(PHASE, "Phase", phase_options(true)),
                    Field::text(CHANNEL, "Channel (portal, e-mail, phone)", false),
                    Field::text(LATE_REASON, "Reason for lateness (only if after the legal limit)", false),
                ],
            )
        }
        _ => return None,
    })
}

fn phase_options(phased: bool) -> Vec<(String, String)> {
    let phases: &[SubmissionPhase] = if phased {
        &[SubmissionPhase::Initial, SubmissionPhase::Intermediate, SubmissionPhase::Complete]
    } else {
        &[SubmissionPhase::Complete]
    };
    phases.iter().map(|p| (p.name().to_owned(), String::new())).collect()
}

/// On reaching the phase: only the phases the chosen clock's law takes.
pub fn offer_phases(form: &mut Form) {
    let Purpose::Notify { phased } = &form.purpose else { return };
    let phased = phased.contains(&form.answer(CLOCK));
    let Some(field) = form.fields.get_mut(form.index).filter(|f| f.name == PHASE) else { return };
    let label = if phased { "Phase" } else { "Phase (its law takes one complete submission)" };
    *field = Field::choice(PHASE, label, phase_options(phased));
}

/// On reaching the time field: the chosen decision's recorded time, if it has one.
pub fn prefill(form: &mut Form) {
    let Purpose::Decide { recorded } = &form.purpose else { return };
    let chosen = form.answer(DECISION);
    let current = recorded.iter().find(|(d, _)| *d == chosen).map(|(_, at)| at.clone());
    if let (Some(at), Some(field)) = (current, form.fields.get_mut(form.index))
        && field.name == WHEN
        && field.value().is_empty()
    {
        field.fill(&at);
    }
}

/// The decision form on `decision`, for a tick of `step`, which recording it does (the moment of
/// awareness): the decision ticks the step, so the clocks start with it.
pub fn decide_for_step(model: &Model, decision: Decision, step: &str, now: DateTime<Utc>) -> Option<Form> {
    let incident = model.current().map(|e| e.incident.id.clone());
    let mut form = open(model, Action::Decide, incident, now)?;
    let chosen = form.fields.iter_mut().find(|f| f.name == DECISION).is_some_and(|f| f.select(decision.name()));
    if !chosen {
        return None;
    }
    form.title = format!("Step {step} is done by recording the decision {}", decision.name());
    form.index = form.fields.iter().position(|f| f.name == WHEN).unwrap_or(0);
    prefill(&mut form);
    Some(form)
}

/// The decision's time is checked as it is entered, so nothing typed is lost.
pub fn invalid_time(field: &str, text: &str, now: DateTime<Utc>) -> Option<String> {
    if field != WHEN || text.trim().is_empty() {
        return None;
    }
    super::past_time(text, now).map(|why| format!("{why}; empty means now"))
}

pub fn finish(model: &mut Model, form: &Form, now: DateTime<Utc>) -> Vec<Effect> {
    let command = match form.purpose {
        Purpose::Decide { ref recorded } => {
            let chosen = form.answer(DECISION);
            let Some((decision, regime)) = parse_choice(&chosen) else { return Vec::new() };
            let at = match form.optional(WHEN).map(|t| when::parse(&t, now)).transpose() {
                Ok(at) => at,
                Err(why) => {
                    model.say(FlashKind::Refused, why, now);
                    return Vec::new();
                }
            };
            let current = recorded.iter().find(|(d, _)| *d == chosen).map(|(_, at)| at.as_str());
            let confirm = at.is_some() && at.map(rfc3339).as_deref() == current;
            let (evidence, reason) = (form.optional(EVIDENCE), form.optional(REASON));
            Command::Decide { decision, regime, at, evidence, reason, confirm }
        }
        Purpose::Notify { .. } => Command::Notify {
            clock: form.answer(CLOCK),
            reference: form.answer(REFERENCE),
            at: None,
            phase: SubmissionPhase::parse(&form.answer(PHASE)).unwrap_or(SubmissionPhase::Initial),
            channel: form.optional(CHANNEL),
            late_reason: form.optional(LATE_REASON),
            filed: None,
        },
        Purpose::Waive => Command::Waive { clock: form.answer(CLOCK), rationale: form.answer(RATIONALE) },
        _ => return Vec::new(),
    };
    execute(form, command)
}

const FOR: &str = " for ";

/// The decisions this incident's clocks turn on (all of them while it has none), the two the
/// filings state, any already recorded, and awareness per regime where it has several.
fn decision_choices(incident: &Incident) -> Vec<(String, String)> {
    let facts = &incident.clock_facts;
    let used = |d: Decision| incident.clocks.iter().any(|c| c.turns_on(d));
    let stated = [Decision::BreachStarted, Decision::BreachEnded];
    let regimes = regimes_on(&incident.clocks, Decision::Aware);
    let mut choices = Vec::new();
    for decision in Decision::ALL {
        if !(incident.clocks.is_empty()
            || used(decision)
            || stated.contains(&decision)
            || facts.decided(decision).is_some())
        {
            continue;
        }
        choices.push((decision.name().to_owned(), hint(decision).to_owned()));
        if decision == Decision::Aware && regimes.len() > 1 {
            for regime in &regimes {
                let ids: Vec<&str> = incident
                    .clocks
                    .iter()
                    .filter(|c| c.regime.as_ref() == Some(regime) && c.turns_on(decision))
                    .map(|c| c.id.as_str())
                    .collect();
                choices.push((choice(decision, Some(regime)), format!("its own awareness: {} only", ids.join(", "))));
            }
        }
    }
    choices
}

fn choice(decision: Decision, regime: Option<&str>) -> String {
    regime.map_or_else(|| decision.name().to_owned(), |regime| format!("{}{FOR}{regime}", decision.name()))
}

fn parse_choice(text: &str) -> Option<(Decision, Option<String>)> {
    match text.split_once(FOR) {
        Some((decision, regime)) => Some((Decision::parse(decision)?, Some(regime.to_owned()))),
        None => Some((Decision::parse(text)?, None)),
    }
}

const fn hint(decision: Decision) -> &'static str {
    match decision {
        Decision::Aware => "we are reasonably certain an incident occurred (every regime not decided on its own)",
        Decision::HighRisk => "likely high risk to data subjects (GDPR 34)",
        Decision::CausalLink => "causal link to the AI system, or its reasonable likelihood (AI Act)",
        Decision::ClassifiedMajor => "classified as a major ICT-related incident (DORA)",
        Decision::Material => "the incident is material (SEC 8-K)",
        Decision::DeathSuspected => "a person died and a causal link with the AI system is suspected (AI Act 73(4))",
        Decision::Discovered => "breach discovered (HIPAA, New York, California)",
        Decision::IncidentDetermined => "a cybersecurity incident occurred (NYDFS)",
        Decision::AssessedNotifiable => "the breach is notifiable (PDPA)",
        Decision::BreachStarted => "when the breach began (filings state it)",
        Decision::BreachEnded => "when the breach stopped (filings state it)",
        Decision::ExploitedVulnerability => "aware of an actively exploited vulnerability in the product (CRA)",
        Decision::FixAvailable => "a corrective or mitigating measure is available (CRA final report)",
        Decision::NotificationIncident => "a notification incident occurred (US bank regulators, 36 h)",
        Decision::ServicesDisrupted => {
            "our covered services to a bank were disrupted 4 h or more (bank service provider)"
        }
        Decision::IncidentHandled => "the incident was handled (NIS2 final report after an ongoing one)",
        Decision::ActivitiesRecovered => "regular activities recovered (DORA updated intermediate report)",
        Decision::InformationAvailable => "information the 8-K left out is now available (8-K/A)",
        Decision::BreachSuspected => {
            "reasonable grounds to suspect an eligible data breach (Australia, assess in 30 days)"
        }
        Decision::EligibleBreach => "reasonable grounds to believe there was an eligible data breach (Australia)",
    }
}
