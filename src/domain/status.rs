//! Where an incident and each of its steps stand, and the notes responders leave.

use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentState {
    Active,
    Resolved,
    /// Operations are over; the duties (clocks, filings, the post-mortem) go on.
    Closed,
    /// Every duty done or its absence explained: nothing more is recorded.
    Archived,
}

impl IncidentState {
    pub const fn name(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Resolved => "resolved",
            Self::Closed => "closed",
            Self::Archived => "archived",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Pending,
    Done,
    Skipped,
}

impl StepStatus {
    pub const fn name(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Done => "done",
            Self::Skipped => "skipped",
        }
    }

    pub const fn is_open(self) -> bool {
        matches!(self, Self::Pending)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepState {
    pub status: StepStatus,
    pub by: Option<String>,
    pub at: Option<DateTime<Utc>>,
    /// The tick note or the skip reason.
    pub comment: Option<String>,
    pub forced: bool,
    pub reopened: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub seq: u64,
    pub by: String,
    pub at: DateTime<Utc>,
    pub text: String,
    /// For a fact noted later: when it happened (`at` is when it was recorded).
    pub happened_at: Option<DateTime<Utc>>,
}
