//! Who is paged now: each role's on-call path read against the incident. A role nobody holds
//! and nobody has acknowledged is paged at the first rung when the incident is declared, and at
//! the next rung once the last one's `escalate_after` has passed without an answer (a drill's
//! delays shrink with its speed, as its clocks do).

use chrono::{DateTime, Duration, Utc};

use super::incident::{Incident, IncidentState};
use super::outbound::rotation_of;
use super::runbook::Escalation;

/// A page that is due: `role`'s on-call path at `rung` (0 first), through `rotation`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageDue {
    pub role: String,
    pub rung: usize,
    pub rotation: String,
}

/// How a role's paging stands, for the roles view and `outbox status`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Paging {
    /// Not paged: someone holds the role, the path is empty, or the incident is no longer active.
    Quiet,
    /// Paged at `rung` at `at`, nobody has answered; the next rung is paged at `escalates_at`
    /// (at once when every message of this rung was given up: `unreached`).
    Waiting { rung: usize, at: DateTime<Utc>, escalates_at: Option<DateTime<Utc>>, unreached: bool },
    /// Acknowledged by `by` at `at` (a page answered, or the role taken); or given to `by` by
    /// `assigned_by`, which ends the paging but is not `by`'s answer.
    Acknowledged { by: String, at: DateTime<Utc>, assigned_by: Option<String> },
}

/// The rungs of `role`'s on-call path, in order.
pub fn path<'r>(incident: &'r Incident, role: &str) -> Vec<&'r Escalation> {
    incident.runbook.on_call.iter().filter(|rung| rung.role == role).collect()
}

/// Every role the on-call path names, in the runbook's order, each once.
fn paged_roles(incident: &Incident) -> Vec<&str> {
    let mut roles: Vec<&str> = Vec::new();
    for rung in &incident.runbook.on_call {
        if !roles.contains(&rung.role.as_str()) {
            roles.push(&rung.role);
        }
    }
    roles
}

/// How `role`'s paging stands at `now`.
pub fn paging(incident: &Incident, role: &str) -> Paging {
    if let Some((by, at)) = incident.outbox.acknowledgement(role) {
        return Paging::Acknowledged { by: by.to_owned(), at, assigned_by: None };
    }
    let Some((rung, at)) = incident.outbox.last_page(role) else { return Paging::Quiet };
    if let (Some(holder), Some(since)) = (incident.roles.get(role), incident.role_since.get(role)) {
        let assigned_by = incident.role_given_by.get(role).cloned();
        return Paging::Acknowledged { by: holder.clone(), at: *since, assigned_by };
    }
    if incident.state != IncidentState::Active {
        return Paging::Quiet;
    }
    let rungs = path(incident, role);
    let unreached = incident.outbox.rung_unreached(role, rung);
    let escalates_at = match (rungs.get(rung), rungs.get(rung + 1)) {
        (Some(_), Some(_)) if unreached => Some(at),
        (Some(this), Some(_)) => this.escalate_after.map(|after| at + scaled(after.seconds(), incident.speed)),
        _ => None,
    };
    Paging::Waiting { rung, at, escalates_at, unreached }
}

/// The pages due at `now`: the first rung of each role nobody holds and nobody has been paged
/// for, and the next rung of each role whose page went unanswered past its `escalate_after`.
pub fn due(incident: &Incident, now: DateTime<Utc>) -> Vec<PageDue> {
    if incident.state != IncidentState::Active {
        return Vec::new();
    }
    let mut pages = Vec::new();
    for role in paged_roles(incident) {
        if incident.roles.contains_key(role) {
            continue;
        }
        let rungs = path(incident, role);
        let rung = match paging(incident, role) {
            Paging::Acknowledged { .. } => continue,
            Paging::Quiet => 0,
            Paging::Waiting { rung, escalates_at: Some(at), .. } if at <= now => rung + 1,
            Paging::Waiting { .. } => continue,
        };
        if let Some(escalation) = rungs.get(rung) {
            pages.push(PageDue { role: role.to_owned(), rung, rotation: rotation_of(&escalation.page).to_owned() });
        }
    }
    pages
}

/// `seconds` of real delay at a drill's `speed` (at least a second).
fn scaled(seconds: u64, speed: u32) -> Duration {
    let seconds = i64::try_from(seconds).unwrap_or(i64::MAX / 2);
    Duration::seconds((seconds / i64::from(speed.max(1))).max(1))
}

/// How `role`'s paging stands, in words for the people in the room (`None` when it was never
/// paged), and whether it needs them now: a page that reached nobody or cannot be delivered,
/// or one unanswered past its escalation. A page nobody answered stays on the record after
/// the incident is over.
pub fn said(incident: &Incident, role: &str, now: DateTime<Utc>) -> Option<(bool, String)> {
    let ago = |at: DateTime<Utc>| super::duration::at_a_glance(now - at);
    let rungs = path(incident, role);
    let name = |n: usize| rungs.get(n).map_or("", |r| rotation_of(&r.page)).to_owned();
    match paging(incident, role) {
        Paging::Quiet => {
            let (rung, _) = incident.outbox.last_page(role)?;
            let state = incident.state.name();
            Some((
                false,
                format!("paged {} (level {}), never answered; the incident was {state}", name(rung), rung + 1),
            ))
        }
        Paging::Acknowledged { by, at, assigned_by: None } => {
            Some((false, format!("acknowledged by {} {} ago", super::sanitize::line(&by), ago(at))))
        }
        Paging::Acknowledged { by, at, assigned_by: Some(giver) } => Some((
            false,
            format!(
                "paging stopped {} ago: {} gave the role to {}, who has not acknowledged",
                ago(at),
                super::sanitize::line(&giver),
                super::sanitize::line(&by)
            ),
        )),
        Paging::Waiting { rung, at, escalates_at, unreached } => {
            let trouble = incident.outbox.rung_trouble(role, rung);
            let paged = if unreached {
                format!("PAGE FAILED: nothing reached {} (level {}), every message given up", name(rung), rung + 1)
            } else if incident.outbox.rung_delivered(role, rung) {
                format!("paged {} (level {}) {} ago, unanswered", name(rung), rung + 1, ago(at))
            } else if incident.outbox.rung_simulated(role, rung) {
                let (rotation, level, ago) = (name(rung), rung + 1, ago(at));
                format!("DRILL: paged {rotation} (level {level}) {ago} ago, recorded, not sent; unanswered")
            } else if let Some(why) = &trouble {
                format!(
                    "PAGE NOT DELIVERED to {} (level {}), queued {} ago, retrying: {}",
                    name(rung),
                    rung + 1,
                    ago(at),
                    super::sanitize::line(why)
                )
            } else {
                format!("page to {} (level {}) queued {} ago, not delivered yet", name(rung), rung + 1, ago(at))
            };
            let answer_by =
                rungs.get(rung).and_then(|r| r.escalate_after).map(|a| at + scaled(a.seconds(), incident.speed));
            let next = match escalates_at {
                Some(due) if due <= now => format!("; escalating to {} now", name(rung + 1)),
                Some(due) => format!(
                    "; escalates to {} in {}",
                    name(rung + 1),
                    super::duration::at_a_glance(due - now + Duration::seconds(59))
                ),
                None if unreached || answer_by.is_some_and(|by| by <= now) => {
                    "; nobody further on the path: page by hand".to_owned()
                }
                None => "; last on the path".to_owned(),
            };
            let late = escalates_at.or(answer_by).is_some_and(|due| due <= now);
            Some((unreached || late || trouble.is_some(), format!("{paged}{next}")))
        }
    }
}
