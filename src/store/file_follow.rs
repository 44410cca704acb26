//! Following a store's logs: each open incident's log caught up from where this follower last
//! read it, woken by whatever tells the store changed (file-system notifications on a file
//! workspace, NOTIFY on a database): no polling.

use std::collections::BTreeMap;
use std::sync::Arc;

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use super::allowed_signers::AllowedSigners;
use super::follow::{Change, Follower, Wake, incident_news};
use super::incident_log::{IncidentLog, Log};
use super::ledger::{INBOX, Shelf};
use super::{StoreError, Workspace};
use crate::domain::inbox::Inbox;

pub struct ShelfFollower<'a> {
    shelf: &'a dyn Shelf,
    policy: Option<&'a Arc<AllowedSigners>>,
    logs: BTreeMap<String, IncidentLog>,
    inbox: Option<Log<Inbox>>,
    /// What wakes this follower, while it lives.
    _waking: Box<dyn Send + 'a>,
}

/// A follower of a file workspace, woken by file-system notifications.
pub fn follow_files(workspace: &Workspace, wake: Wake) -> Result<ShelfFollower<'_>, StoreError> {
    let root = workspace.root();
    let cannot = |e: notify::Error| StoreError::io("watch", root, std::io::Error::other(e));
    let mut watcher: RecommendedWatcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        // Only writes matter: reading the logs (as a follower does) must not wake it.
        if event.is_ok_and(|e| matches!(e.kind, EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_))) {
            wake();
        }
    })
    .map_err(cannot)?;
    for dir in [root.to_owned(), root.join("incidents"), root.join("open")] {
        watcher.watch(&dir, RecursiveMode::NonRecursive).map_err(cannot)?;
    }
    Ok(ShelfFollower::new(workspace, workspace.ledger.policy(), Box::new(watcher)))
}

impl<'a> ShelfFollower<'a> {
    pub fn new(shelf: &'a dyn Shelf, policy: Option<&'a Arc<AllowedSigners>>, waking: Box<dyn Send + 'a>) -> Self {
        Self { shelf, policy, logs: BTreeMap::new(), inbox: None, _waking: waking }
    }

    fn inbox_news(&mut self) -> Option<Change> {
        match self.shelf.inbox_exists(false) {
            Ok(true) => {}
            Ok(false) => return None,
            Err(e) => return Some(Change::Unreadable { incident: None, error: e }),
        }
        let shelf = self.shelf;
        let inbox = self.inbox.get_or_insert_with(|| Log::on(INBOX, shelf.medium(INBOX), None));
        let mut changed = false;
        if let Err(e) = inbox.catch_up(|_| changed = true) {
            return Some(Change::Unreadable { incident: None, error: e });
        }
        changed.then(|| Change::Inbox(inbox.state().cloned().unwrap_or_default()))
    }
}

impl Follower for ShelfFollower<'_> {
    fn changes(&mut self) -> Result<Vec<Change>, StoreError> {
        let open = self.shelf.listed_open()?;
        let mut news: Vec<Change> = self.inbox_news().into_iter().collect();
        let gone: Vec<String> = self.logs.keys().filter(|id| !open.contains(id)).cloned().collect();
        for id in gone {
            self.logs.remove(&id);
            news.push(Change::Gone(id));
        }
        for id in open {
            let first_look = !self.logs.contains_key(&id);
            let (shelf, policy) = (self.shelf, self.policy);
            let log = self.logs.entry(id.clone()).or_insert_with(|| IncidentLog::on(&id, shelf.medium(&id), policy));
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
