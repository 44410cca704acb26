//! The drill report: how long each step took (wall time and drill time), what was skipped or
//! failed and why, how the clocks came out at drill speed, and who took part in which role.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::markdown::{cell, table, text};
use crate::domain::decide::NOT_IN_MICRO_DRILL;
use crate::domain::incident::{Incident, StepStatus};
use crate::domain::placeholder::{responders, time};

#[derive(Serialize)]
pub struct DrillReport {
    pub incident: String,
    pub runbook: String,
    pub runbook_version: String,
    pub declared_at: String,
    pub state: &'static str,
    pub speed: u32,
    pub micro: bool,
    pub steps: Vec<StepResult>,
    pub failed_actions: Vec<FailedAction>,
    pub clocks: Vec<ClockResult>,
    pub roles: Vec<(String, String)>,
    pub participants: Vec<String>,
}

#[derive(Serialize)]
pub struct StepResult {
    pub id: String,
    pub state: &'static str,
    pub by: Option<String>,
    /// Wall-clock seconds from the declaration to the tick or skip.
    pub wall_seconds: Option<i64>,
    /// The same in drill time (wall time × speed), as the regulatory clocks saw it.
    pub drill_seconds: Option<i64>,
    pub reason: Option<String>,
    pub reopened: u32,
    pub forced: bool,
}

#[derive(Serialize)]
pub struct FailedAction {
    pub step: String,
    pub started_seq: u64,
    pub result: String,
}

#[derive(Serialize)]
pub struct ClockResult {
    pub id: String,
    pub state: &'static str,
    pub due_at: Option<String>,
    pub submitted_at: Option<String>,
}

pub fn report(incident: &Incident, now: DateTime<Utc>) -> DrillReport {
    let speed = i64::from(incident.speed.max(1));
    let steps = incident
        .checklist()
        .filter(|(_, _, state)| state.comment.as_deref() != Some(NOT_IN_MICRO_DRILL))
        .map(|(_, step, state)| {
            let wall = state.at.map(|at| (at - incident.declared_at).num_seconds());
            StepResult {
                id: step.id.clone(),
                state: state.status.name(),
                by: state.by.clone(),
                wall_seconds: wall,
                drill_seconds: wall.map(|w| w * speed),
                reason: (state.status == StepStatus::Skipped).then(|| state.comment.clone()).flatten(),
                reopened: state.reopened,
                forced: state.forced,
            }
        })
        .collect();
    let failed_actions = incident
        .containment
        .runs
        .iter()
        .filter(|r| !r.outcome.as_ref().is_some_and(crate::domain::actions::ActionOutcome::succeeded))
        .map(|r| FailedAction {
            step: r.step.clone(),
            started_seq: r.started_seq,
            result: match &r.outcome {
                None => "no outcome recorded".to_owned(),
                Some(o) if o.timed_out => "timed out".to_owned(),
                Some(o) => o.exit_code.map_or_else(|| "killed by a signal".to_owned(), |c| format!("exit {c}")),
            },
        })
        .collect();
    let clocks = incident
        .clock_statuses(now)
        .iter()
        .map(|s| ClockResult {
            id: s.def.id.clone(),
            state: s.state.name(),
            due_at: s.deadline.map(|d| time(d.due_at)),
            submitted_at: s.submitted.map(|x| time(x.at)),
        })
        .collect();
    DrillReport {
        incident: incident.id.clone(),
        runbook: incident.runbook.id.clone(),
        runbook_version: incident.runbook.version.clone(),
        declared_at: time(incident.declared_at),
        state: incident.state.name(),
        speed: incident.speed,
        micro: incident.drill_focus.is_some(),
        steps,
        failed_actions,
        clocks,
        roles: incident.roles.iter().map(|(r, n)| (r.clone(), n.clone())).collect(),
        participants: responders(incident),
    }
}

fn duration(seconds: Option<i64>) -> String {
    seconds.map_or_else(|| "—".to_owned(), |s| format!("{}h{:02}m{:02}s", s / 3600, s % 3600 / 60, s % 60))
}

pub fn markdown(r: &DrillReport) -> String {
    let mut out = format!(
        "> **DRILL** — not a real incident.\n\n# Drill report: {} ({} v{})\n\n",
        r.incident,
        cell(&r.runbook),
        cell(&r.runbook_version)
    );
    out.push_str(&format!(
        "- Started {}; {}; clocks at {}× speed{}\n- Participants: {}\n\n",
        r.declared_at,
        r.state,
        r.speed,
        if r.micro { "; a micro-drill" } else { "" },
        cell(&r.participants.join(", "))
    ));
    out.push_str("## Steps\n\n");
    out.push_str(&table(
        &["step", "state", "by", "wall time", "drill time", "notes"],
        r.steps.iter().map(|s| {
            let mut notes = Vec::new();
            if let Some(reason) = &s.reason {
                notes.push(format!("skipped: {reason}"));
            }
            if s.reopened > 0 {
                notes.push(format!("reopened {}×", s.reopened));
            }
            if s.forced {
                notes.push("forced past open dependencies".to_owned());
            }
            vec![
                s.id.clone(),
                s.state.to_owned(),
                s.by.clone().unwrap_or_default(),
                duration(s.wall_seconds),
                duration(s.drill_seconds),
                notes.join("; "),
            ]
        }),
    ));
    if !r.failed_actions.is_empty() {
        out.push_str("\n## Actions that failed\n\n");
        out.push_str(&table(
            &["step", "#", "result"],
            r.failed_actions.iter().map(|a| vec![a.step.clone(), a.started_seq.to_string(), a.result.clone()]),
        ));
    }
    out.push_str("\n## Clocks at drill speed\n\n");
    out.push_str(&table(
        &["clock", "outcome", "due (drill-compressed)", "submitted"],
        r.clocks.iter().map(|c| {
            vec![
                c.id.clone(),
                c.state.to_owned(),
                c.due_at.clone().unwrap_or_default(),
                c.submitted_at.clone().unwrap_or_default(),
            ]
        }),
    ));
    out.push_str("\n## Roles\n\n");
    out.push_str(&table(&["role", "responder"], r.roles.iter().map(|(role, name)| vec![role.clone(), name.clone()])));
    text(&out)
}
