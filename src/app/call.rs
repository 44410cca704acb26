//! The recording use cases as one request type, so the CLI and the console's `:` line route
//! the same parsed command to the same function with the same effect.

use std::path::PathBuf;

use super::declare::{self, Declaration};
use super::record::{self, Recorded};
use super::{App, AppError};
use crate::app::intake::Landed;
use crate::domain::Command;
use crate::domain::alert::Alert;
use crate::ingest::drill::DrillPlan;

pub enum Call {
    Declare(Declaration),
    Record {
        incident: String,
        command: Command,
    },
    Close {
        incident: String,
        force: bool,
        reason: Option<String>,
        redact: bool,
    },
    Export {
        incident: String,
        out: Option<PathBuf>,
        redact: bool,
    },
    Drill(DrillPlan),
    DeclareFromAlert {
        key: String,
        runbook: String,
    },
    DismissAlert {
        key: String,
        reason: String,
    },
    /// Alerts from a payload, landed as one batch (one group commit per log).
    Ingest(Vec<Alert>),
}

/// What a call did.
#[derive(Debug)]
pub enum Done {
    Declared {
        id: String,
    },
    Drilled {
        id: String,
        runbook: String,
        speed: u32,
    },
    DeclaredFromAlert {
        id: String,
        key: String,
        runbook: String,
    },
    Recorded(Recorded),
    Closed {
        recorded: Recorded,
        bundle: PathBuf,
    },
    Exported {
        incident: String,
        bundle: PathBuf,
    },
    Dismissed {
        key: String,
    },
    /// Each alert (its name and key) and where it landed.
    Ingested(Vec<(String, Landed)>),
}

impl Done {
    /// The incident the call declared, for a front end to select it.
    pub fn declared(&self) -> Option<&str> {
        match self {
            Self::Declared { id } | Self::Drilled { id, .. } | Self::DeclaredFromAlert { id, .. } => Some(id),
            _ => None,
        }
    }
}

pub fn perform(app: &App, call: Call) -> Result<Done, AppError> {
    match call {
        Call::Declare(declaration) => Ok(Done::Declared { id: declare::declare(app, declaration, Vec::new())? }),
        Call::Record { incident, command } => Ok(Done::Recorded(record::record(app, &incident, command)?)),
        Call::Close { incident, force, reason, redact } => {
            let (recorded, bundle) = record::close(app, &incident, force, reason, redact)?;
            Ok(Done::Closed { recorded, bundle })
        }
        Call::Export { incident, out, redact } => {
            let bundle = record::export(app, &incident, out.as_deref(), redact)?;
            Ok(Done::Exported { incident: app.store.resolve_id(&incident)?, bundle })
        }
        Call::Drill(plan) => {
            let (runbook, speed) = (plan.runbook.clone(), plan.speed);
            Ok(Done::Drilled { id: declare::drill(app, plan)?, runbook, speed })
        }
        Call::DeclareFromAlert { key, runbook } => {
            let id = declare::from_unrouted(app, &key, &runbook)?;
            Ok(Done::DeclaredFromAlert { id, key, runbook })
        }
        Call::DismissAlert { key, reason } => {
            declare::dismiss_unrouted(app, &key, reason)?;
            Ok(Done::Dismissed { key })
        }
        Call::Ingest(alerts) => {
            let router = crate::ingest::Router::new(app.catalog.runbooks);
            Ok(Done::Ingested(super::ingest::ingest(app, &router, alerts)?))
        }
    }
}
