//! Where an alert lands. An alert already on an open incident (same key) is recorded there; a
//! routed alert joins the open incident of its runbook that alerts opened within the grouping
//! window, or opens one (its clocks start with `aware` auto-recorded at the alert's start);
//! anything else goes to the unrouted inbox. An exact repeat (a retry) is acknowledged and not
//! stored again. A resolved alert is recorded but never closes anything.
//!
//! Alerts are taken in batches: each batch is planned on the open incidents as they stand, then
//! written with one write and one `sync_data` per log it touches (group commit).

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use crate::domain::alert::{Alert, Status};
use crate::domain::clock::ClockDef;
use crate::domain::command::Command;
use crate::domain::event::{Actor, Envelope, Event};
use crate::domain::inbox::same_delivery;
use crate::domain::incident::{Incident, IncidentState};
use crate::domain::refusal::Refusal;
use crate::domain::runbook::Runbook;
use crate::domain::suggest::did_you_mean;
use crate::ingest::routing::Router;
use crate::store::{Store, StoreError};

/// Alerts for a runbook join its newest alert-opened incident this long after it was declared:
/// the rate guard that keeps a storm to one incident per runbook per window.
pub const GROUPING_WINDOW_MINUTES: i64 = 60;

/// How many times a batch is planned again when an incident closed under it.
const REPLANS: usize = 3;

#[derive(Clone, Debug, PartialEq, Eq)]
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

/// Where one alert of a batch goes.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Target {
    Incident(String),
    /// A new incident on this runbook, at this severity (the first routed alert's).
    New {
        runbook: String,
        severity: String,
    },
    Inbox,
}

pub struct Intake<'a> {
    pub store: &'a dyn Store,
    pub router: &'a Router,
    pub runbooks: &'a [Runbook],
    pub clocks: &'a [ClockDef],
}

impl Intake<'_> {
    pub fn take(&self, alert: Alert, actor: &Actor, now: DateTime<Utc>) -> Result<Landed, StoreError> {
        let mut landed = self.take_all(vec![alert], actor, now)?;
        landed.pop().ok_or_else(|| StoreError::Export("the alert was not landed".into()))
    }

    /// Lands every alert, in order; returns once everything it stored is durable.
    pub fn take_all(&self, alerts: Vec<Alert>, actor: &Actor, now: DateTime<Utc>) -> Result<Vec<Landed>, StoreError> {
        let mut landed: Vec<Option<Landed>> = alerts.iter().map(|_| None).collect();
        let mut waiting: Vec<(usize, Alert)> = alerts.into_iter().enumerate().collect();
        let mut refusal = None;
        for _ in 0..REPLANS {
            if waiting.is_empty() {
                return Ok(landed.into_iter().flatten().collect());
            }
            let targets = self
                .store
                .with_open(|open| plan(waiting.iter().map(|(_, a)| a), open, self.router, self.runbooks, now))?;
            let refused = self.land(waiting, targets, &mut landed, actor, now)?;
            waiting = Vec::with_capacity(refused.len());
            for (index, alert, why) in refused {
                waiting.push((index, alert));
                refusal = Some(why);
            }
        }
        match refusal {
            Some(why) if !waiting.is_empty() => Err(why),
            _ => Ok(landed.into_iter().flatten().collect()),
        }
    }

    /// Writes each target's alerts as one group commit. Returns the alerts an incident refused
    /// (it closed since the plan), with why, to be planned again.
    fn land(
        &self,
        alerts: Vec<(usize, Alert)>,
        targets: Vec<Target>,
        landed: &mut [Option<Landed>],
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Vec<(usize, Alert, StoreError)>, StoreError> {
        let mut groups: Vec<(Target, Vec<(usize, Alert)>)> = Vec::new();
        for (item, target) in alerts.into_iter().zip(targets) {
            match groups.iter_mut().find(|(t, _)| *t == target) {
                Some((_, members)) => members.push(item),
                None => groups.push((target, vec![item])),
            }
        }
        let mut refused = Vec::new();
        for (target, members) in groups {
            let (indexes, alerts): (Vec<usize>, Vec<Alert>) = members.into_iter().unzip();
            let outcomes = match &target {
                Target::Incident(id) => self.record(id, alerts.clone(), actor, now)?,
                Target::New { runbook, severity } => {
                    self.open((runbook, severity, None), alerts.clone(), Vec::new(), actor, now)?
                }
                Target::Inbox => self.unrouted(&alerts, actor, now)?,
            };
            for ((index, alert), outcome) in indexes.into_iter().zip(alerts).zip(outcomes) {
                match outcome {
                    Ok(outcome) => landed[index] = Some(outcome),
                    Err(why) => refused.push((index, alert, why)),
                }
            }
        }
        Ok(refused)
    }

    /// A responder's call on an unrouted alert: an incident on `runbook` (its default severity),
    /// declared from the alert as if a trigger had routed it, then the inbox item marked; the
    /// responder takes command.
    pub fn declare_unrouted(
        &self,
        key: &str,
        runbook: &str,
        (severity, title): (Option<String>, Option<String>),
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        let alert = self.store.inbox()?.waiting(key)?.alert.clone();
        let Some(found) = self.runbooks.iter().find(|r| r.id == runbook) else {
            let known = self.runbooks.iter().map(|r| r.id.as_str());
            let mut hint = did_you_mean(runbook, known.clone());
            if hint.is_empty() {
                hint = format!(" (runbooks: {})", known.collect::<Vec<_>>().join(", "));
            }
            return Err(StoreError::Refused(Refusal::UnknownRunbook { runbook: runbook.to_owned(), hint }));
        };
        self.clocks_of(found)?;
        let severity = severity.unwrap_or_else(|| found.severity.default.clone());
        let title = title.filter(|t| !t.trim().is_empty());
        // A responder who declares takes command in the same write: no process pages the
        // commander's rotation in between.
        let command = (!actor.service)
            .then(|| Command::Assign { role: "commander".to_owned(), name: actor.name.clone() })
            .into_iter()
            .collect();
        let opened = self.open((runbook, &severity, title), vec![alert], command, actor, now)?;
        let Some(Ok(Landed::Opened(id))) = opened.into_iter().next() else {
            return Err(StoreError::Refused(Refusal::UnknownUnrouted(key.to_owned())));
        };
        self.store.inbox_transact(actor, now, |inbox| {
            inbox.waiting(key)?;
            Ok(vec![Event::UnroutedDeclared { key: key.to_owned(), incident: id.clone() }])
        })?;
        Ok(id)
    }

    /// A responder's call on an unrouted alert: it belongs to `incident`, already open. It is
    /// recorded there as attached by the responder (later deliveries land there too), then the
    /// inbox item is marked. Run again after a crash between the two, it only marks the item.
    pub fn attach_unrouted(
        &self,
        key: &str,
        incident: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        let alert = self.store.inbox()?.waiting(key)?.alert.clone();
        let id = self.store.resolve_id(incident)?;
        let command = Command::Alert { alert: Box::new(alert), attached: true };
        match self.store.execute(&id, actor, now, command) {
            Ok(_) | Err(StoreError::Refused(Refusal::RepeatAlert(_))) => {}
            Err(other) => return Err(other),
        }
        self.store.inbox_transact(actor, now, |inbox| {
            inbox.waiting(key)?;
            Ok(vec![Event::UnroutedAttached { key: key.to_owned(), incident: id.clone() }])
        })?;
        Ok(id)
    }

    /// The declaration of an incident on `runbook` from `alert` (its clocks from the catalog,
    /// `aware` auto-recorded at the alert's start), for the id the store allocates.
    pub(super) fn declaration<'r>(
        &'r self,
        runbook: &'r Runbook,
        severity: String,
        title: String,
        drill: bool,
        alert: Alert,
    ) -> Result<impl Fn(String) -> Command + 'r, Refusal> {
        let clocks = self.clocks_of(runbook)?;
        Ok(move |id| Command::Declare {
            id,
            runbook: Box::new(runbook.clone()),
            clocks: clocks.clone(),
            severity: Some(severity.clone()),
            title: Some(title.clone()),
            aware_at: None,
            drill,
            from_alert: Some(Box::new(alert.clone())),
        })
    }

    /// The catalog clocks `runbook` starts; one missing is refused, never left out.
    fn clocks_of(&self, runbook: &Runbook) -> Result<Vec<ClockDef>, Refusal> {
        runbook
            .clocks
            .iter()
            .map(|c| {
                self.clocks
                    .iter()
                    .find(|d| d.id == *c)
                    .cloned()
                    .ok_or_else(|| Refusal::ClockNotInCatalog { runbook: runbook.id.clone(), clock: c.clone() })
            })
            .collect()
    }

    fn record(
        &self,
        incident: &str,
        alerts: Vec<Alert>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Vec<Outcome>, StoreError> {
        let commands =
            alerts.into_iter().map(|alert| Command::Alert { alert: Box::new(alert), attached: false }).collect();
        let (_, outcomes) = self.store.execute_all(incident, actor, now, commands)?;
        Ok(outcomes.into_iter().map(|outcome| joined(incident, outcome)).collect())
    }

    /// Opens an incident on `runbook` at `severity` from `alerts`, titled `title` or else with
    /// the first alert's summary.
    fn open(
        &self,
        (runbook, severity, title): (&str, &str, Option<String>),
        mut alerts: Vec<Alert>,
        then: Vec<Command>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Vec<Outcome>, StoreError> {
        let Some(runbook) = self.runbooks.iter().find(|r| r.id == runbook) else {
            return self.unrouted(&alerts, actor, now);
        };
        let first = alerts[0].clone();
        let title =
            title.unwrap_or_else(|| first.summary().map_or_else(|| format!("{} alert", first.name()), str::to_owned));
        let Ok(declare) = self.declaration(runbook, severity.to_owned(), title, false, first) else {
            // A runbook whose clock the catalog lacks never opens an incident without that duty:
            // its alerts wait in the inbox, where declaring from them says why.
            return self.unrouted(&alerts, actor, now);
        };
        alerts.remove(0);
        let more = alerts.into_iter().map(|alert| Command::Alert { alert: Box::new(alert), attached: false });
        let (id, outcomes) = self.store.declare_all(actor, now, &declare, more.chain(then).collect())?;
        let mut outcomes = outcomes.into_iter();
        outcomes.next().unwrap_or(Ok(Vec::new()))?;
        Ok(std::iter::once(Ok(Landed::Opened(id.clone()))).chain(outcomes.map(|o| joined(&id, o))).collect())
    }

    fn unrouted(&self, alerts: &[Alert], actor: &Actor, now: DateTime<Utc>) -> Result<Vec<Outcome>, StoreError> {
        let mut landed = Vec::with_capacity(alerts.len());
        self.store.inbox_transact(actor, now, |inbox| {
            let mut batch: HashMap<&str, &Alert> = HashMap::new();
            let mut events = Vec::new();
            for alert in alerts {
                let before = batch.get(alert.key.as_str()).copied();
                let repeat = before.map_or_else(|| inbox.is_repeat(alert), |b| same_delivery(b, alert));
                batch.insert(&alert.key, alert);
                if repeat {
                    landed.push(Ok(Landed::Repeat("the inbox".to_owned())));
                } else {
                    landed.push(Ok(Landed::Unrouted));
                    events.push(Event::AlertUnrouted { alert: Box::new(alert.clone()) });
                }
            }
            Ok(events)
        })?;
        Ok(landed)
    }
}

/// Where an alert landed, or why its incident refused it (it is then planned again).
type Outcome = Result<Landed, StoreError>;

/// An alert command's outcome on `incident`: stored, a repeat, or refused.
fn joined(incident: &str, outcome: Result<Vec<Envelope>, StoreError>) -> Outcome {
    match outcome {
        Ok(_) => Ok(Landed::Joined(incident.to_owned())),
        Err(StoreError::Refused(Refusal::RepeatAlert(_))) => Ok(Landed::Repeat(incident.to_owned())),
        Err(other) => Err(other),
    }
}

/// Where each alert goes, on the open incidents as they stand: alerts of one key stay together,
/// and a batch's routed alerts for one runbook open at most one incident. A real alert never
/// joins a drill: a drill's incident looks like a real one of its runbook, and the production
/// alert would be practised on, and closed with the drill.
/// The incident that already holds `alert` takes it, unless it is over (resolved or closed) and
/// this is the alert firing anew: an incident that is over hears its alerts repeat or end, and
/// a recurrence opens a new one, which pages (joined to a resolved one, it paged nobody).
fn hears(incident: &Incident, alert: &Alert) -> bool {
    match incident.alerts.get(&alert.key) {
        None => false,
        Some(_) if incident.state == IncidentState::Active => true,
        Some(track) => alert.status != Status::Firing || same_delivery(&track.alert, alert),
    }
}

fn plan<'a>(
    alerts: impl Iterator<Item = &'a Alert>,
    open: &[&Incident],
    router: &Router,
    runbooks: &[Runbook],
    now: DateTime<Utc>,
) -> Vec<Target> {
    let window = Duration::minutes(GROUPING_WINDOW_MINUTES);
    let mut by_key: HashMap<&str, Target> = HashMap::new();
    let mut opening: HashMap<(String, Vec<String>), Target> = HashMap::new();
    alerts
        .map(|alert| {
            if let Some(target) = by_key.get(alert.key.as_str()) {
                return target.clone();
            }
            let target = if let Some(holder) = open.iter().find(|i| hears(i, alert)) {
                Target::Incident(holder.id.clone())
            } else {
                match router
                    .route(alert)
                    .filter(|r| alert.status == Status::Firing && runbooks.iter().any(|b| b.id == r.runbook))
                {
                    None => Target::Inbox,
                    Some(route) => {
                        let group_by = runbooks.iter().find(|b| b.id == route.runbook).map_or(&[][..], |b| &b.group_by);
                        let group = group_values(alert, group_by);
                        open.iter()
                            .filter(|i| {
                                i.state == IncidentState::Active
                                    && !i.drill
                                    && i.runbook.id == route.runbook
                                    && now - i.declared_at < window
                                    && first_alert(i).is_some_and(|first| group_values(first, group_by) == group)
                            })
                            .max_by_key(|i| i.declared_at)
                            .map_or_else(
                                || {
                                    opening
                                        .entry((route.runbook.clone(), group))
                                        .or_insert(Target::New { runbook: route.runbook, severity: route.severity })
                                        .clone()
                                },
                                |group| Target::Incident(group.id.clone()),
                            )
                    }
                }
            };
            by_key.insert(&alert.key, target.clone());
            target
        })
        .collect()
}

/// The alert that opened an incident (the first seen).
fn first_alert(incident: &Incident) -> Option<&Alert> {
    incident.alerts.values().min_by_key(|t| (t.first_seen, &t.alert.key)).map(|t| &t.alert)
}

/// An alert's values of the labels its runbook groups by (a missing label counts as empty).
fn group_values(alert: &Alert, group_by: &[String]) -> Vec<String> {
    group_by.iter().map(|label| alert.labels.get(label).cloned().unwrap_or_default()).collect()
}
