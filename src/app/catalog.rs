//! The runbooks and regulatory clocks in effect, as the use cases look them up.

use std::collections::BTreeMap;

use super::AppError;
use crate::domain::clock::ClockDef;
use crate::domain::runbook::Runbook;
use crate::domain::sanitize;
use crate::domain::suggest::did_you_mean;

#[derive(Clone, Copy)]
pub struct Catalog<'a> {
    pub runbooks: &'a [Runbook],
    pub clocks: &'a [ClockDef],
    /// Where the runbooks come from, for messages ("the workspace's runbooks/").
    pub origin: &'a str,
    /// Whether some runbook or clock files have errors (then a missing id may be one of them).
    pub runbooks_broken: bool,
    /// Clocks left out for errors in their catalog file: id → file.
    pub unusable_clocks: &'a BTreeMap<String, String>,
}

const NONE_UNUSABLE: &BTreeMap<String, String> = &BTreeMap::new();

impl<'a> Catalog<'a> {
    /// Runbooks and clocks loaded earlier (by a console or listener that checked them then).
    pub const fn of(runbooks: &'a [Runbook], clocks: &'a [ClockDef]) -> Self {
        Self {
            runbooks,
            clocks,
            origin: "the runbooks in effect",
            runbooks_broken: false,
            unusable_clocks: NONE_UNUSABLE,
        }
    }

    pub fn runbook(&self, id: &str) -> Result<&'a Runbook, AppError> {
        if let Some(found) = self.runbooks.iter().find(|r| r.id == id) {
            return Ok(found);
        }
        let known = self.runbooks.iter().map(|r| r.id.as_str());
        let mut hint = did_you_mean(id, known.clone());
        if hint.is_empty() {
            hint = format!(" (runbooks: {})", known.collect::<Vec<_>>().join(", "));
        }
        Err(AppError::refused(format!(
            "no runbook {:?} in {}{hint}{}",
            sanitize::line(id),
            self.origin,
            if self.runbooks_broken { " (some runbooks there have errors: run `warroom lint`)" } else { "" }
        )))
    }

    pub fn clock(&self, id: &str) -> Result<&'a ClockDef, AppError> {
        if let Some(found) = self.clocks.iter().find(|c| c.id == id) {
            return Ok(found);
        }
        if let Some(file) = self.unusable_clocks.get(id) {
            return Err(AppError::refused(format!(
                "clock {:?} cannot be used: its catalog file {} has errors (run `warroom lint`)",
                sanitize::line(id),
                sanitize::line(file)
            )));
        }
        let hint = did_you_mean(id, self.clocks.iter().map(|c| c.id.as_str()));
        Err(AppError::refused(format!("no clock {:?} in the catalog{hint}", sanitize::line(id))))
    }

    /// The catalog clocks a runbook starts. One missing is refused: an incident must never
    /// silently lack a legal duty its runbook names.
    pub fn clocks_of(&self, runbook: &Runbook) -> Result<Vec<ClockDef>, AppError> {
        runbook.clocks.iter().map(|id| self.clock(id).cloned()).collect()
    }
}
