//! Where an alert lands. An alert already on an open incident (same key) is recorded there; a
//! routed alert joins the open incident of its runbook that alerts opened within the grouping
//! window, or opens one (its clocks start with `aware` auto-recorded at the alert's start);
//! anything else goes to the unrouted inbox. An exact repeat (a retry) is acknowledged and not
//! stored again. A resolved alert is recorded but never closes anything.

use chrono::{DateTime, Duration, Utc};

use super::routing::Router;
use crate::domain::alert::{Alert, Status};
use crate::domain::clock::ClockDef;
use crate::domain::command::Command;
use crate::domain::event::{Actor, Event};
use crate::domain::incident::Incident;
use crate::domain::refusal::Refusal;
use crate::domain::runbook::Runbook;
use crate::store::{EventStore, StoreError, Workspace};

/// Alerts for a runbook join its newest alert-opened incident this long after it was declared.
pub const GROUPING_WINDOW_MINUTES: i64 = 60;

#[derive(Debug, PartialEq, Eq)]
pub enum Landed {
    Opened(String),
    Joined(String),
    /// An exact repeat of what is recorded (on an incident, or in the inbox): nothing stored.
    Repeat(String),
    Unrouted,
}

impl std::fmt::Display for Landed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Opened(id) => write!(f, "opened {id}"),
            Self::Joined(id) => write!(f, "recorded on {id}"),
            Self::Repeat(place) => write!(f, "already recorded on {place} (a repeat; not stored again)"),
            Self::Unrouted => write!(f, "no runbook matches: kept in the unrouted inbox"),
        }
    }
}

pub struct Intake<'a> {
    pub workspace: &'a Workspace,
    pub router: &'a Router,
    pub runbooks: &'a [Runbook],
    pub clocks: &'a [ClockDef],
}

impl Intake<'_> {
    pub fn take(&self, alert: Alert, actor: &Actor, now: DateTime<Utc>) -> Result<Landed, StoreError> {
        let open: Vec<Incident> =
            self.workspace.open_incidents()?.into_iter().filter_map(|log| log.into_incident()).collect();
        if let Some(holder) = open.iter().find(|i| i.alerts.contains_key(&alert.key)) {
            return self.record(&holder.id, alert, actor, now);
        }
        let route = self.router.route(&alert).filter(|_| alert.status == Status::Firing);
        let Some(route) = route else { return self.unrouted(alert, actor, now) };
        let window = Duration::minutes(GROUPING_WINDOW_MINUTES);
        let group = open
            .iter()
            .filter(|i| i.runbook.id == route.runbook && !i.alerts.is_empty() && now - i.declared_at < window)
            .max_by_key(|i| i.declared_at);
        if let Some(incident) = group {
            return self.record(&incident.id, alert, actor, now);
        }
        let Some(runbook) = self.runbooks.iter().find(|r| r.id == route.runbook) else {
            return self.unrouted(alert, actor, now);
        };
        let clocks: Vec<ClockDef> =
            runbook.clocks.iter().filter_map(|c| self.clocks.iter().find(|d| d.id == *c).cloned()).collect();
        let title = alert.summary().map_or_else(|| format!("{} alert", alert.name()), str::to_owned);
        let declare = |id: String| Command::Declare {
            id,
            runbook: Box::new(runbook.clone()),
            clocks: clocks.clone(),
            severity: Some(route.severity.clone()),
            title: Some(title.clone()),
            aware_at: None,
            drill: false,
            from_alert: Some(Box::new(alert.clone())),
        };
        self.workspace.declare(actor, now, &declare).map(Landed::Opened)
    }

    fn record(&self, incident: &str, alert: Alert, actor: &Actor, now: DateTime<Utc>) -> Result<Landed, StoreError> {
        match self.workspace.execute(incident, actor, now, Command::Alert { alert: Box::new(alert) }) {
            Ok(_) => Ok(Landed::Joined(incident.to_owned())),
            Err(StoreError::Refused(Refusal::RepeatAlert(_))) => Ok(Landed::Repeat(incident.to_owned())),
            Err(e) => Err(e),
        }
    }

    fn unrouted(&self, alert: Alert, actor: &Actor, now: DateTime<Utc>) -> Result<Landed, StoreError> {
        let mut repeat = false;
        self.workspace.inbox_transact(actor, now, |inbox| {
            repeat = inbox.is_repeat(&alert);
            Ok(if repeat { Vec::new() } else { vec![Event::AlertUnrouted { alert: Box::new(alert) }] })
        })?;
        Ok(if repeat { Landed::Repeat("the inbox".to_owned()) } else { Landed::Unrouted })
    }
}
