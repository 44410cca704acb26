//! Deciding what leaves warroom: a page queued (one message per target of the rotation, its
//! text written from the incident) and what came of each attempt to send one.

use chrono::{DateTime, Utc};

use super::command::{Command, DeliveryOutcome};
use super::event::Event;
use super::incident::Incident;
use super::outbound::{NotifierKind, Outbound, Purpose, Settle, Target};
use super::outbox::Delivery;
use super::paging::{Paging, paging};
use super::refusal::Refusal;
use super::refusal_outbound::OutboundRefusal;
use super::suggest::did_you_mean;

/// What `actor`'s command decides: as `decide`, and answering a page in person takes the role
/// when nobody holds it (an incident an alert opened has no commander until someone answers).
/// An answer in another tool names someone warroom may not know: that role waits for a
/// responder to take it.
pub fn decide_as(
    incident: &Incident,
    command: Command,
    now: DateTime<Utc>,
    actor: &str,
) -> Result<Vec<Event>, Refusal> {
    let in_person = matches!(command, Command::Acknowledge { via: None, .. });
    let events = decide(incident, command, now)?;
    let taken: Vec<Event> = events
        .iter()
        .filter_map(|event| match event {
            Event::PageAcknowledged { role, .. } if in_person && !incident.roles.contains_key(role) => {
                Some(Event::RoleAssigned { role: role.clone(), name: actor.to_owned(), previous: None })
            }
            _ => None,
        })
        .collect();
    Ok(events.into_iter().chain(taken).collect())
}

pub fn decide(incident: &Incident, command: Command, now: DateTime<Utc>) -> Result<Vec<Event>, Refusal> {
    match command {
        Command::Page { role, rung, rotation, targets } => {
            let Some(duty) = incident.runbook.role(&role) else {
                let hint = did_you_mean(&role, incident.runbook.roles.iter().map(|r| r.id.as_str()));
                return Err(Refusal::UnknownRole { role, hint });
            };
            if incident.outbox.last_page(&role).is_some_and(|(top, _)| top >= rung) {
                return Err(Refusal::Outbound(OutboundRefusal::AlreadyPaged { role, rung }));
            }
            if targets.is_empty() {
                return Err(Refusal::Outbound(OutboundRefusal::NoTargets { rotation }));
            }
            let (subject, body) = page_text(incident, duty, rung, now);
            Ok(targets
                .into_iter()
                .enumerate()
                .map(|(index, (target, kind, drill_safe))| Event::MessageQueued {
                    message: Box::new(Outbound {
                        key: incident.outbox.next_key(&incident.reference(), index),
                        notifier: target.notifier,
                        kind,
                        to: target.to,
                        purpose: Purpose::Page {
                            role: role.clone(),
                            rung,
                            rotation: rotation.clone(),
                            urgency: Some(super::outbound::Urgency::of(&incident.runbook.severity, &incident.severity)),
                        },
                        subject: subject.clone(),
                        body: body.clone(),
                        simulated: incident.drill && !drill_safe,
                    }),
                })
                .collect())
        }
        Command::Delivery { key, attempt, outcome } => {
            let Some(message) = incident.outbox.get(&key) else {
                return Err(Refusal::Outbound(OutboundRefusal::UnknownMessage { key }));
            };
            if !matches!(message.delivery, Delivery::Pending { .. }) {
                return Err(Refusal::Outbound(OutboundRefusal::Settled { key }));
            }
            Ok(vec![match outcome {
                DeliveryOutcome::Delivered { receipt } => Event::MessageDelivered { key, attempt, receipt },
                DeliveryOutcome::Failed { why, retry_at } => Event::DeliveryFailed { key, attempt, why, retry_at },
                DeliveryOutcome::Withdrawn { why } => Event::MessageWithdrawn { key, why },
            }])
        }
        Command::Acknowledge { role, via, answered_by } => acknowledge(incident, role, via, answered_by),
        Command::SendUpdate { audience, text, targets } => update(incident, audience, text, targets, now),
        Command::Settle { role, action, targets } => {
            let fresh: Vec<(Target, NotifierKind)> =
                targets.into_iter().filter(|(t, _)| !incident.outbox.settled(&role, action, t)).collect();
            if fresh.is_empty() {
                return Err(Refusal::Outbound(OutboundRefusal::AlreadySettled { role, action: action.name() }));
            }
            let (subject, body) = settled_text(incident, &role, action);
            Ok(fresh
                .into_iter()
                .enumerate()
                .map(|(index, (target, kind))| {
                    let (subject, body) = if kind == NotifierKind::Pagerduty {
                        (format!("{} {} the page for {role}", incident.id, action.name()), String::new())
                    } else {
                        (subject.clone(), body.clone())
                    };
                    Event::MessageQueued {
                        message: Box::new(Outbound {
                            key: incident.outbox.next_key(&incident.reference(), index),
                            notifier: target.notifier,
                            kind,
                            to: target.to,
                            purpose: Purpose::Settle { role: role.clone(), action },
                            subject,
                            body,
                            simulated: false,
                        }),
                    }
                })
                .collect())
        }
        _ => Ok(Vec::new()),
    }
}

/// What a person paged by mail, webhook or Slack is told once the page is over: whoever answered
/// it, or the incident resolved; nobody need answer any more.
fn settled_text(incident: &Incident, role: &str, action: Settle) -> (String, String) {
    let drill = if incident.drill { "DRILL — " } else { "" };
    let (subject, said) = match (action, paging(incident, role)) {
        (Settle::Acknowledge, Paging::Acknowledged { by, at, assigned_by }) => (
            format!("{drill}{}: the page for {role} is answered", incident.id),
            match assigned_by {
                Some(giver) => format!("{giver} gave the role to {by} at {}.", at.format("%Y-%m-%d %H:%M UTC")),
                None => format!("{by} answered it at {}.", at.format("%Y-%m-%d %H:%M UTC")),
            },
        ),
        (Settle::Acknowledge, _) => {
            (format!("{drill}{}: the page for {role} is answered", incident.id), "Someone answered it.".to_owned())
        }
        (Settle::Resolve, _) => (
            format!("{drill}{}: resolved, the page for {role} is over", incident.id),
            format!("The incident is {}.", incident.state.name()),
        ),
    };
    (subject, format!("{said} Nobody else needs to answer the page for {role}.\n\n— warroom, {}", incident.id))
}

/// A role whose page nobody has answered: still waiting, or given to someone by another.
fn awaits_answer(incident: &Incident, role: &str) -> bool {
    matches!(paging(incident, role), Paging::Waiting { .. } | Paging::Acknowledged { assigned_by: Some(_), .. })
}

/// The actor answering `role`'s pages, or recording that `answered_by` did `via` another tool.
fn acknowledge(
    incident: &Incident,
    role: Option<String>,
    via: Option<String>,
    answered_by: Option<String>,
) -> Result<Vec<Event>, Refusal> {
    if incident.state != super::incident::IncidentState::Active {
        return Err(Refusal::Outbound(OutboundRefusal::PagingOver { state: incident.state.name() }));
    }
    let Some(role) = role else {
        let waiting: Vec<Event> = incident
            .runbook
            .roles
            .iter()
            .filter(|r| awaits_answer(incident, &r.id))
            .map(|r| Event::PageAcknowledged { role: r.id.clone(), via: via.clone(), answered_by: answered_by.clone() })
            .collect();
        if waiting.is_empty() {
            return Err(Refusal::Outbound(OutboundRefusal::NotPaged { role: None }));
        }
        // In person, answering one page does not take every role that was paged.
        if via.is_none() && waiting.len() > 1 {
            let waiting = waiting
                .iter()
                .filter_map(|e| match e {
                    Event::PageAcknowledged { role, .. } => Some(role.clone()),
                    _ => None,
                })
                .collect();
            return Err(Refusal::Outbound(OutboundRefusal::WhichRole { waiting }));
        }
        return Ok(waiting);
    };
    if incident.runbook.role(&role).is_none() {
        let hint = did_you_mean(&role, incident.runbook.roles.iter().map(|r| r.id.as_str()));
        return Err(Refusal::UnknownRole { role, hint });
    }
    match paging(incident, &role) {
        Paging::Waiting { .. } | Paging::Acknowledged { assigned_by: Some(_), .. } => {
            Ok(vec![Event::PageAcknowledged { role, via, answered_by }])
        }
        Paging::Acknowledged { by, .. } => Err(Refusal::Outbound(OutboundRefusal::AlreadyAcknowledged { role, by })),
        Paging::Quiet => Err(Refusal::Outbound(OutboundRefusal::NotPaged { role: Some(role) })),
    }
}

/// How much of an incident's title a page quotes.
const TITLE_LIMIT: usize = 200;

/// A page's subject and body: what happened, how bad, what the role does, how to answer.
fn page_text(incident: &Incident, duty: &super::runbook::Role, rung: usize, now: DateTime<Utc>) -> (String, String) {
    let drill = if incident.drill { "DRILL — " } else { "" };
    // The title may come from an alert: one line, its control characters shown, not obeyed.
    let title = super::sanitize::line(&incident.title);
    let title = if title.chars().count() > TITLE_LIMIT {
        format!("{}…", title.chars().take(TITLE_LIMIT).collect::<String>())
    } else {
        title.into_owned()
    };
    // What warroom writes comes first, so a lock screen cut short shows it, not an alert's words.
    let subject = format!("{drill}[{}] {}: page for {} — {title}", incident.severity, incident.id, duty.title);
    let escalated =
        if rung > 0 { format!(" (escalated: level {} of the on-call path)", rung + 1) } else { String::new() };
    let mut body = String::new();
    if incident.drill {
        body.push_str("DRILL — this is an exercise, not a real incident.\n\n");
    }
    body.push_str(&format!(
        "{} {} — {title}\nYou are paged as {} ({}){escalated}.\nRunbook: {} v{}. Declared {}; paged {}.\n",
        incident.severity,
        incident.id,
        duty.title,
        duty.id,
        incident.runbook.id,
        incident.runbook.version,
        incident.declared_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    ));
    if !duty.duties.trim().is_empty() {
        body.push_str(&format!("Duties: {}\n", duty.duties.trim()));
    }
    body.push_str(&format!(
        "Answer: warroom ack {} {} (or take the role: warroom assign {} {} YOUR-NAME)\n",
        incident.id, duty.id, incident.id, duty.id
    ));
    (subject, body)
}

/// An update recorded, then one message per target of its audience.
fn update(
    incident: &Incident,
    audience: String,
    text: String,
    targets: Vec<(Target, NotifierKind, bool)>,
    now: DateTime<Utc>,
) -> Result<Vec<Event>, Refusal> {
    let known = super::updates::audiences(incident);
    if !known.contains(&audience.as_str()) {
        let known = known.into_iter().map(str::to_owned).collect();
        return Err(Refusal::Outbound(OutboundRefusal::UnknownAudience { audience, known }));
    }
    if text.trim().is_empty() {
        return Err(Refusal::Outbound(OutboundRefusal::EmptyUpdate));
    }
    if let Some((pager, ..)) = targets.iter().find(|(_, kind, _)| *kind == NotifierKind::Pagerduty) {
        return Err(Refusal::Outbound(OutboundRefusal::UpdateByPager { audience, notifier: pager.notifier.clone() }));
    }
    let (subject, body) = super::updates::message_text(incident, &audience, &text, now);
    let messages = targets.into_iter().enumerate().map(|(index, (target, kind, drill_safe))| Event::MessageQueued {
        message: Box::new(Outbound {
            key: incident.outbox.next_key(&incident.reference(), index),
            notifier: target.notifier,
            kind,
            to: target.to,
            purpose: Purpose::Update { audience: audience.clone() },
            subject: subject.clone(),
            body: body.clone(),
            simulated: incident.drill && !drill_safe,
        }),
    });
    Ok(std::iter::once(Event::UpdateSent { audience: audience.clone(), text }).chain(messages).collect())
}
