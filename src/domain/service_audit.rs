//! Machines sign as themselves and do only a machine's work, checked again from a log: a
//! principal that records anything as a service (the alert listener) records nothing else in
//! that log. Whoever holds a service's key could otherwise approve or tick in its name, a
//! second "person" that is no one.

use std::collections::BTreeMap;

use super::event::{Envelope, Event};

#[derive(Default)]
pub struct ServiceAudit {
    /// Each service principal and the first line it recorded as a service.
    services: BTreeMap<String, u64>,
    /// Lines only a responder records, by actor: seq and kind.
    by_hand: BTreeMap<String, Vec<(u64, &'static str)>>,
}

impl ServiceAudit {
    pub fn event(&mut self, envelope: &Envelope) {
        let name = &envelope.actor.name;
        if envelope.actor.service {
            self.services.entry(name.clone()).or_insert(envelope.seq);
        }
        if !is_machine_work(&envelope.event) {
            let line = (envelope.seq, envelope.event.kind());
            match self.by_hand.get_mut(name) {
                Some(lines) => lines.push(line),
                None => {
                    self.by_hand.insert(name.clone(), vec![line]);
                }
            }
        }
    }

    /// Each line a service principal recorded that only a responder records, with why.
    pub fn breaches(self) -> Vec<(u64, String)> {
        let mut breaches: Vec<(u64, String)> = self
            .by_hand
            .into_iter()
            .filter_map(|(name, lines)| Some((self.services.get(&name)?.to_owned(), name, lines)))
            .flat_map(|(first, name, lines)| {
                let shown = super::sanitize::line(&name).into_owned();
                lines.into_iter().map(move |(seq, kind)| {
                    (seq, format!("{shown} records as a service (from seq {first}); a service never records {kind}"))
                })
            })
            .collect();
        breaches.sort_by_key(|(seq, _)| *seq);
        breaches
    }
}

/// What services record: the listener's alerts, the incidents they open and the awareness they
/// imply; the outbox's pages and deliveries; the recovery any writer makes.
pub fn is_machine_work(event: &Event) -> bool {
    match event {
        Event::AlertReceived { attached, .. } => !*attached,
        Event::AlertUnrouted { .. }
        | Event::TornTailQuarantined { .. }
        | Event::MessageQueued { .. }
        | Event::DeliveryFailed { .. }
        | Event::MessageDelivered { .. }
        | Event::MessageWithdrawn { .. } => true,
        Event::PageAcknowledged { answered_by, .. } => answered_by.is_some(),
        Event::Declared { from_alert, .. } => *from_alert,
        Event::DecisionRecorded { auto, .. } => *auto,
        _ => false,
    }
}
