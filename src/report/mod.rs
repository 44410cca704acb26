//! What an incident becomes when it leaves the war room: the post-mortem, the timeline, the
//! regulatory annex, filings with their worksheets, customer drafts, redacted where they must be. Pure: the
//! store reads the log and writes the files.

pub mod action_outputs;
pub mod annex;
pub mod bundle;
pub mod drafts;
pub mod drill;
pub mod filing;
pub mod health;
pub mod markdown;
pub mod paging_review;
pub mod pdf;
pub mod postmortem;
pub mod redact;
pub mod review;
pub mod timeline;
pub mod worksheet;
