//! warroom: a terminal war-room console for incidents caused by production AI agents.

pub mod action;
pub mod app;
pub mod ascii_json;
pub mod catalog;
pub mod cli;
pub mod clock;
pub mod domain;
pub mod ingest;
pub mod listener;
pub mod outbound;
pub mod private_fs;
pub mod report;
pub mod store;
pub mod tui;
