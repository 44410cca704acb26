//! Runbook health from history: when each runbook was last reviewed, drilled and really used,
//! what is overdue, which steps were skipped, re-done or failed in recent drills and incidents
//! (with the reasons given), alerts that no trigger matches, and when each responder last
//! drilled each role. Drills and real incidents are counted apart.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;

use crate::domain::decide::NOT_IN_MICRO_DRILL;
use crate::domain::incident::{Incident, StepStatus};
use crate::domain::placeholder::time;
use crate::domain::runbook::Runbook;

/// How many recent drills and incidents of a runbook step health looks at.
pub const RECENT: usize = 5;
/// A role not drilled for this long is flagged for its responder.
pub const ROLE_STALE_DAYS: i64 = 180;

#[derive(Serialize)]
pub struct RunbookHealth {
    pub id: String,
    pub title: String,
    pub last_reviewed: NaiveDate,
    pub review_due: NaiveDate,
    pub review_overdue: bool,
    pub last_drill: Option<String>,
    pub drill_due: String,
    pub drill_overdue: bool,
    pub last_real_use: Option<String>,
    pub drills: usize,
    pub real_incidents: usize,
    pub steps: Vec<StepHealth>,
}

/// A step that did not go as written in a recent drill or incident.
#[derive(Serialize)]
pub struct StepHealth {
    pub step: String,
    pub skipped: usize,
    pub reopened: usize,
    pub failed_actions: usize,
    pub forced: usize,
    /// What responders said: skip reasons and failed actions, with where.
    pub reasons: Vec<String>,
}

#[derive(Serialize)]
pub struct CoverageGap {
    pub alertname: String,
    pub seen: usize,
    pub last_seen: String,
}

#[derive(Serialize)]
pub struct RolePractice {
    pub responder: String,
    pub role: String,
    pub last_drilled: String,
    pub stale: bool,
}

/// Health of every runbook, oldest history first in `incidents`.
pub fn runbooks(runbooks: &[Runbook], incidents: &[Incident], now: DateTime<Utc>) -> Vec<RunbookHealth> {
    runbooks.iter().map(|runbook| one(runbook, incidents, now)).collect()
}

fn one(runbook: &Runbook, incidents: &[Incident], now: DateTime<Utc>) -> RunbookHealth {
    let of_runbook: Vec<&Incident> = incidents.iter().filter(|i| i.runbook.id == runbook.id).collect();
    let drills: Vec<&Incident> = of_runbook.iter().copied().filter(|i| i.drill).collect();
    let real: Vec<&Incident> = of_runbook.iter().copied().filter(|i| !i.drill).collect();
    let review_due = runbook.last_reviewed + Duration::seconds(seconds(runbook.review_every.seconds()));
    let last_drill = drills.iter().map(|i| i.declared_at).max();
    let drill_base =
        last_drill.unwrap_or_else(|| runbook.last_reviewed.and_hms_opt(0, 0, 0).map_or(now, |d| d.and_utc()));
    let drill_due = drill_base + Duration::seconds(seconds(runbook.drill_every.seconds()));
    let mut recent: Vec<&Incident> = of_runbook.clone();
    recent.sort_by_key(|i| std::cmp::Reverse(i.declared_at));
    recent.truncate(RECENT);
    RunbookHealth {
        id: runbook.id.clone(),
        title: runbook.title.clone(),
        last_reviewed: runbook.last_reviewed,
        review_due,
        review_overdue: review_due < now.date_naive(),
        last_drill: last_drill.map(time),
        drill_due: time(drill_due),
        drill_overdue: last_drill.is_none() || drill_due < now,
        last_real_use: real.iter().map(|i| i.declared_at).max().map(time),
        drills: drills.len(),
        real_incidents: real.len(),
        steps: step_health(runbook, &recent),
    }
}

fn step_health(runbook: &Runbook, recent: &[&Incident]) -> Vec<StepHealth> {
    let mut found = Vec::new();
    for (_, step) in runbook.steps() {
        let mut health = StepHealth {
            step: step.id.clone(),
            skipped: 0,
            reopened: 0,
            failed_actions: 0,
            forced: 0,
            reasons: Vec::new(),
        };
        for incident in recent {
            let kind = if incident.drill { "drill" } else { "incident" };
            let Some(state) = incident.runbook.step_index(&step.id).and_then(|i| incident.steps.get(i)) else {
                continue;
            };
            if state.status == StepStatus::Skipped && state.comment.as_deref() != Some(NOT_IN_MICRO_DRILL) {
                health.skipped += 1;
                health.reasons.push(format!(
                    "{kind} {}: skipped: {}",
                    incident.id,
                    state.comment.clone().unwrap_or_default()
                ));
            }
            if state.reopened > 0 {
                health.reopened += state.reopened as usize;
                health.reasons.push(format!("{kind} {}: re-done {}×", incident.id, state.reopened));
            }
            if state.forced {
                health.forced += 1;
                health.reasons.push(format!("{kind} {}: ticked past open dependencies", incident.id));
            }
            for run in incident.containment.runs.iter().filter(|r| r.step == step.id) {
                if !run.outcome.as_ref().is_some_and(crate::domain::actions::ActionOutcome::succeeded) {
                    health.failed_actions += 1;
                    health.reasons.push(format!("{kind} {}: action failed (#{})", incident.id, run.started_seq));
                }
            }
        }
        if health.skipped + health.reopened + health.failed_actions + health.forced > 0 {
            found.push(health);
        }
    }
    found
}

/// Alert names seen (on incidents and in the inbox) that `routes` says no trigger matches.
pub fn coverage(seen: impl IntoIterator<Item = (String, DateTime<Utc>, bool)>) -> Vec<CoverageGap> {
    let mut gaps: BTreeMap<String, (usize, DateTime<Utc>)> = BTreeMap::new();
    for (name, at, routed) in seen {
        if routed {
            continue;
        }
        let entry = gaps.entry(name).or_insert((0, at));
        entry.0 += 1;
        entry.1 = entry.1.max(at);
    }
    gaps.into_iter().map(|(alertname, (seen, last))| CoverageGap { alertname, seen, last_seen: time(last) }).collect()
}

/// When each responder last held each role in a drill.
pub fn role_practice(incidents: &[Incident], now: DateTime<Utc>) -> Vec<RolePractice> {
    let mut last: BTreeMap<(String, String), DateTime<Utc>> = BTreeMap::new();
    for incident in incidents.iter().filter(|i| i.drill) {
        for (role, name) in &incident.roles {
            let at = last.entry((name.clone(), role.clone())).or_insert(incident.declared_at);
            *at = (*at).max(incident.declared_at);
        }
    }
    last.into_iter()
        .map(|((responder, role), at)| RolePractice {
            responder,
            role,
            last_drilled: time(at),
            stale: now - at > Duration::days(ROLE_STALE_DAYS),
        })
        .collect()
}

fn seconds(s: u64) -> i64 {
    i64::try_from(s).unwrap_or(i64::MAX / 4)
}
