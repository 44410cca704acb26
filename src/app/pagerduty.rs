//! PagerDuty's answers to warroom's pages, from its v3 webhooks: the subscriptions' signing
//! secrets, and recording that a person answered a page there.

use super::{App, AppError};
use crate::domain::Command;
use crate::domain::incident::REFERENCE_TAG_MARK;
use crate::domain::outbound::NotifierKind;
use crate::domain::paging::{Paging, paging};
use crate::ingest::pagerduty::PageAnswer;

/// The signing secrets of the PagerDuty v3 webhook subscriptions `warroom.yaml` names, each
/// read from its `webhook_secret_file` (none: PagerDuty's answers are not taken). A secret that
/// cannot be trusted (empty, not a file, readable by others) is an error: answers signed with
/// it could come from anyone.
pub fn webhook_secrets(dir: &std::path::Path) -> Result<Vec<String>, String> {
    let parties = super::bundle::paging_parties(dir)?;
    parties
        .notifiers
        .values()
        .filter(|notifier| notifier.kind == NotifierKind::Pagerduty)
        .filter_map(|notifier| notifier.webhook_secret_file.as_deref())
        .map(|file| {
            let path = dir.join(file);
            let secret = super::secret::read(&path).map_err(|why| format!("PagerDuty webhook secret: {why}"))?;
            if secret.shared {
                return Err(format!(
                    "PagerDuty webhook secret: {} can be read by others: chmod 600 it",
                    path.display()
                ));
            }
            Ok(secret.text)
        })
        .collect()
}

/// What came of a person's answer in PagerDuty.
pub enum Answered {
    Recorded,
    /// Not an answer to a page this workspace sent there, or one answered already: why.
    SetAside(String),
}

/// Records that a person answered `answer.role`'s pages in PagerDuty, as this process's
/// service: the escalation stops as if they had acknowledged here. Only a role whose page
/// PagerDuty received from this workspace, still unanswered, is answered so.
pub fn answered(app: &App, answer: &PageAnswer) -> Result<Answered, AppError> {
    let aside = |why: String| Ok(Answered::SetAside(why));
    let named = answer.incident.split_once(REFERENCE_TAG_MARK).map_or(answer.incident.as_str(), |(id, _)| id);
    let id = match app.store.resolve_id(named) {
        Ok(id) if id == named => id,
        _ => return aside(format!("no incident {named} in this workspace")),
    };
    let incident = app.store.incident(&id)?;
    if incident.outbox.reference() != Some(answer.incident.as_str()) {
        return aside(format!("{} is another workspace's incident {id}, not this one's", answer.incident));
    }
    let sent = incident.outbox.paged_targets(&answer.role).iter().any(|(_, kind)| *kind == NotifierKind::Pagerduty);
    if !sent {
        return aside(format!("{id} sent PagerDuty no page for {}", answer.role));
    }
    match paging(&incident, &answer.role) {
        Paging::Waiting { .. } | Paging::Acknowledged { assigned_by: Some(_), .. } => {}
        Paging::Acknowledged { by, .. } => {
            return aside(format!("the page for {} was answered already, by {by}", answer.role));
        }
        Paging::Quiet => {
            return aside(format!("nobody is paged for {} on {id} now (held, or the incident is over)", answer.role));
        }
    }
    let command = Command::Acknowledge {
        role: Some(answer.role.clone()),
        via: Some("pagerduty".to_owned()),
        answered_by: Some(answer.who.clone()),
    };
    app.store.execute(&id, app.actor, app.now(), command)?;
    Ok(Answered::Recorded)
}
