//! Recording a decision, and correcting one. A recorded decision is never re-anchored by
//! omission; a correction that moves it later (and so its deadlines) needs a reason and, where
//! the incident has a commander, the commander; the log keeps each deadline before and after.

use chrono::{DateTime, Utc};

use super::clock::def::regimes_on;
use super::clock::{Decision, label};
use super::decide_support::rfc3339;
use super::event::{Actor, Envelope, Event, MovedDeadline};
use super::incident::Incident;
use super::refusal::Refusal;
use super::refusal_clock::ClockRefusal;

pub struct Record {
    pub decision: Decision,
    /// Decided for this regime alone; `None`: for every regime not decided separately.
    pub regime: Option<String>,
    pub at: Option<DateTime<Utc>>,
    pub evidence: Option<String>,
    pub reason: Option<String>,
    pub confirm: bool,
}

pub fn decide(incident: &Incident, record: Record, now: DateTime<Utc>, actor: &str) -> Result<Event, Refusal> {
    let Record { decision, regime, at, evidence, reason, confirm } = record;
    let regime = regime.map(|r| r.trim().to_ascii_lowercase());
    if let Some(regime) = &regime {
        check_regime(incident, decision, regime)?;
    }
    if let Some(regime) = &regime
        && incident.clock_facts.decided(decision).is_none()
    {
        return Err(Refusal::Clock(ClockRefusal::RegimeBeforeShared { regime: regime.clone() }));
    }
    let name = || label(decision, regime.as_deref());
    let previous = incident.clock_facts.decided_exactly(decision, regime.as_deref());
    let at = match (at, previous) {
        (Some(at), Some(p)) if confirm && at.timestamp() == p.at.timestamp() => p.at,
        (Some(at), _) => at,
        (None, None) => now,
        (None, Some(p)) if confirm => p.at,
        (None, Some(p)) => {
            return Err(Refusal::DecisionExists {
                decision: name(),
                at: rfc3339(p.at),
                by: p.by.clone(),
                auto: p.auto,
            });
        }
    };
    if at > now {
        return Err(Refusal::InFuture("the decision time"));
    }
    check_order(incident, decision, at)?;
    let reason = reason.filter(|r| !r.trim().is_empty());
    if previous.is_some_and(|p| p.at == at && !confirm) {
        return Err(Refusal::DecisionUnchanged { decision: name(), at: rfc3339(at) });
    }
    let evidence = evidence.filter(|e| !e.trim().is_empty()).or_else(|| previous.and_then(|p| p.evidence.clone()));
    let corrects = previous.map(|p| p.seq);
    let confirms = previous.is_some_and(|p| p.at == at);
    let mut event = Event::DecisionRecorded {
        decision,
        at,
        evidence,
        corrects,
        auto: false,
        reason: reason.clone(),
        confirms,
        moved: Vec::new(),
        regime: regime.clone(),
    };
    let deadlines = moved_deadlines(incident, &event, now, actor);
    let later = previous.is_some_and(|p| at > p.at) || deadlines.iter().any(MovedDeadline::later);
    if later {
        if reason.is_none() {
            let from = previous.map_or_else(|| earlier_record(incident, decision, &regime), |p| rfc3339(p.at));
            return Err(Refusal::LaterNeedsReason { decision: name(), from, to: rfc3339(at) });
        }
        if let Some(commander) = incident.commander().filter(|c| *c != actor) {
            return Err(Refusal::LaterOnlyCommander { decision: name(), commander: commander.to_owned() });
        }
    }
    if let Some(moved) = event.moved_mut() {
        *moved = deadlines;
    }
    Ok(event)
}

/// Only awareness differs by regime (GDPR's breach, NIS2's significant incident, DORA's
/// detection, the AI Act's serious incident), and only for a regime the incident has clocks of.
fn check_regime(incident: &Incident, decision: Decision, regime: &str) -> Result<(), Refusal> {
    if decision != Decision::Aware {
        return Err(Refusal::Clock(ClockRefusal::RegimeOnlyForAwareness { decision: decision.name().to_owned() }));
    }
    if regime.is_empty() {
        return Err(Refusal::EmptyText("the regime (--regime)"));
    }
    let regimes = regimes_on(&incident.clocks, Decision::Aware);
    if regimes.iter().any(|r| r == regime) {
        return Ok(());
    }
    Err(Refusal::Clock(ClockRefusal::UnknownRegime { regime: regime.to_owned(), known: regimes.join(", ") }))
}

/// The time the regime's clocks ran from before its own record: the record for every regime.
fn earlier_record(incident: &Incident, decision: Decision, regime: &Option<String>) -> String {
    let general = regime.as_ref().and_then(|_| incident.clock_facts.decided(decision));
    general.map_or_else(|| "not recorded".to_owned(), |p| format!("{} for every regime", rfc3339(p.at)))
}

/// A breach begins before it ends and before anyone can be aware of it.
fn check_order(incident: &Incident, decision: Decision, at: DateTime<Utc>) -> Result<(), Refusal> {
    const ORDER: [(Decision, Decision); 2] =
        [(Decision::BreachStarted, Decision::BreachEnded), (Decision::BreachStarted, Decision::Aware)];
    for (first, then) in ORDER {
        let recorded = |d: Decision| match d {
            Decision::Aware => incident.clock_facts.earliest(d),
            _ => incident.clock_facts.decided(d).map(|r| r.at),
        };
        let clash = if decision == first {
            recorded(then).filter(|t| at > *t).map(|t| (then, t, "after"))
        } else if decision == then {
            recorded(first).filter(|t| at < *t).map(|t| (first, t, "before"))
        } else {
            None
        };
        if let Some((other, other_at, side)) = clash {
            return Err(Refusal::OutOfOrder {
                decision: decision.name().to_owned(),
                at: rfc3339(at),
                side,
                other: other.name().to_owned(),
                other_at: rfc3339(other_at),
            });
        }
    }
    Ok(())
}

fn applied(incident: &Incident, event: &Event, now: DateTime<Utc>, actor: &str) -> Incident {
    let mut after = incident.clone();
    let envelope = Envelope { seq: incident.last_seq + 1, at: now, actor: Actor::named(actor), event: event.clone() };
    after.apply(&envelope);
    after
}

/// `event` with the deadlines it moves written into it.
pub(super) fn with_moved(incident: &Incident, mut event: Event, now: DateTime<Utc>, actor: &str) -> Event {
    let deadlines = moved_deadlines(incident, &event, now, actor);
    if let Some(moved) = event.moved_mut() {
        *moved = deadlines;
    }
    event
}

/// The due time of each clock `event` changes, before and after it.
fn moved_deadlines(incident: &Incident, event: &Event, now: DateTime<Utc>, actor: &str) -> Vec<MovedDeadline> {
    let after = applied(incident, event, now, actor);
    let due = |statuses: &[super::clock::ClockStatus<'_>], id: &str| {
        statuses.iter().find(|s| s.def.id == id).and_then(|s| s.deadline).map(|d| d.due_at)
    };
    let before_statuses = incident.clock_statuses(now);
    let after_statuses = after.clock_statuses(now);
    incident
        .clocks
        .iter()
        .filter_map(|def| {
            let (before, after) = (due(&before_statuses, &def.id), due(&after_statuses, &def.id));
            (before != after).then(|| MovedDeadline { clock: def.id.clone(), before, after })
        })
        .collect()
}
