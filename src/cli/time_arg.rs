//! Times typed on the command line (see `domain::when`).

use chrono::{DateTime, Utc};

use super::context::CliError;

pub fn parse(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, CliError> {
    crate::domain::when::parse(text, now).map_err(CliError::usage)
}
