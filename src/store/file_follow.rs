//! Following a file workspace: each open incident's log caught up from where this follower
//! last read it, woken by file-system notifications (no polling).

use std::collections::BTreeMap;

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use super::follow::{Change, Follower, Wake, incident_news};
use super::incident_log::{IncidentLog, Log};
use super::{StoreError, Workspace};
use crate::domain::inbox::Inbox;

pub struct FileFollower<'a> {
    workspace: &'a Workspace,
    logs: BTreeMap<String, IncidentLog>,
    inbox: Option<Log<Inbox>>,
    _watcher: RecommendedWatcher,
}

impl<'a> FileFollower<'a> {
    pub fn new(workspace: &'a Workspace, wake: Wake) -> Result<Self, StoreError> {
        let root = workspace.root();
        let cannot = |e: notify::Error| StoreError::io("watch", root, std::io::Error::other(e));
        let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            // Only writes matter: reading the logs (as a follower does) must not wake it.
            if event.is_ok_and(|e| matches!(e.kind, EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)))
            {
                wake();
            }
        })
        .map_err(cannot)?;
        for dir in [root.to_owned(), root.join("incidents"), root.join("open")] {
            watcher.watch(&dir, RecursiveMode::NonRecursive).map_err(cannot)?;
        }
        Ok(Self { workspace, logs: BTreeMap::new(), inbox: None, _watcher: watcher })
    }

    fn inbox_news(&mut self) -> Option<Change> {
        let path = self.workspace.inbox_path();
        if !path.exists() {
            return None;
        }
        let inbox = self.inbox.get_or_insert_with(|| Log::new("inbox", path, None));
        let mut changed = false;
        if let Err(e) = inbox.catch_up(|_| changed = true) {
            return Some(Change::Unreadable { incident: None, error: e });
        }
        changed.then(|| Change::Inbox(inbox.state().cloned().unwrap_or_default()))
    }
}

impl Follower for FileFollower<'_> {
    fn changes(&mut self) -> Result<Vec<Change>, StoreError> {
        let open = self.workspace.open_ids()?;
        let mut news: Vec<Change> = self.inbox_news().into_iter().collect();
        let gone: Vec<String> = self.logs.keys().filter(|id| !open.contains(id)).cloned().collect();
        for id in gone {
            self.logs.remove(&id);
            news.push(Change::Gone(id));
        }
        for id in open {
            let first_look = !self.logs.contains_key(&id);
            let path = self.workspace.log_path(&id);
            let log =
                self.logs.entry(id.clone()).or_insert_with(|| IncidentLog::new(&id, path, self.workspace.policy()));
            let mut appended = Vec::new();
            if let Err(e) = log.catch_up(|envelope| appended.push(envelope.clone())) {
                news.push(Change::Unreadable { incident: Some(id.clone()), error: e });
                continue;
            }
            let Some(incident) = log.incident() else { continue };
            if !incident_news(incident, appended, first_look, &mut news) {
                self.logs.remove(&id);
            }
        }
        Ok(news)
    }
}
