//! Declaring an incident: from a runbook, or from the alert that opened it.

use chrono::{DateTime, SecondsFormat, Utc};

use super::alert::Alert;
use super::clock::Decision;
use super::command::Command;
use super::event::Event;
use super::incident::Incident;
use super::refusal::Refusal;
use super::runbook::Runbook;

/// The events that declare an incident (`command` is a `Command::Declare`).
pub fn declare(incident: Option<&Incident>, command: Command, now: DateTime<Utc>) -> Result<Vec<Event>, Refusal> {
    let Command::Declare { id, runbook, clocks, severity, title, aware_at, drill, from_alert } = command else {
        return Err(Refusal::NotDeclared);
    };
    if let Some(existing) = incident {
        return Err(Refusal::AlreadyDeclared(existing.id.clone()));
    }
    if aware_at.is_some_and(|at| at > now) {
        return Err(Refusal::InFuture("--aware-at"));
    }
    let severity = match severity {
        Some(wanted) => known_severity(&runbook, &wanted)?,
        None => runbook.severity.default.clone(),
    };
    let title = title.filter(|t| !t.trim().is_empty()).unwrap_or_else(|| runbook.title.clone());
    let Some(alert) = from_alert else {
        return Ok(vec![Event::Declared {
            incident: id,
            title,
            severity,
            runbook,
            aware_at,
            drill,
            clocks,
            from_alert: false,
        }]);
    };
    let (aware, evidence) = awareness_from(&alert, now);
    Ok(vec![
        Event::Declared { incident: id, title, severity, runbook, aware_at: None, drill, clocks, from_alert: true },
        Event::DecisionRecorded {
            decision: Decision::Aware,
            at: aware,
            evidence: Some(evidence),
            corrects: None,
            auto: true,
            reason: None,
            confirms: false,
            moved: Vec::new(),
            regime: None,
        },
        Event::AlertReceived { alert, widens: std::collections::BTreeMap::new(), attached: false },
    ])
}

pub(super) fn known_severity(runbook: &Runbook, wanted: &str) -> Result<String, Refusal> {
    runbook.severity_level(wanted).map(|level| level.id.clone()).ok_or_else(|| Refusal::UnknownSeverity {
        severity: wanted.to_owned(),
        known: runbook.severity.levels.iter().map(|l| l.id.as_str()).collect::<Vec<_>>().join(", "),
    })
}

/// How far back an alert's own start time is believed as the moment of awareness.
const ALERT_START_BELIEVED: chrono::Duration = chrono::Duration::days(30);
/// How far ahead of this host's clock a sender's clock may run.
const SENDER_CLOCK_AHEAD: chrono::Duration = chrono::Duration::minutes(5);

/// When the organisation became aware, from the alert that opened the incident: its start,
/// unless that is implausible (missing, a zero time, weeks old, in the future), then its
/// receipt, said so in the evidence for the commander to correct.
fn awareness_from(alert: &Alert, now: DateTime<Utc>) -> (DateTime<Utc>, String) {
    let evidence = format!("alert {}", alert.key);
    match alert.starts_at {
        None => (now, evidence),
        Some(started) if started <= now && now.signed_duration_since(started) <= ALERT_START_BELIEVED => {
            (started, evidence)
        }
        Some(started) if started > now && started.signed_duration_since(now) <= SENDER_CLOCK_AHEAD => (now, evidence),
        Some(started) => (
            now,
            format!(
                "{evidence}; its start time {} is implausible, so awareness is taken at its receipt (record the real moment if it was earlier)",
                started.to_rfc3339_opts(SecondsFormat::Secs, true)
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration, Utc};

    use super::awareness_from;
    use crate::domain::alert::{Alert, Source, Status};

    fn started(at: Option<DateTime<Utc>>) -> Alert {
        Alert {
            source: Source::Alertmanager,
            status: Status::Firing,
            key: "fp".into(),
            labels: Default::default(),
            annotations: Default::default(),
            starts_at: at,
            ends_at: None,
            group: None,
            generator_url: None,
        }
    }

    #[test]
    fn an_alert_start_is_believed_only_within_a_sane_window() {
        let now = DateTime::parse_from_rfc3339("2026-11-24T09:00:00Z").expect("now").with_timezone(&Utc);
        let ten_days_ago = now - Duration::days(10);
        assert_eq!(awareness_from(&started(Some(ten_days_ago)), now), (ten_days_ago, "alert fp".to_owned()));
        assert_eq!(awareness_from(&started(None), now).0, now);
        assert_eq!(awareness_from(&started(Some(now + Duration::minutes(2))), now), (now, "alert fp".to_owned()));
        let go_zero = DateTime::parse_from_rfc3339("0001-01-01T00:00:00Z").expect("zero").with_timezone(&Utc);
        for absurd in [go_zero, now - Duration::days(31), now + Duration::days(1)] {
            let (at, evidence) = awareness_from(&started(Some(absurd)), now);
            assert_eq!(at, now, "{absurd}");
            assert!(evidence.contains("is implausible") && evidence.contains("record the real moment"), "{evidence}");
        }
    }
}
