//! What `decide` and its companions share: finding a clock, insisting on text, times as
//! refusals spell them.

use chrono::{DateTime, SecondsFormat, Utc};

use super::incident::Incident;
use super::refusal::Refusal;
use super::suggest::did_you_mean;

pub fn clock_status<'a>(
    incident: &'a Incident,
    clock: &str,
    now: DateTime<Utc>,
) -> Result<super::clock::ClockStatus<'a>, Refusal> {
    incident.clock_statuses(now).into_iter().find(|s| s.def.id == clock).ok_or_else(|| Refusal::UnknownClock {
        clock: clock.to_owned(),
        hint: did_you_mean(clock, incident.clocks.iter().map(|c| c.id.as_str())),
    })
}

pub fn required_text(text: String, what: &'static str) -> Result<String, Refusal> {
    if text.trim().is_empty() { Err(Refusal::EmptyText(what)) } else { Ok(text) }
}

pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}
