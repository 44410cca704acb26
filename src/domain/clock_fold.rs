//! What the clock events of a log say about an incident's clocks, folded into its clock facts
//! and its list of clocks. Part of the incident's pure fold.

use super::clock::{ClockDef, ClockFacts, DecisionRecord, Informed, Pause, Resumed, Submission, Waiver};
use super::event::{Envelope, Event};

/// Folds `envelope` if it is a clock event; false otherwise. A pause or resume for a clock
/// the incident no longer has is kept, and changes nothing.
pub fn fold(facts: &mut ClockFacts, clocks: &mut Vec<ClockDef>, envelope: &Envelope) -> bool {
    let by = &envelope.actor.name;
    match &envelope.event {
        Event::DecisionRecorded { decision, at, evidence, corrects, auto, reason, regime, .. } => {
            facts.record(DecisionRecord {
                decision: *decision,
                at: *at,
                recorded_at: envelope.at,
                by: by.clone(),
                evidence: evidence.clone(),
                seq: envelope.seq,
                corrects: *corrects,
                auto: *auto,
                reason: reason.clone(),
                regime: regime.clone(),
            });
        }
        Event::SubmissionRecorded { clock, reference, at, phase, channel, late_reason, filed } => {
            facts.submissions.push(Submission {
                clock: clock.clone(),
                at: *at,
                recorded_at: envelope.at,
                by: by.clone(),
                reference: reference.clone(),
                phase: *phase,
                channel: channel.clone(),
                late_reason: late_reason.clone(),
                seq: envelope.seq,
                filed: filed.clone(),
            });
        }
        Event::ClockWaived { clock, rationale } => {
            let waiver = Waiver { rationale: rationale.clone(), by: by.clone(), at: envelope.at };
            facts.waivers.insert(clock.clone(), waiver);
        }
        Event::AuthorityInformed { step, clocks, reference, channel, at } => {
            let informed = Informed {
                clocks: clocks.clone(),
                reference: reference.clone(),
                channel: channel.clone(),
                at: *at,
                by: by.clone(),
                seq: envelope.seq,
            };
            facts.informed.insert(step.clone(), informed);
        }
        Event::ClockPaused { clock, from, until, basis, reason, .. } => {
            facts.pauses.entry(clock.clone()).or_default().push(Pause {
                from: *from,
                until: *until,
                basis: basis.clone(),
                reason: reason.clone(),
                by: by.clone(),
                seq: envelope.seq,
                resumed: None,
            });
        }
        Event::ClockResumed { clock, at, reason, .. } => {
            let standing = facts.pauses.get_mut(clock).and_then(|p| p.last_mut());
            if let Some(pause) = standing.filter(|p| p.resumed.is_none() && p.active_at(*at)) {
                pause.resumed = Some(Resumed { at: *at, by: by.clone(), reason: reason.clone() });
            }
        }
        Event::ContentProvided { clock, item, text } => {
            facts.provided.entry(clock.clone()).or_default().insert(item.clone(), text.clone());
        }
        Event::ClockAdded { clock, .. } => {
            clocks.retain(|c| c.id != clock.id);
            clocks.push((**clock).clone());
        }
        Event::ClockDropped { clock, .. } => clocks.retain(|c| c.id != *clock),
        Event::DrillConfigured { .. } => return true,
        _ => return false,
    }
    true
}
