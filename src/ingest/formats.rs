//! The alert formats warroom accepts (docs/alerts.md): Prometheus Alertmanager's webhook
//! (version 4), PagerDuty Events API v2, and a small generic JSON for anything else.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use crate::domain::alert::{Alert, Source, Status, label_key};

/// Why a body is not an alert: one line for the sender.
#[derive(Debug, PartialEq, Eq)]
pub struct Invalid(pub String);

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn invalid(why: impl Into<String>) -> Invalid {
    Invalid(why.into())
}

/// Parses a request body, telling the format from its shape.
pub fn parse(body: &[u8]) -> Result<Vec<Alert>, Invalid> {
    // An Alertmanager group (the large ones: thousands of alerts) is read straight into its
    // shape, without a JSON tree of the whole body in between.
    if let Ok(hook) = serde_json::from_slice::<AmWebhook>(body) {
        let alerts = from_hook(hook)?;
        if alerts.is_empty() {
            return Err(invalid("the body holds no alert"));
        }
        return Ok(alerts);
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| invalid(format!("not JSON: {e}")))?;
    let object = value.as_object().ok_or_else(|| invalid("the body must be a JSON object"))?;
    let alerts = if object.contains_key("version") && object.contains_key("alerts") {
        alertmanager(value)?
    } else if object.contains_key("event_action") {
        vec![pagerduty(value)?]
    } else {
        generic(value)?
    };
    if alerts.is_empty() {
        return Err(invalid("the body holds no alert"));
    }
    Ok(alerts)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AmWebhook {
    version: String,
    alerts: Vec<AmAlert>,
    #[serde(default)]
    group_key: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AmAlert {
    status: String,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
    starts_at: DateTime<Utc>,
    #[serde(default)]
    ends_at: Option<DateTime<Utc>>,
    #[serde(default)]
    fingerprint: Option<String>,
    #[serde(default, rename = "generatorURL")]
    generator_url: Option<String>,
}

fn alertmanager(value: Value) -> Result<Vec<Alert>, Invalid> {
    let hook: AmWebhook =
        serde_json::from_value(value).map_err(|e| invalid(format!("not an Alertmanager webhook: {e}")))?;
    from_hook(hook)
}

fn from_hook(hook: AmWebhook) -> Result<Vec<Alert>, Invalid> {
    if hook.version != "4" {
        return Err(invalid(format!("Alertmanager webhook version {:?} is not supported (4 is)", hook.version)));
    }
    hook.alerts
        .into_iter()
        .map(|a| {
            let status = match a.status.as_str() {
                "firing" => Status::Firing,
                "resolved" => Status::Resolved,
                other => return Err(invalid(format!("alert status {other:?} is neither firing nor resolved"))),
            };
            let ends_at = a.ends_at.filter(|t| t.timestamp() > 0);
            let key = a.fingerprint.filter(|f| !f.is_empty()).unwrap_or_else(|| label_key(&a.labels));
            Ok(Alert {
                source: Source::Alertmanager,
                status,
                key,
                labels: a.labels,
                annotations: a.annotations,
                starts_at: Some(a.starts_at),
                ends_at,
                group: hook.group_key.clone(),
                generator_url: a.generator_url.filter(|u| !u.is_empty()),
            })
        })
        .collect()
}

#[derive(Deserialize)]
struct PdEvent {
    event_action: String,
    #[serde(default)]
    dedup_key: Option<String>,
    #[serde(default)]
    payload: Option<PdPayload>,
}

#[derive(Deserialize)]
struct PdPayload {
    summary: String,
    source: String,
    severity: String,
    #[serde(default)]
    timestamp: Option<DateTime<Utc>>,
    #[serde(default)]
    component: Option<String>,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    class: Option<String>,
    #[serde(default)]
    custom_details: Option<Value>,
}

fn pagerduty(value: Value) -> Result<Alert, Invalid> {
    let event: PdEvent =
        serde_json::from_value(value).map_err(|e| invalid(format!("not a PagerDuty v2 event: {e}")))?;
    let status = match event.event_action.as_str() {
        "trigger" => Status::Firing,
        "acknowledge" => Status::Acknowledged,
        "resolve" => Status::Resolved,
        other => return Err(invalid(format!("event_action {other:?} is not trigger, acknowledge or resolve"))),
    };
    let mut labels = BTreeMap::new();
    let mut annotations = BTreeMap::new();
    let mut starts_at = None;
    let mut group = None;
    match event.payload {
        Some(p) => {
            if !matches!(p.severity.as_str(), "critical" | "error" | "warning" | "info") {
                return Err(invalid(format!(
                    "payload.severity {:?} is not critical, error, warning or info",
                    p.severity
                )));
            }
            if let Some(Value::Object(details)) = &p.custom_details {
                for (name, value) in details {
                    if let Value::String(text) = value {
                        labels.insert(name.clone(), text.clone());
                    }
                }
            }
            let alertname = labels.get("alertname").cloned().or(p.class.clone()).unwrap_or_else(|| p.summary.clone());
            labels.insert("alertname".into(), alertname);
            labels.insert("severity".into(), p.severity);
            labels.insert("source".into(), p.source);
            for (name, value) in [("component", p.component), ("class", p.class), ("group", p.group.clone())] {
                if let Some(value) = value {
                    labels.insert(name.into(), value);
                }
            }
            annotations.insert("summary".into(), p.summary);
            starts_at = p.timestamp;
            group = p.group;
        }
        None if status == Status::Firing => return Err(invalid("a trigger event needs a payload")),
        None => {}
    }
    let key = match event.dedup_key.filter(|k| !k.is_empty()) {
        Some(key) => key,
        None if status == Status::Firing => label_key(&labels),
        None => return Err(invalid(format!("a {} event needs its dedup_key", event.event_action))),
    };
    Ok(Alert {
        source: Source::Pagerduty,
        status,
        key,
        labels,
        annotations,
        starts_at,
        ends_at: None,
        group,
        generator_url: None,
    })
}

/// A generic alert. Fields it does not know are kept as annotations (a sender's extra field
/// must not turn the alert into a 400 that the sender never retries).
#[derive(Deserialize)]
struct GenericAlert {
    name: String,
    #[serde(default = "firing")]
    status: String,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
    #[serde(default, alias = "startsAt")]
    starts_at: Option<DateTime<Utc>>,
    #[serde(default)]
    key: Option<String>,
    #[serde(flatten)]
    extra: BTreeMap<String, Value>,
}

fn firing() -> String {
    "firing".to_owned()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GenericBatch {
    alerts: Vec<GenericAlert>,
}

fn generic(value: Value) -> Result<Vec<Alert>, Invalid> {
    let batch = if value.get("alerts").is_some() {
        serde_json::from_value::<GenericBatch>(value)
            .map_err(|e| invalid(format!("not a generic alert batch: {e}")))?
            .alerts
    } else {
        vec![serde_json::from_value::<GenericAlert>(value).map_err(|e| invalid(format!("not a generic alert: {e}")))?]
    };
    batch
        .into_iter()
        .map(|g| {
            let status = match g.status.as_str() {
                "firing" => Status::Firing,
                "resolved" => Status::Resolved,
                other => return Err(invalid(format!("status {other:?} is neither firing nor resolved"))),
            };
            if g.name.trim().is_empty() {
                return Err(invalid("an alert needs a name"));
            }
            let mut labels = g.labels;
            labels.insert("alertname".into(), g.name);
            let mut annotations = g.annotations;
            for (field, value) in g.extra {
                let text = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
                annotations.entry(field).or_insert(text);
            }
            let key = g.key.filter(|k| !k.is_empty()).unwrap_or_else(|| label_key(&labels));
            Ok(Alert {
                source: Source::Generic,
                status,
                key,
                labels,
                annotations,
                starts_at: g.starts_at,
                ends_at: None,
                group: None,
                generator_url: None,
            })
        })
        .collect()
}
