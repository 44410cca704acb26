//! News from the log: each open incident's log, caught up incrementally (by this process's
//! writes or any other's), turned into messages for `update`.

use std::collections::BTreeMap;

use super::message::Msg;
use super::model::LogLine;
use crate::domain::describe::describe;
use crate::domain::event::Envelope;
use crate::domain::inbox::Inbox;
use crate::domain::incident::IncidentState;
use crate::store::incident_log::Log;
use crate::store::{IncidentLog, Workspace};

#[derive(Default)]
pub struct Feed {
    logs: BTreeMap<String, IncidentLog>,
    inbox: Option<Log<Inbox>>,
}

pub fn log_line(envelope: &Envelope) -> LogLine {
    let actor = envelope.actor.name.clone();
    let text = describe(envelope);
    let text = text.strip_prefix(&format!("{actor} ")).map_or_else(|| text.clone(), str::to_owned);
    LogLine { seq: envelope.seq, at: envelope.at, actor, kind: envelope.event.kind(), text }
}

impl Feed {
    /// What changed since the last call: incidents that gained events, and those no longer open.
    pub fn refresh(&mut self, workspace: &Workspace) -> Vec<Msg> {
        let open = match workspace.open_ids() {
            Ok(ids) => ids,
            Err(e) => return vec![Msg::Done(Err(e.to_string()))],
        };
        let mut news = Vec::new();
        news.extend(self.inbox_news(workspace));
        let gone: Vec<String> = self.logs.keys().filter(|id| !open.contains(id)).cloned().collect();
        for id in gone {
            self.logs.remove(&id);
            news.push(Msg::Gone(id));
        }
        for id in open {
            let fresh = !self.logs.contains_key(&id);
            let log = self.logs.entry(id.clone()).or_insert_with(|| IncidentLog::new(&id, workspace.log_path(&id)));
            let mut appended = Vec::new();
            if let Err(e) = log.catch_up(|envelope| appended.push(log_line(envelope))) {
                news.push(Msg::Done(Err(e.to_string())));
                continue;
            }
            let Some(incident) = log.incident() else { continue };
            if incident.state == IncidentState::Closed {
                if !fresh {
                    news.push(Msg::Gone(id.clone()));
                }
                self.logs.remove(&id);
                continue;
            }
            if fresh || !appended.is_empty() {
                news.push(Msg::Changed { incident: Box::new(incident.clone()), appended });
            }
        }
        news
    }

    /// The waiting unrouted alerts, when the inbox changed since the last call.
    fn inbox_news(&mut self, workspace: &Workspace) -> Option<Msg> {
        let path = workspace.inbox_path();
        if !path.exists() {
            return None;
        }
        let inbox = self.inbox.get_or_insert_with(|| Log::new("inbox", path));
        let mut changed = false;
        if let Err(e) = inbox.catch_up(|_| changed = true) {
            return Some(Msg::Done(Err(e.to_string())));
        }
        let mut items: Vec<_> = inbox.state()?.open_items().cloned().collect();
        items.sort_by_key(|item| item.first_seen);
        changed.then_some(Msg::Unrouted(items))
    }
}
