//! The console's view model: what is on screen and where the cursor is. Changed only by
//! `update`; drawn by the panes. Incidents come from the log, everything else is UI state.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::form::Form;
use crate::domain::inbox::InboxItem;
use crate::domain::incident::Incident;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    Incidents,
    Clocks,
    Checklist,
    Log,
}

impl Pane {
    pub const ORDER: [Self; 4] = [Self::Incidents, Self::Clocks, Self::Checklist, Self::Log];

    pub const fn name(self) -> &'static str {
        match self {
            Self::Incidents => "incidents",
            Self::Clocks => "clocks",
            Self::Checklist => "checklist",
            Self::Log => "log",
        }
    }
}

/// One line of an incident's timeline, already described (sanitised when drawn).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub kind: &'static str,
    pub text: String,
    /// The action run the entry starts or ends (its start's seq).
    pub run: Option<u64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct IncidentEntry {
    pub incident: Incident,
    pub timeline: Vec<LogLine>,
}

/// The log pane's position: lines hidden below the view (0 = following the newest).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogView {
    pub from_bottom: usize,
    pub filter: Option<String>,
}

impl LogView {
    pub const fn follows(&self) -> bool {
        self.from_bottom == 0
    }
}

/// An action's output as it streams in, and how it ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionView {
    pub incident: String,
    pub step: String,
    pub argv: Vec<String>,
    /// In a drill, the form it runs in.
    pub drill: Option<crate::domain::actions::DrillRun>,
    pub output: String,
    /// `None` while it runs; then the one-line outcome, and whether it succeeded.
    pub finished: Option<(bool, String)>,
}

/// How many `:` lines ↑ recalls.
pub const COMMAND_HISTORY: usize = 200;

/// The most output the console keeps on screen (the whole of it is in the workspace file).
pub const ACTION_OUTPUT_LIMIT: usize = 64 * 1024;

/// The smallest terminal the console lays out; below it, it asks for a larger one.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

#[derive(Clone, Debug)]
pub enum Mode {
    Normal,
    Help {
        scroll: usize,
    },
    /// The unrouted inbox, with the cursor on one alert.
    Inbox {
        cursor: usize,
    },
    /// The side-effect ledger of the selected incident.
    Effects {
        scroll: usize,
    },
    /// The drafts of the selected incident: `page` in the viewer's order (`panes::drafts::pages`).
    Drafts {
        page: usize,
        scroll: usize,
    },
    Form(Box<Form>),
    /// Every incident of the workspace, or those a search found (`Model::found`), the cursor
    /// on one.
    Browse {
        cursor: usize,
    },
    /// One thing in full (`Enter`), scrolled `scroll` rows down; `back` is the view it was
    /// opened from (the main view when `None`).
    Detail {
        target: Detail,
        scroll: usize,
        back: Option<Box<Mode>>,
    },
}

/// What a detail view shows, on the selected incident.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Detail {
    Incident,
    Step(String),
    Clock(String),
    Log(u64),
    /// Every alert recorded on the incident, with its labels and annotations.
    Alerts,
    /// Who holds each role, since when, and the runbook's on-call path.
    Roles,
    /// The last message (a refusal in full, however long).
    Message,
    /// The incident read from the workspace (`Model::record`): closed or archived, read-only.
    Record,
}

/// The incidents a search found (`query`), or all of them (the history, no query).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundView {
    pub query: Option<String>,
    pub found: crate::app::search::Found,
}

/// An incident read in full from the workspace, with the bundles written for it.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordView {
    pub entry: IncidentEntry,
    pub bundles: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlashKind {
    Done,
    Refused,
}

/// How long a message of success stays (a refusal stays until Esc or the next message).
pub const FLASH_SECONDS: i64 = 8;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flash {
    pub kind: FlashKind,
    pub text: String,
    pub at: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

/// How many earlier messages `m` shows after the last one.
pub const MESSAGE_HISTORY: usize = 20;

#[derive(Clone, Debug)]
pub struct Model {
    pub incidents: Vec<IncidentEntry>,
    pub selected: usize,
    pub focus: Pane,
    pub step_cursor: usize,
    pub clock_cursor: usize,
    /// The incident and clock under the clock cursor: the pane's order changes as deadlines
    /// near and others record decisions, and the cursor stays on the clock, not the row.
    pub clock_pointed: Option<(String, String)>,
    pub log: LogView,
    pub mode: Mode,
    pub actor: String,
    /// The fingerprint of the key that signs the actor's events, when signatures are required.
    pub signer: Option<String>,
    pub workspace: String,
    /// Why the store refuses writes, while it does.
    pub store_fault: Option<String>,
    pub flash: Option<Flash>,
    /// The messages said, oldest first (at most `MESSAGE_HISTORY`): one that faded is still there.
    pub said: Vec<Flash>,
    /// The form just submitted with prose typed into it (a note, a reason), until its outcome
    /// comes back: a refusal reopens it with the text kept, so nothing written is lost.
    pub submitted: Option<Box<super::form::Form>>,
    /// The view a form was opened from when it is not the main view (the unrouted inbox): the
    /// form returns there, so the next keys act on the inbox, not the main view.
    pub form_back: Option<Box<Mode>>,
    /// The `:` lines entered, oldest first (at most `COMMAND_HISTORY`), and the one recalled.
    pub command_history: Vec<String>,
    pub history_at: Option<usize>,
    /// Show times in the responder's zone instead of UTC in the log pane.
    pub local_times: bool,
    pub tz: Tz,
    /// Runbook ids and titles, for declaring.
    pub runbooks: Vec<(String, String)>,
    /// Each runbook's title and severity levels, for the declaration to offer and prefill.
    pub declarable: std::collections::BTreeMap<String, super::form::Declarable>,
    /// The workspace's contact points and parties (`warroom.yaml`) the drafts state, or why
    /// they cannot be read.
    pub parties: Result<crate::domain::parties::WorkspaceParties, String>,
    /// Unrouted alerts waiting for a responder, oldest first.
    pub unrouted: Vec<InboxItem>,
    /// The keys of the unrouted alerts marked to attach or dismiss together.
    pub inbox_marks: std::collections::BTreeSet<String>,
    /// Open incidents whose log cannot be read: id → why (its first bad seq).
    pub unreadable: std::collections::BTreeMap<String, String>,
    /// The action running (or last run) from this console, and its output so far.
    pub action: Option<ActionView>,
    /// What the last search (`/`) or the history (`L`) listed.
    pub found: Option<FoundView>,
    /// The incident last opened from that list to read.
    pub record: Option<Box<RecordView>>,
    /// The address this console receives alerts at, when it hosts the listener.
    pub listening: Option<String>,
    /// The terminal's size (columns, rows), for scrolling what is drawn.
    pub screen: (u16, u16),
    pub quit: bool,
}

impl Model {
    /// Opens `form` over the current view, which it returns to once answered or cancelled.
    pub fn open_form_over(&mut self, form: super::form::Form) {
        let back = std::mem::replace(&mut self.mode, Mode::Form(Box::new(form)));
        self.form_back = match back {
            Mode::Normal | Mode::Form(_) => None,
            other => Some(Box::new(other)),
        };
    }

    /// Keeps a `:` line for recall with ↑ (an immediate repeat once).
    pub fn remember_command(&mut self, line: &str) {
        let line = line.trim();
        if !line.is_empty() && self.command_history.last().is_none_or(|last| last != line) {
            self.command_history.push(line.to_owned());
        }
        let excess = self.command_history.len().saturating_sub(COMMAND_HISTORY);
        self.command_history.drain(..excess);
        self.history_at = None;
    }

    /// Leaves a form for the view it was opened from.
    pub fn leave_form(&mut self) {
        self.history_at = None;
        self.mode = self.form_back.take().map_or(Mode::Normal, |back| *back);
        if let Mode::Inbox { cursor } = &mut self.mode {
            *cursor = (*cursor).min(self.unrouted.len().saturating_sub(1));
        }
    }

    /// Selects incident `id` (again, after the list changed; the first, if it is gone). On
    /// another incident than before, the cursors start over there: a row of the last one's
    /// checklist would put a step under the cursor nobody chose.
    pub fn reselect(&mut self, id: Option<&str>) {
        let before = self.current().map(|e| e.incident.id.clone());
        let found = id.and_then(|id| self.incidents.iter().position(|e| e.incident.id == id));
        self.selected = found.unwrap_or(0).min(self.incidents.len().saturating_sub(1));
        if found.is_none() || self.current().map(|e| &e.incident.id) != before.as_ref() {
            self.point_at_current_step();
        }
        let steps = self.current().map_or(0, |e| e.incident.steps.len());
        self.step_cursor = self.step_cursor.min(steps.saturating_sub(1));
    }

    /// Puts the checklist cursor on the selected incident's current step, the rest at the top,
    /// and shows its whole log, newest last (a filter set on another incident would hide it).
    pub fn point_at_current_step(&mut self) {
        self.log = LogView::default();
        let Some(entry) = self.current() else { return };
        let current = entry.incident.current_step().map(|s| s.id.clone());
        self.step_cursor = current.and_then(|id| entry.incident.runbook.step_index(&id)).unwrap_or(0);
        self.clock_cursor = 0;
        self.log.from_bottom = 0;
    }

    /// Keeps the clock cursor on the clock it was on, unless a key moved it; then notes which
    /// clock it is on now.
    pub fn keep_clock_pointed(&mut self, moved_by_key: bool, now: DateTime<Utc>) {
        let Some(entry) = self.current() else { return };
        let order: Vec<String> = entry.incident.clock_statuses(now).iter().map(|s| s.def.id.clone()).collect();
        let id = entry.incident.id.clone();
        let pointed = self.clock_pointed.as_ref().filter(|(incident, _)| *incident == id);
        let kept = pointed.and_then(|(_, clock)| order.iter().position(|c| c == clock));
        if let (false, Some(index)) = (moved_by_key, kept) {
            self.clock_cursor = index;
        }
        self.clock_pointed = order.get(self.clock_cursor).map(|clock| (id, clock.clone()));
    }

    /// Shows `text` in the message area: for a few seconds if it is done, until dismissed if refused.
    pub fn say(&mut self, kind: FlashKind, text: impl Into<String>, now: DateTime<Utc>) {
        let flash = Flash { kind, text: text.into(), at: now, until: now + chrono::Duration::seconds(FLASH_SECONDS) };
        self.said.push(flash.clone());
        let excess = self.said.len().saturating_sub(MESSAGE_HISTORY);
        self.said.drain(..excess);
        self.flash = Some(flash);
    }

    pub fn new(actor: &str, workspace: &str, tz: Tz, runbooks: Vec<(String, String)>) -> Self {
        Self {
            incidents: Vec::new(),
            selected: 0,
            focus: Pane::Checklist,
            step_cursor: 0,
            clock_cursor: 0,
            clock_pointed: None,
            log: LogView::default(),
            mode: Mode::Normal,
            actor: actor.to_owned(),
            signer: None,
            workspace: workspace.to_owned(),
            store_fault: None,
            flash: None,
            said: Vec::new(),
            submitted: None,
            form_back: None,
            command_history: Vec::new(),
            history_at: None,
            local_times: false,
            tz,
            runbooks,
            declarable: std::collections::BTreeMap::new(),
            parties: Ok(crate::domain::parties::WorkspaceParties::default()),
            unrouted: Vec::new(),
            inbox_marks: std::collections::BTreeSet::new(),
            unreadable: std::collections::BTreeMap::new(),
            listening: None,
            action: None,
            found: None,
            record: None,
            screen: (MIN_WIDTH, MIN_HEIGHT),
            quit: false,
        }
    }

    pub fn current(&self) -> Option<&IncidentEntry> {
        self.incidents.get(self.selected)
    }

    /// Two-person requests waiting for this responder or another (not those they made).
    pub fn waiting_approvals(&self, now: chrono::DateTime<chrono::Utc>) -> usize {
        let waiting = self.incidents.iter().flat_map(|e| e.incident.containment.waiting(now));
        waiting.filter(|request| request.requested_by != self.actor).count()
    }

    /// The step under the checklist cursor.
    pub fn cursor_step(&self) -> Option<&str> {
        let entry = self.current()?;
        entry.incident.runbook.steps().nth(self.step_cursor).map(|(_, s)| s.id.as_str())
    }

    /// The log lines in a pane `height` rows high, how many pass the filter, and which of them
    /// the cursor is on (the newest in view when the log fills the pane). Without a filter this
    /// touches only the visible lines, whatever the log's length.
    pub fn log_window(&self, height: usize) -> (Vec<&LogLine>, usize, usize) {
        let Some(entry) = self.current() else { return (Vec::new(), 0, 0) };
        let window = |total: usize| {
            let end = total.saturating_sub(self.log.from_bottom);
            let start = end.saturating_sub(height);
            (start, end.max(height.min(total)), end.saturating_sub(1).saturating_sub(start))
        };
        if self.log.filter.is_none() {
            let total = entry.timeline.len();
            let (start, end, cursor) = window(total);
            return (entry.timeline[start..end].iter().collect(), total, cursor);
        }
        let all = self.visible_log();
        let total = all.len();
        let (start, end, cursor) = window(total);
        (all[start..end].to_vec(), total, cursor)
    }

    /// The log entry the log pane points at: the newest line in view.
    pub fn log_cursor(&self) -> Option<u64> {
        let (lines, _, cursor) = self.log_window(1);
        lines.get(cursor).map(|line| line.seq)
    }

    /// The timeline lines the log filter lets through.
    pub fn visible_log(&self) -> Vec<&LogLine> {
        let Some(entry) = self.current() else { return Vec::new() };
        match &self.log.filter {
            None => entry.timeline.iter().collect(),
            Some(f) => {
                let f = f.to_lowercase();
                entry
                    .timeline
                    .iter()
                    .filter(|l| l.text.to_lowercase().contains(&f) || l.actor.to_lowercase().contains(&f))
                    .collect()
            }
        }
    }
}
