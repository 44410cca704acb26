//! Starting a drill: a drill incident declared from its sample alert, its clocks running
//! `speed` times faster, and for a micro-drill the steps not practised skipped.

use chrono::{DateTime, Utc};

use super::intake::Intake;
use crate::domain::command::Command;
use crate::domain::event::Actor;
use crate::domain::refusal::Refusal;
use crate::domain::suggest::did_you_mean;
use crate::ingest::drill::{DrillPlan, pick_steps, sample_alert};
use crate::store::StoreError;

impl Intake<'_> {
    /// Declares the drill and returns its id, once durable.
    pub fn drill(&self, plan: DrillPlan, actor: &Actor, now: DateTime<Utc>) -> Result<String, StoreError> {
        let Some(runbook) = self.runbooks.iter().find(|r| r.id == plan.runbook) else {
            let hint = did_you_mean(&plan.runbook, self.runbooks.iter().map(|r| r.id.as_str()));
            return Err(StoreError::Refused(Refusal::UnknownRunbook { runbook: plan.runbook, hint }));
        };
        let alert = plan.alert.unwrap_or_else(|| sample_alert(runbook, now));
        let severity =
            runbook.triggers.first().map_or_else(|| runbook.severity.default.clone(), |t| t.severity.clone());
        let declare = self.declaration(runbook, severity, runbook.title.clone(), true, alert)?;
        let focus = plan.micro.map(|n| pick_steps(runbook, n, now));
        let configure = Command::ConfigureDrill { speed: plan.speed, focus };
        let (id, outcomes) = self.store.declare_all(actor, now, &declare, vec![configure])?;
        for outcome in outcomes {
            outcome?;
        }
        Ok(id)
    }
}
