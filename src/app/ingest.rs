//! Landing alerts: on their incidents, opening one, or in the unrouted inbox, one batch at a
//! time (one group commit per log). The listener keeps its router between batches.

use super::{App, AppError};
use crate::app::intake::{Intake, Landed};
use crate::domain::alert::Alert;
use crate::ingest::Router;

/// Each alert (its name and key) and where it landed, once all of it is durable.
pub fn ingest(app: &App, router: &Router, alerts: Vec<Alert>) -> Result<Vec<(String, Landed)>, AppError> {
    let labels: Vec<String> = alerts.iter().map(|alert| format!("{} ({})", alert.name(), alert.key)).collect();
    let intake = Intake { store: app.store, router, runbooks: app.catalog.runbooks, clocks: app.catalog.clocks };
    match intake.take_all(alerts, app.actor, app.now()) {
        // Each alert's landing is the listener's own log line (or the CLI's output); a second
        // line per batch here cost a storm 6-8 % of its throughput.
        Ok(landed) => {
            for landed in &landed {
                if let Landed::Opened(id) = landed {
                    super::paging::page_declared(app, id);
                }
            }
            Ok(labels.into_iter().zip(landed).collect())
        }
        Err(e) => {
            let e = AppError::from(e);
            super::error::log(app, "ingest", None, &e);
            Err(e)
        }
    }
}
