//! Which runbook an alert belongs to. A trigger matches when all its matchers do. When several
//! match, the most specific wins (the most matchers), then the higher severity (earlier in the
//! runbook's levels), then the runbook id in alphabetical order. No match: the unrouted inbox.

use crate::catalog::matcher::{self, Matcher};
use crate::domain::alert::Alert;
use crate::domain::runbook::Runbook;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub runbook: String,
    pub severity: String,
}

struct Rule {
    runbook: String,
    severity: String,
    severity_rank: usize,
    matchers: Vec<Matcher>,
}

pub struct Router {
    rules: Vec<Rule>,
}

impl Router {
    /// Rules from every runbook's triggers (lint has checked them; a bad matcher is skipped).
    pub fn new(runbooks: &[Runbook]) -> Self {
        let mut rules = Vec::new();
        for runbook in runbooks {
            for trigger in &runbook.triggers {
                let Ok(matchers) = trigger.matchers.iter().map(|m| matcher::parse(m)).collect::<Result<Vec<_>, _>>()
                else {
                    continue;
                };
                let severity_rank =
                    runbook.severity.levels.iter().position(|l| l.id == trigger.severity).unwrap_or(usize::MAX);
                rules.push(Rule {
                    runbook: runbook.id.clone(),
                    severity: trigger.severity.clone(),
                    severity_rank,
                    matchers,
                });
            }
        }
        Self { rules }
    }

    pub fn route(&self, alert: &Alert) -> Option<Route> {
        self.rules
            .iter()
            .filter(|rule| rule.matchers.iter().all(|m| m.matches(alert.labels.get(&m.label).map(String::as_str))))
            .min_by(|a, b| {
                b.matchers
                    .len()
                    .cmp(&a.matchers.len())
                    .then(a.severity_rank.cmp(&b.severity_rank))
                    .then(a.runbook.cmp(&b.runbook))
            })
            .map(|rule| Route { runbook: rule.runbook.clone(), severity: rule.severity.clone() })
    }
}
