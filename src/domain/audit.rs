//! The two-person rule checked again from a log, after the fact: every run or tick of a step
//! under the rule must rest on a second responder's approval, as `decide` would have insisted.
//! A line written by hand and signed by its own author's key passes every signature check;
//! this is what catches it. Fed every event of the log, in order; it folds only those that
//! bear on approvals.

use super::event::{Envelope, Event};
use super::incident::Incident;
use super::step_gate::needs_two;

#[derive(Default)]
pub struct TwoPersonAudit {
    incident: Option<Incident>,
    /// The step of the run finished on the line just read, and that line's seq: a tick on
    /// success follows it in the same write.
    finished: Option<(String, u64)>,
    pub breaches: Vec<(u64, String)>,
}

impl TwoPersonAudit {
    pub fn event(&mut self, envelope: &Envelope) {
        let Some(incident) = self.incident.as_mut() else {
            self.incident = Incident::declared(envelope);
            return;
        };
        if let Some(why) = breach(incident, envelope, self.finished.as_ref()) {
            self.breaches.push((envelope.seq, why));
        }
        self.finished = match &envelope.event {
            Event::ActionFinished { step, .. } => Some((step.clone(), envelope.seq)),
            _ => None,
        };
        // Only these change what the rule looks at (the approvals and runs); folding the rest
        // would cost a storm's verify its time for nothing.
        if matches!(
            envelope.event,
            Event::ApprovalRequested { .. }
                | Event::ApprovalGranted { .. }
                | Event::ActionStarted { .. }
                | Event::ActionFinished { .. }
                | Event::StepTicked { .. }
        ) {
            incident.apply(envelope);
        }
    }
}

fn breach(incident: &Incident, envelope: &Envelope, finished: Option<&(String, u64)>) -> Option<String> {
    let (step_id, argv, approval) = match &envelope.event {
        Event::ActionStarted { step, argv, approval, undoes: None, .. } => (step, Some(argv.as_slice()), *approval),
        Event::StepTicked { step, .. } => {
            let on_success = finished.is_some_and(|(done, seq)| done == step && seq + 1 == envelope.seq);
            if on_success {
                return None;
            }
            (step, None, None)
        }
        _ => return None,
    };
    let (step, _) = incident.step(step_id)?;
    if !needs_two(incident, step) {
        return None;
    }
    let shown = super::sanitize::line(step_id);
    let usable = incident.containment.approvals.iter().rev().find(|a| {
        a.step == *step_id && approval.is_none_or(|seq| a.requested_seq == seq) && a.usable(argv, envelope.at)
    });
    match usable {
        None => Some(format!(
            "{shown} is under the two-person rule, and no usable approval by a second responder precedes it"
        )),
        Some(a) if a.granted_by.as_deref().is_some_and(|by| by.to_lowercase() == a.requested_by.to_lowercase()) => {
            Some(format!("{shown} rests on approval #{} granted by the one who asked for it", a.requested_seq))
        }
        Some(_) => None,
    }
}
