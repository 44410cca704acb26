//! An alert, whatever sent it: the fields routing and the incident need. Every string is as
//! received (untrusted: shown only through the sanitiser).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Alertmanager,
    Pagerduty,
    Generic,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Firing,
    Acknowledged,
    Resolved,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    pub source: Source,
    pub status: Status,
    /// What identifies the same alert across repeats and retries: Alertmanager's
    /// fingerprint, PagerDuty's dedup_key, or the generic key (a hash of the labels if absent).
    pub key: String,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    pub starts_at: Option<DateTime<Utc>>,
    /// `None` while firing (Alertmanager's `0001-01-01T00:00:00Z` means "not ended").
    pub ends_at: Option<DateTime<Utc>>,
    /// The sender's grouping (Alertmanager's groupKey, PagerDuty's payload.group).
    pub group: Option<String>,
    /// Where the sender shows the alert's source (Alertmanager's generatorURL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generator_url: Option<String>,
}

impl Alert {
    pub fn name(&self) -> &str {
        self.labels.get("alertname").map_or("alert", String::as_str)
    }

    pub fn summary(&self) -> Option<&str> {
        self.annotations.get("summary").or_else(|| self.annotations.get("description")).map(String::as_str)
    }
}

/// Longest value a responder may state for an alert label.
pub const STATED_VALUE_LIMIT: usize = 256;

/// `label` and `value` as a responder states them (`agent`, `support-bot`): a Prometheus label
/// name, and a value of one line that an action can take as one argument.
pub fn stated_label(label: &str, value: &str) -> Result<(String, String), String> {
    let label = label.trim();
    let value = value.trim();
    let named = label.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !named || label.len() > 64 {
        return Err(format!(
            "{:?} is not a label name: letters, digits and _, not starting with a digit",
            super::sanitize::line(label)
        ));
    }
    if label.starts_with("__") {
        return Err(format!("{label}: names starting with __ are the monitoring system's own"));
    }
    if value.is_empty() {
        return Err(format!("{label}: the value is empty"));
    }
    if value.chars().any(char::is_control) || value.len() > STATED_VALUE_LIMIT {
        return Err(format!(
            "{label}: the value must be one line of at most {STATED_VALUE_LIMIT} bytes, without control characters"
        ));
    }
    Ok((label.to_owned(), value.to_owned()))
}

/// The labels of `alert` among `scope_labels` whose value no earlier alert of the incident had:
/// the incident reaching a tenant, agent or tool it did not reach before.
pub fn widening<'a>(
    alert: &Alert,
    earlier: impl Iterator<Item = &'a Alert> + Clone,
    scope_labels: &[String],
) -> BTreeMap<String, String> {
    scope_labels
        .iter()
        .filter_map(|name| {
            let value = alert.labels.get(name)?;
            let known = earlier.clone().any(|a| a.labels.get(name) == Some(value));
            (!known).then(|| (name.clone(), value.clone()))
        })
        .collect()
}

/// A stable key for a label set: 16 hex digits of the SHA-256 of the sorted labels.
pub fn label_key(labels: &BTreeMap<String, String>) -> String {
    let mut hasher = Sha256::new();
    for (name, value) in labels {
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update(value.as_bytes());
        hasher.update([0]);
    }
    hasher.finalize()[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// An alert as an incident holds it: its latest delivery, when it was first and last seen,
/// how many deliveries changed something.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertTrack {
    pub alert: Alert,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub deliveries: u32,
    /// The scope labels whose value this alert was the first to bring, when it did.
    pub widened: BTreeMap<String, String>,
}
