//! One pane per file.

pub mod action;
pub mod checklist;
pub mod countdown;
pub mod detail;
pub mod drafts;
pub mod effects;
pub mod form;
pub mod found;
pub mod help;
pub mod inbox;
pub mod incidents;
pub mod kit;
pub mod log;
pub mod message;
pub mod status_bar;
pub mod strip;
pub mod too_small;
