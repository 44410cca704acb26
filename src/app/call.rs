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
    Archive {
        incident: String,
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
        /// The severity and title chosen instead of the runbook's default and the alert's summary.
        severity: Option<String>,
        title: Option<String>,
    },
    DismissAlert {
        key: String,
        reason: String,
    },
    AttachAlert {
        key: String,
        incident: String,
    },
    /// Alerts from a payload, landed as one batch (one group commit per log).
    Ingest(Vec<Alert>),
    /// A stakeholder update to `audience`, queued to its notifiers.
    Update {
        incident: String,
        audience: String,
        text: String,
    },
}

/// What a call did.
#[derive(Debug)]
pub enum Done {
    /// `aware`: whether awareness was recorded with it (then its clocks run).
    Declared {
        id: String,
        aware: bool,
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
    Attached {
        key: String,
        incident: String,
    },
    /// Each alert (its name and key) and where it landed.
    Ingested(Vec<(String, Landed)>),
    /// An update recorded, how many targets it was queued to (none: send it by hand), and the
    /// pagerduty notifiers of its audience it passed by.
    Updated {
        incident: String,
        audience: String,
        events: Vec<crate::domain::event::Envelope>,
        targets: usize,
        passed_by: Vec<String>,
    },
}

impl Call {
    /// The use case, for the operational log.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Declare(_) => "declare",
            Self::Record { command, .. } => command.name(),
            Self::Close { .. } => "close",
            Self::Archive { .. } => "archive",
            Self::Export { .. } => "export",
            Self::Drill(_) => "drill",
            Self::DeclareFromAlert { .. } => "declare-from-alert",
            Self::DismissAlert { .. } => "dismiss-alert",
            Self::AttachAlert { .. } => "attach-alert",
            Self::Ingest(_) => "ingest",
            Self::Update { .. } => "update",
        }
    }

    /// The incident the call names, as typed.
    pub fn incident(&self) -> Option<&str> {
        match self {
            Self::Record { incident, .. }
            | Self::Close { incident, .. }
            | Self::Archive { incident, .. }
            | Self::Export { incident, .. }
            | Self::AttachAlert { incident, .. }
            | Self::Update { incident, .. } => Some(incident),
            _ => None,
        }
    }
}

impl Done {
    /// The incident the call acted on, if one.
    pub fn incident(&self) -> Option<&str> {
        match self {
            Self::Declared { id, .. } | Self::Drilled { id, .. } | Self::DeclaredFromAlert { id, .. } => Some(id),
            Self::Recorded(recorded) | Self::Closed { recorded, .. } => Some(&recorded.incident),
            Self::Exported { incident, .. } | Self::Attached { incident, .. } | Self::Updated { incident, .. } => {
                Some(incident)
            }
            Self::Dismissed { .. } | Self::Ingested(_) => None,
        }
    }

    /// The incident the call declared, for a front end to select it.
    pub fn declared(&self) -> Option<&str> {
        match self {
            Self::Declared { id, .. } | Self::Drilled { id, .. } | Self::DeclaredFromAlert { id, .. } => Some(id),
            _ => None,
        }
    }
}

/// Carries out `call`; the operational log gets a line for what was appended or refused.
pub fn perform(app: &App, call: Call) -> Result<Done, AppError> {
    let (what, named) = (call.name(), call.incident().map(str::to_owned));
    let result = carry_out(app, call);
    if let Some(id) = result.as_ref().ok().and_then(Done::declared) {
        super::paging::page_declared(app, id);
    }
    match &result {
        Ok(done) => tracing::info!(
            event = "append", actor = %app.actor.name, call = what, incident = done.incident().unwrap_or("inbox")
        ),
        Err(e) => super::error::log(app, what, named.as_deref(), e),
    }
    result
}

fn carry_out(app: &App, call: Call) -> Result<Done, AppError> {
    match call {
        Call::Declare(declaration) => {
            let aware = declaration.aware_at.is_some();
            Ok(Done::Declared { id: declare::declare(app, declaration, Vec::new())?, aware })
        }
        Call::Record { incident, command } => Ok(Done::Recorded(record::record(app, &incident, command)?)),
        Call::Close { incident, force, reason, redact } => {
            let (recorded, bundle) = record::close(app, &incident, force, reason, redact)?;
            Ok(Done::Closed { recorded, bundle })
        }
        Call::Archive { incident, reason, redact } => {
            let (recorded, bundle) = record::seal(app, &incident, Command::Archive { reason }, redact)?;
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
        Call::DeclareFromAlert { key, runbook, severity, title } => {
            let id = declare::from_unrouted(app, &key, &runbook, (severity, title))?;
            Ok(Done::DeclaredFromAlert { id, key, runbook })
        }
        Call::DismissAlert { key, reason } => {
            declare::dismiss_unrouted(app, &key, reason)?;
            Ok(Done::Dismissed { key })
        }
        Call::AttachAlert { key, incident } => {
            let incident = declare::attach_unrouted(app, &key, &incident)?;
            Ok(Done::Attached { key, incident })
        }
        Call::Update { incident, audience, text } => {
            let sent = super::updates::send(app, &incident, &audience, &text)?;
            let incident = app.store.resolve_id(&incident)?;
            let (events, targets, passed_by) = (sent.events, sent.targets, sent.passed_by);
            Ok(Done::Updated { incident, audience, events, targets, passed_by })
        }
        Call::Ingest(alerts) => {
            let router = crate::ingest::Router::new(app.catalog.runbooks);
            Ok(Done::Ingested(super::ingest::ingest(app, &router, alerts)?))
        }
    }
}
