//! Stakeholder updates on a cadence: while an incident is active, each audience its runbook
//! names hears from it at the interval its severity sets (a drill's interval shrinks with its
//! speed, as its clocks do, to no less than two minutes). The next update is due that long after the last one, or after
//! the declaration before the first.

use chrono::{DateTime, Duration, Utc};

use super::incident::{Incident, IncidentState};
use super::outbound::Purpose;
pub use super::outbox::SentUpdate;
use super::outbox::{Delivery, Message};
use super::parties::WorkspaceParties;
use super::placeholder::{Facts, render};

/// How an audience's next update stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    Late,
    /// Due within a quarter of its interval (at most 10 minutes).
    Soon,
    Later,
}

impl Urgency {
    pub const fn name(self) -> &'static str {
        match self {
            Self::Late => "late",
            Self::Soon => "soon",
            Self::Later => "later",
        }
    }
}

/// How an update stands with its receivers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reached {
    Delivered,
    /// Queued or being retried.
    Pending,
    /// At least one receiver refused it for good: that audience did not hear it.
    GivenUp,
    /// No notifier: sent by hand, if at all.
    ByHand,
    /// A drill's, recorded and not sent.
    Simulated,
}

impl Reached {
    pub const fn name(self) -> &'static str {
        match self {
            Self::Delivered => "delivered",
            Self::Pending => "pending",
            Self::GivenUp => "given_up",
            Self::ByHand => "by_hand",
            Self::Simulated => "simulated",
        }
    }
}

/// An audience's next update.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpdateDue {
    pub audience: String,
    pub every: Duration,
    pub last: Option<DateTime<Utc>>,
    /// How the last update stands with its receivers.
    pub last_reached: Option<Reached>,
    pub due_at: DateTime<Utc>,
}

impl UpdateDue {
    pub fn urgency(&self, now: DateTime<Utc>) -> Urgency {
        let warn = (self.every / 4).min(Duration::minutes(10));
        if now >= self.due_at {
            Urgency::Late
        } else if self.due_at - now <= warn {
            Urgency::Soon
        } else {
            Urgency::Later
        }
    }
}

/// Each audience's next update, the soonest first; none once the incident is no longer active
/// or for an audience whose cadence skips the incident's severity.
pub fn due(incident: &Incident) -> Vec<UpdateDue> {
    if incident.state != IncidentState::Active {
        return Vec::new();
    }
    let speed = i32::try_from(incident.speed).unwrap_or(i32::MAX).max(1);
    let mut due: Vec<UpdateDue> = incident
        .runbook
        .updates
        .iter()
        .filter_map(|cadence| {
            let span = cadence.every.get(&incident.severity)?;
            let every = Duration::seconds(span_seconds(span)) / speed;
            let every =
                if speed > 1 { every.max(DRILL_FLOOR).min(Duration::seconds(span_seconds(span))) } else { every };
            let last_sent = last_update(incident, &cadence.audience);
            let last = last_sent.map(|u| u.at);
            let last_reached = last_sent.map(|u| reached(incident, u));
            let since = last.unwrap_or(incident.declared_at);
            Some(UpdateDue { audience: cadence.audience.clone(), every, last, last_reached, due_at: since + every })
        })
        .collect();
    due.sort_by(|a, b| (a.due_at, &a.audience).cmp(&(b.due_at, &b.audience)));
    due
}

/// A drill's shortest interval: shrunk further, no team could write updates that fast.
const DRILL_FLOOR: Duration = Duration::minutes(2);

fn span_seconds(span: &super::duration::Span) -> i64 {
    i64::try_from(span.seconds()).unwrap_or(i64::MAX / 4)
}

pub fn last_update<'a>(incident: &'a Incident, audience: &str) -> Option<&'a SentUpdate> {
    incident.outbox.updates.iter().rev().find(|u| u.audience == audience)
}

/// The messages that carried `update`, one per target.
pub fn messages_of<'a>(incident: &'a Incident, update: &'a SentUpdate) -> impl Iterator<Item = &'a Message> {
    incident.outbox.messages.iter().filter(move |m| {
        m.queued_at == update.at
            && m.queued_by == update.by
            && matches!(&m.outbound.purpose, Purpose::Update { audience } if *audience == update.audience)
    })
}

/// How `update` stands: given up if any receiver refused it, pending while any is waiting.
pub fn reached(incident: &Incident, update: &SentUpdate) -> Reached {
    let states: Vec<&Delivery> = messages_of(incident, update).map(|m| &m.delivery).collect();
    if states.is_empty() {
        Reached::ByHand
    } else if states.iter().any(|d| matches!(d, Delivery::Failed { .. })) {
        Reached::GivenUp
    } else if states.iter().any(|d| matches!(d, Delivery::Pending { .. })) {
        Reached::Pending
    } else if states.iter().all(|d| matches!(d, Delivery::Simulated)) {
        Reached::Simulated
    } else {
        Reached::Delivered
    }
}

/// The audiences an update may go to: those the runbook gives a cadence.
pub fn audiences(incident: &Incident) -> Vec<&str> {
    incident.runbook.updates.iter().map(|c| c.audience.as_str()).collect()
}

/// A new update's text to start from: the audience's comms template filled from the incident,
/// or, with none, the incident's title and state.
pub fn draft(incident: &Incident, audience: &str, now: DateTime<Utc>, parties: Option<&WorkspaceParties>) -> String {
    let template = incident
        .runbook
        .updates
        .iter()
        .find(|c| c.audience == audience)
        .and_then(|c| c.template.as_deref())
        .and_then(|id| incident.runbook.comms.iter().find(|t| t.id == id));
    match template {
        Some(template) => render(template.body.trim(), &Facts::for_people(incident, now, parties)).text,
        None => format!("{}: {}. We are working on it; next update to follow.", incident.id, incident.title),
    }
}

/// The subject and body an update goes out with: the incident's id, the audience and the
/// text the responder confirmed, nothing more. The title and severity are internal (a title
/// from an alert may name a tenant), so they never reach an audience unasked.
pub fn message_text(incident: &Incident, audience: &str, text: &str, now: DateTime<Utc>) -> (String, String) {
    let drill = if incident.drill { "DRILL — " } else { "" };
    let subject = format!("{drill}{}: update for {audience}", incident.id);
    let mut body = String::new();
    if incident.drill {
        body.push_str("DRILL — this is an exercise, not a real incident.\n\n");
    }
    // What a receiver shows is the display's, as in the console: control characters made visible.
    body.push_str(&super::sanitize::block(text.trim_end()));
    body.push_str(&format!(
        "\n\n— {}, update for {audience}, {}\n",
        incident.id,
        now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    ));
    (subject, body)
}
