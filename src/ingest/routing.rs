//! Which runbook an alert belongs to. A trigger matches when all its matchers do. When several
//! match, the most specific wins (the most matchers), then the higher severity (earlier in the
//! runbook's levels), then the runbook id in alphabetical order. No match: the unrouted inbox.

use crate::catalog::triggers::{self, Rule};
use crate::domain::alert::Alert;
use crate::domain::runbook::Runbook;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub runbook: String,
    pub severity: String,
}

pub struct Router {
    rules: Vec<Rule>,
}

impl Router {
    /// Rules from every runbook's triggers (lint has checked them; a bad matcher is skipped).
    pub fn new(runbooks: &[Runbook]) -> Self {
        Self { rules: triggers::rules(runbooks) }
    }

    pub fn route(&self, alert: &Alert) -> Option<Route> {
        self.rules
            .iter()
            .filter(|rule| rule.matches(|label| alert.labels.get(label).cloned()))
            .min_by(|a, b| triggers::precedence(a, b))
            .map(|rule| Route { runbook: rule.runbook.clone(), severity: rule.severity.clone() })
    }
}
