//! A drill's plan: a sample alert for the runbook (built from its first trigger, or given),
//! the clock speed, and for a micro-drill a random handful of steps to practise.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::catalog::matcher::{self, Op};
use crate::domain::alert::{Alert, Source, Status, label_key};
use crate::domain::runbook::Runbook;

pub struct DrillPlan {
    pub runbook: String,
    pub speed: u32,
    /// How many steps a micro-drill practises (`None`: all of them).
    pub micro: Option<usize>,
    /// The alert to start from (`None`: a sample built from the runbook's first trigger).
    pub alert: Option<Alert>,
}

/// An alert the runbook's first trigger routes: each `=` matcher's value, a regex's first
/// literal alternative, plus `drill="true"` and the start time (so each drill's alert is new).
pub fn sample_alert(runbook: &Runbook, now: DateTime<Utc>) -> Alert {
    let mut labels = BTreeMap::new();
    if let Some(trigger) = runbook.triggers.first() {
        for m in trigger.matchers.iter().filter_map(|m| matcher::parse(m).ok()) {
            let value = match m.op {
                Op::Equal => Some(m.value.clone()),
                Op::Matches => m
                    .value
                    .split('|')
                    .next()
                    .filter(|v| v.chars().all(|c| c.is_alphanumeric() || "-_.".contains(c)))
                    .map(str::to_owned),
                Op::NotEqual | Op::NotMatches => None,
            };
            if let Some(value) = value {
                labels.insert(m.label.clone(), value);
            }
        }
    }
    // The labels its actions name, so a drill rehearses them with a drill value (`drill-agent`).
    for label in action_labels(runbook) {
        labels.entry(label.clone()).or_insert_with(|| format!("drill-{label}"));
    }
    labels.entry("alertname".to_owned()).or_insert_with(|| format!("{}Drill", runbook.id));
    labels.insert("drill".to_owned(), "true".to_owned());
    labels.insert("drill_started".to_owned(), now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    let annotations =
        [("summary".to_owned(), format!("DRILL: sample alert for runbook {}", runbook.id))].into_iter().collect();
    Alert {
        source: Source::Generic,
        status: Status::Firing,
        key: label_key(&labels),
        labels,
        annotations,
        starts_at: Some(now),
        ends_at: None,
        group: None,
        generator_url: None,
    }
}

/// The alert labels the runbook's actions (and their undos) name as `{{alert.LABEL}}`.
fn action_labels(runbook: &Runbook) -> std::collections::BTreeSet<String> {
    let mut texts: Vec<&String> = Vec::new();
    for action in runbook.steps().filter_map(|(_, step)| step.action.as_ref()) {
        texts.push(&action.program);
        texts.extend(&action.args);
        texts.extend(action.cwd.iter());
        texts.extend(action.env.values());
        if let Some(undo) = &action.undo {
            texts.push(&undo.program);
            texts.extend(&undo.args);
        }
    }
    texts
        .into_iter()
        .flat_map(|text| crate::domain::placeholder::names(text).into_iter().map(|(_, name)| name.to_owned()))
        .filter_map(|name| name.strip_prefix("alert.").map(str::to_owned))
        .filter(|label| label != "summary")
        .collect()
}

/// `n` steps of the runbook, chosen from the start time, in runbook order.
pub fn pick_steps(runbook: &Runbook, n: usize, now: DateTime<Utc>) -> Vec<String> {
    let ids: Vec<&str> = runbook.steps().map(|(_, s)| s.id.as_str()).collect();
    let mut seed = now.timestamp_nanos_opt().unwrap_or_default().unsigned_abs() | 1;
    let mut chosen: Vec<usize> = Vec::new();
    while chosen.len() < n.min(ids.len()) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let index = usize::try_from(seed % ids.len() as u64).unwrap_or(0);
        if !chosen.contains(&index) {
            chosen.push(index);
        }
    }
    chosen.sort_unstable();
    chosen.into_iter().map(|i| ids[i].to_owned()).collect()
}
