//! Delays the law allows: HIPAA 164.412 and Cal. Civ. Code 1798.82(c) (law enforcement), SEC
//! Item 1.05(c) (national security). Only a clock whose catalog entry names such a rule may be
//! delayed; the delay must begin before the clock's limit, end within what the rule allows,
//! and, since it moves a legal limit later, it needs a reason and (where there is one) the
//! commander. Ending it early is always allowed.

use chrono::{DateTime, Utc};

use super::clock::status::undelayed;
use super::decide_decision::with_moved;
use super::decide_support::{clock_status, required_text, rfc3339};
use super::event::Event;
use super::incident::Incident;
use super::refusal::Refusal;
use super::refusal_clock::ClockRefusal;

pub struct Delay {
    pub clock: String,
    pub from: Option<DateTime<Utc>>,
    pub until: DateTime<Utc>,
    pub basis: String,
    pub reason: String,
}

pub fn pause(incident: &Incident, delay: Delay, now: DateTime<Utc>, actor: &str) -> Result<Event, Refusal> {
    let Delay { clock, from, until, basis, reason } = delay;
    let basis = required_text(basis, "the basis (--basis: the provision and the request it rests on)")?;
    let reason = required_text(reason, "the reason (--reason)")?;
    let status = clock_status(incident, &clock, now)?;
    let def = status.def;
    let why = |text: String| Err(Refusal::Clock(ClockRefusal::Delay { clock: clock.clone(), why: text }));
    let Some(rule) = &def.pause else {
        return why("its law allows no delay of the notice (report in phases, or late with the reasons)".into());
    };
    let from = from.unwrap_or(now);
    if from > now {
        return Err(Refusal::InFuture("the start of the delay (--at)"));
    }
    if until <= from {
        return why(format!("the delay must end after it begins ({})", rfc3339(from)));
    }
    if status.waiver.is_some() || status.submitted.is_some() {
        return why("it is already settled (submitted or not applicable)".into());
    }
    let planned = undelayed(def, &incident.clock_facts);
    let (Some(anchor), Some(limit)) = (planned.anchor_at, planned.deadline.map(|d| d.legal_limit_at)) else {
        return why("it has not started: record its anchor first".into());
    };
    if from < anchor {
        return why(format!("it began at {}; a delay cannot begin before the clock", rfc3339(anchor)));
    }
    let current = status.deadline.map_or(limit, |d| d.legal_limit_at);
    if from > current {
        return why(format!(
            "its limit {} had passed when the delay began; a delay cannot revive it",
            rfc3339(current)
        ));
    }
    if let Some(longest) = rule.longest {
        let latest = limit + chrono::Duration::seconds(i64::try_from(longest.seconds()).unwrap_or(i64::MAX / 4));
        if until > latest {
            return why(format!("{} allows a delay until {} at most", rule.basis, rfc3339(latest)));
        }
    }
    if let Some(commander) = incident.commander().filter(|c| *c != actor) {
        return Err(Refusal::LaterOnlyCommander {
            decision: format!("the deadline of {clock}"),
            commander: commander.to_owned(),
        });
    }
    let event = Event::ClockPaused { clock, from, until, basis, reason, moved: Vec::new() };
    Ok(with_moved(incident, event, now, actor))
}

pub fn resume(
    incident: &Incident,
    clock: String,
    at: Option<DateTime<Utc>>,
    reason: String,
    now: DateTime<Utc>,
    actor: &str,
) -> Result<Event, Refusal> {
    let reason = required_text(reason, "the reason (--reason)")?;
    clock_status(incident, &clock, now)?;
    let at = at.unwrap_or(now);
    if at > now {
        return Err(Refusal::InFuture("the end of the delay (--at)"));
    }
    let standing = incident.clock_facts.standing_delay(&clock);
    if !standing.is_some_and(|p| p.resumed.is_none() && p.active_at(at)) {
        return Err(Refusal::Clock(ClockRefusal::Delay {
            clock,
            why: format!("no delay of it is in effect at {}", rfc3339(at)),
        }));
    }
    let event = Event::ClockResumed { clock, at, reason, moved: Vec::new() };
    Ok(with_moved(incident, event, now, actor))
}
