//! Who a log has seen record as a service and who by hand.

use crate::domain::event::Envelope;
use crate::domain::service_audit::is_machine_work;

/// The names a log has seen record as a service, and by hand: `verify` flags a name used as
/// both, so the writer refuses it first.
#[derive(Default)]
pub struct Principals {
    services: std::collections::HashSet<String>,
    by_hand: std::collections::HashSet<String>,
}

impl Principals {
    pub fn by_hand(&self, name: &str) -> bool {
        self.by_hand.contains(name)
    }

    pub fn service(&self, name: &str) -> bool {
        self.services.contains(name)
    }

    pub fn saw(&mut self, line: &Envelope) {
        let name = &line.actor.name;
        if line.actor.service && !self.services.contains(name) {
            self.services.insert(name.clone());
        }
        if !is_machine_work(&line.event) && !self.by_hand.contains(name) {
            self.by_hand.insert(name.clone());
        }
    }
}
