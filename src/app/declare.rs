//! Declaring an incident: from a runbook (CLI, console, `:` line, the demo), from an unrouted
//! alert, or as a drill. Alerts that open incidents by themselves go through `ingest`.

use chrono::{DateTime, Utc};

use super::{App, AppError};
use crate::domain::Command;
use crate::ingest::drill::DrillPlan;

/// What a responder asks for when declaring from a runbook.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Declaration {
    pub runbook: String,
    pub severity: Option<String>,
    pub title: Option<String>,
    pub aware_at: Option<DateTime<Utc>>,
    pub drill: bool,
    /// The member state its EU clocks follow, instead of the workspace's.
    pub member_state: Option<String>,
    /// Alert labels stated with the declaration, for actions no alert brings them to.
    pub labels: Vec<(String, String)>,
}

/// Declares the incident and, in the same group commit, `then` (the demo's first steps).
/// Returns its id once durable.
pub fn declare(app: &App, declaration: Declaration, then: Vec<Command>) -> Result<String, AppError> {
    let runbook = app.catalog.runbook(&declaration.runbook)?;
    let mut clocks = app.catalog.clocks_of(runbook)?;
    if let Some(code) = &declaration.member_state {
        let parties = super::bundle::workspace_parties(app.dir).unwrap_or_default();
        let jurisdiction = crate::catalog::member_states::Jurisdiction::of(&parties, Some(code));
        let jurisdiction = jurisdiction.map_err(AppError::refused)?;
        for def in &mut clocks {
            jurisdiction.apply(def, app.now().date_naive());
        }
    }
    let command = |id: String| Command::Declare {
        id,
        runbook: Box::new(runbook.clone()),
        clocks: clocks.clone(),
        severity: declaration.severity.clone(),
        title: declaration.title.clone(),
        aware_at: declaration.aware_at,
        drill: declaration.drill,
        from_alert: None,
    };
    let stated =
        declaration.labels.iter().map(|(label, value)| Command::Label { label: label.clone(), value: value.clone() });
    let then: Vec<Command> = stated.chain(then).collect();
    let (id, outcomes) = app.store.declare_all(app.actor, app.now(), &command, then)?;
    for outcome in outcomes {
        outcome?;
    }
    Ok(id)
}

/// An incident on `runbook` from the unrouted alert `key`, as if a trigger had routed it.
pub fn from_unrouted(
    app: &App,
    key: &str,
    runbook: &str,
    chosen: (Option<String>, Option<String>),
) -> Result<String, AppError> {
    app.catalog.runbook(runbook)?;
    Ok(app.with_intake(|intake| intake.declare_unrouted(key, runbook, chosen, app.actor, app.now()))?)
}

/// A drill incident: its sample alert, clocks running `speed` times faster.
pub fn drill(app: &App, plan: DrillPlan) -> Result<String, AppError> {
    app.catalog.runbook(&plan.runbook)?;
    Ok(app.with_intake(|intake| intake.drill(plan, app.actor, app.now()))?)
}

/// Records the unrouted alert `key` on `incident`, already open; returns the incident's id.
pub fn attach_unrouted(app: &App, key: &str, incident: &str) -> Result<String, AppError> {
    Ok(app.with_intake(|intake| intake.attach_unrouted(key, incident, app.actor, app.now()))?)
}

/// Dismisses an unrouted alert, with the reason.
pub fn dismiss_unrouted(app: &App, key: &str, reason: String) -> Result<(), AppError> {
    app.store.inbox_transact(app.actor, app.now(), |inbox| Ok(vec![inbox.dismiss(key, reason)?]))?;
    Ok(())
}
