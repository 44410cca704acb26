//! How clocks are shown: the JSON objects of `status --json` and `clock list --json`, and the
//! one-line form for terminals (due time in the responder's zone and in UTC).

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use serde::Serialize;

pub use crate::domain::clock::display::{countdown, local_and_utc};
use crate::domain::clock::{ClockState, ClockStatus};
use crate::domain::sanitize;

#[derive(Serialize)]
pub struct ClockJson<'a> {
    id: &'a str,
    title: &'a str,
    citation: &'a str,
    recipient: &'a str,
    state: &'static str,
    /// What must be recorded before the clock starts.
    awaiting: Option<String>,
    /// The law it belongs to; `decide aware --regime` anchors its clocks alone.
    regime: Option<&'a str>,
    anchor_at: Option<String>,
    due_at: Option<String>,
    /// Present only where the counting rule's limit is later than `due_at`.
    legal_limit_at: Option<String>,
    /// False for "without undue delay": `due_at` is an internal target.
    fixed_limit: bool,
    remaining_seconds: Option<i64>,
    /// A decision that makes the duty "immediately".
    immediately: Option<&'static str>,
    submitted_at: Option<String>,
    reference: Option<&'a str>,
    phase: Option<&'static str>,
    /// Submitted in phases so far: the complete report is still owed (it keeps the incident
    /// from being archived).
    complete_pending: bool,
    late_reason: Option<&'a str>,
    not_applicable_rationale: Option<&'a str>,
    missing_content: Vec<&'a str>,
    /// The member state whose law counts it (ISO 3166), null for a clock not counted under EU
    /// rules or with none configured (then `calendar` says the conservative reading).
    member_state: Option<&'a str>,
    /// The zone its days end in.
    zone: String,
    /// The zone its anchor's date is read in, where that differs (SEC: the registrant's).
    #[serde(skip_serializing_if = "Option::is_none")]
    anchor_zone: Option<String>,
    /// The holidays it counts with.
    calendar: String,
    /// Why a next-working-day relief (DORA) is withheld from it.
    #[serde(skip_serializing_if = "Option::is_none")]
    relief_withheld: Option<&'a str>,
    /// The delays the clock's law allows that were recorded for it (law enforcement, national
    /// security), in log order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    delays: Vec<DelayJson<'a>>,
    /// In a drill: `remaining_seconds` in drill time (wall time × the drill's speed).
    #[serde(skip_serializing_if = "Option::is_none")]
    drill_remaining_seconds: Option<i64>,
}

#[derive(Serialize)]
pub struct DelayJson<'a> {
    from: String,
    until: String,
    /// When it ends: `until`, or when it was ended early.
    ends_at: String,
    basis: &'a str,
    reason: &'a str,
    by: &'a str,
    /// In effect at the time of the status.
    in_effect: bool,
}

/// A drill's clock: as `to_json`, plus the time left in drill time.
pub fn to_json_at_speed<'a>(status: &ClockStatus<'a>, speed: u32) -> ClockJson<'a> {
    let mut json = to_json(status);
    if speed > 1 {
        json.drill_remaining_seconds = status.remaining_seconds.map(|s| s.saturating_mul(i64::from(speed)));
    }
    json
}

pub fn to_json<'a>(status: &ClockStatus<'a>) -> ClockJson<'a> {
    let deadline = status.deadline;
    ClockJson {
        id: &status.def.id,
        title: &status.def.title,
        citation: &status.def.citation,
        recipient: &status.def.recipient,
        state: status.state.name(),
        awaiting: status.awaiting.map(|a| a.to_string()),
        regime: status.def.regime.as_deref(),
        anchor_at: status.anchor_at.map(rfc3339),
        due_at: deadline.map(|d| rfc3339(d.due_at)),
        legal_limit_at: deadline.filter(|d| d.legal_limit_at != d.due_at).map(|d| rfc3339(d.legal_limit_at)),
        fixed_limit: deadline.is_none_or(|d| d.fixed),
        remaining_seconds: status.remaining_seconds,
        immediately: status.immediately.map(|d| d.name()),
        submitted_at: status.submitted.map(|s| rfc3339(s.at)),
        reference: status.latest_submission.map(|s| s.reference.as_str()),
        phase: status.latest_submission.map(|s| s.phase.name()),
        complete_pending: status.awaits_complete(),
        late_reason: status.submitted.and_then(|s| s.late_reason.as_deref()),
        not_applicable_rationale: status.waiver.map(|w| w.rationale.as_str()),
        missing_content: status.missing_content.iter().map(|c| c.id.as_str()).collect(),
        member_state: status.def.localized.as_ref().and_then(|l| l.member_state.as_deref()),
        zone: status.def.zone.to_string(),
        anchor_zone: status.def.anchor_zone.map(|z| z.to_string()),
        calendar: calendar(status.def),
        relief_withheld: status.def.localized.as_ref().and_then(|l| l.relief_withheld.as_deref()),
        delays: status
            .pauses
            .iter()
            .map(|p| DelayJson {
                from: rfc3339(p.from),
                until: rfc3339(p.until),
                ends_at: rfc3339(p.ends_at()),
                basis: &p.basis,
                reason: &p.reason,
                by: &p.by,
                in_effect: status.delayed.is_some_and(|d| d.seq == p.seq),
            })
            .collect(),
        drill_remaining_seconds: None,
    }
}

/// The holidays a clock counts with, in words.
pub fn calendar(def: &crate::domain::clock::ClockDef) -> String {
    use crate::domain::clock::calendar::Calendar;
    if let Some(localized) = &def.localized {
        return match &localized.member_state {
            Some(code) => {
                format!("{} ({code}) public holidays {}–{}", localized.name, localized.years.0, localized.years.1)
            }
            None => localized.name.clone(),
        };
    }
    use crate::domain::clock::Period;
    if matches!(def.period, Period::Hours(_) | Period::UndueDelay(_)) && def.next_working_day.is_none() {
        return "none: elapsed hours".to_owned();
    }
    if matches!(def.period, Period::CalendarDays(_) | Period::DaysAfterYearEnd(_)) {
        return "none: calendar days".to_owned();
    }
    match crate::domain::clock::period::Rules::of(def).calendar {
        Calendar::Weekends => "weekends only".to_owned(),
        Calendar::UsFederal => "US federal holidays (5 U.S.C. 6103)".to_owned(),
        Calendar::EuCommon => "holidays common to the member states".to_owned(),
        Calendar::Brazil => "Brazil's national holidays".to_owned(),
    }
}

pub fn state_label(state: ClockState) -> &'static str {
    match state {
        ClockState::Overdue => "OVERDUE",
        ClockState::DueSoon => "DUE SOON",
        ClockState::Running => "running",
        ClockState::AwaitingAnchor => "awaiting",
        ClockState::SubmittedLate => "submitted late",
        ClockState::SubmittedOnTime => "submitted",
        ClockState::NotApplicable => "n/a",
    }
}

/// One line per clock for terminals.
pub fn line(status: &ClockStatus<'_>, tz: Tz) -> String {
    let head = format!("{:<20} {:<14}", status.def.id, state_label(status.state));
    let detail = match (status.state, status.deadline) {
        (ClockState::AwaitingAnchor, _) => {
            format!("starts on {}", status.awaiting.map(|a| a.to_string()).unwrap_or_default())
        }
        (ClockState::NotApplicable, _) => {
            format!(
                "not applicable: {}",
                status.waiver.map(|w| sanitize::line(&w.rationale).into_owned()).unwrap_or_default()
            )
        }
        (ClockState::SubmittedOnTime | ClockState::SubmittedLate, _) => {
            let filed = status
                .submitted
                .map(|s| format!("{} ref {}", local_and_utc(s.at, tz), sanitize::line(&s.reference)))
                .unwrap_or_default();
            match status.latest_submission.filter(|_| status.awaits_complete()) {
                Some(latest) => format!("{filed} · {} so far, complete report pending", latest.phase.name()),
                None => filed,
            }
        }
        (_, Some(deadline)) => {
            let left = status.remaining_seconds.map(countdown).unwrap_or_default();
            let target = if deadline.fixed { "due" } else { "target" };
            let legal = if deadline.legal_limit_at == deadline.due_at {
                String::new()
            } else {
                format!(" · legal limit {}", local_and_utc(deadline.legal_limit_at, tz))
            };
            format!("{left:>12}  {target} {}{legal}", local_and_utc(deadline.due_at, tz))
        }
        (_, None) => String::new(),
    };
    let urgent = status.immediately.map(|d| format!("  IMMEDIATELY ({} recorded)", d.name())).unwrap_or_default();
    let delayed = status
        .delayed
        .map(|p| format!("  DELAYED until {} ({})", local_and_utc(p.ends_at(), tz), sanitize::line(&p.basis)))
        .unwrap_or_default();
    let law = match &status.def.localized {
        Some(localized) => {
            format!(" · {}", localized.member_state.as_deref().unwrap_or("no member state: conservative"))
        }
        None => String::new(),
    };
    format!("{head} {detail}{urgent}{delayed}  [{}{law}]", status.def.citation)
}

/// A time in RFC 3339 UTC to the second, as `status --json` and the listings show it.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}
