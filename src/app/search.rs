//! The workspace's incidents, closed and archived ones too: all of them (history), or those
//! that mention a text (search), newest first; and one incident's record to read in full.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::{App, AppError};
use crate::domain::event::Envelope;
use crate::domain::incident::{Incident, IncidentState};
use crate::domain::search::{Hit, Query, hits};
use crate::store::StoreError;

/// One incident as a search or the history lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    pub id: String,
    pub title: String,
    pub severity: String,
    pub state: IncidentState,
    pub drill: bool,
    pub declared_at: DateTime<Utc>,
    /// When it was closed or archived, the later of the two.
    pub ended_at: Option<DateTime<Utc>>,
    pub hits: Vec<Hit>,
}

impl Listed {
    /// The incident on one line: id, severity (DRILL first for a drill), state, when it ended
    /// (as `date` writes it), title; its text sanitised for display.
    pub fn heading(&self, date: impl Fn(DateTime<Utc>) -> String) -> String {
        let ended = self.ended_at.map(|at| format!(" {}", date(at))).unwrap_or_default();
        format!(
            "{}  {}{}  {}{ended}  {}",
            self.id,
            if self.drill { "DRILL " } else { "" },
            crate::domain::sanitize::line(&self.severity),
            self.state.name(),
            crate::domain::sanitize::line(&self.title)
        )
    }
}

/// What a search found, and the incidents whose log could not be read (with why).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Found {
    pub incidents: Vec<Listed>,
    pub unreadable: Vec<(String, String)>,
}

/// Every incident (`None`), or those that mention `text`, newest first.
pub fn find(app: &App, text: Option<&str>) -> Result<Found, AppError> {
    let query = match text.map(Query::new) {
        Some(None) => return Err(AppError::Usage("type what to search for".to_owned())),
        Some(Some(query)) => Some(query),
        None => None,
    };
    let mut found = Found::default();
    for id in app.store.all_ids()? {
        match app.store.incident(&id) {
            Ok(incident) => {
                let hits = query.as_ref().map(|q| hits(&incident, q)).unwrap_or_default();
                if query.is_none() || !hits.is_empty() {
                    found.incidents.push(listed(&incident, hits));
                }
            }
            Err(StoreError::Undeclared { .. }) => {}
            Err(e) => found.unreadable.push((id, e.to_string())),
        }
    }
    found.incidents.sort_by(|a, b| (b.declared_at, &b.id).cmp(&(a.declared_at, &a.id)));
    Ok(found)
}

fn listed(incident: &Incident, hits: Vec<Hit>) -> Listed {
    Listed {
        id: incident.id.clone(),
        title: incident.title.clone(),
        severity: incident.severity.clone(),
        state: incident.state,
        drill: incident.drill,
        declared_at: incident.declared_at,
        ended_at: incident.archived_at.or(incident.closed_at),
        hits,
    }
}

/// An incident as recorded, for reading: its state, every line of its log, and the bundle
/// directories written for it in the workspace's `exports/`.
pub struct Record {
    pub incident: Incident,
    pub log: Vec<Envelope>,
    pub bundles: Vec<PathBuf>,
}

pub fn record(app: &App, id: &str) -> Result<Record, AppError> {
    let id = app.store.resolve_id(id)?;
    let (incident, sealed, _) = super::bundle::read_sealed(app.store, &id)?;
    let log = sealed.iter().map(crate::report::timeline::Sealed::envelope).collect();
    let mut bundles: Vec<PathBuf> = std::fs::read_dir(app.dir.join("exports"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n == id || n.starts_with(&format!("{id}-")))
        })
        .collect();
    bundles.sort();
    Ok(Record { incident, log, bundles })
}
