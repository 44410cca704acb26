//! The war-room console: a ratatui app over the same commands and state as the CLI.
//! key → `update` (pure) → effects → store → log → feed → `update` → draw.

mod browse;
pub mod detail;
mod detail_alerts;
mod detail_lines;
mod detail_record;
mod detail_roles;
pub mod effects;
pub mod feed;
pub mod form;
pub mod forms;
mod found;
pub mod keymap;
mod keys;
pub mod message;
pub mod model;
pub mod panes;
pub mod recall;
mod runtime;
mod terminal;
pub mod theme;
pub mod update;
pub mod view;

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::domain::clock::ClockDef;
use crate::domain::event::Actor;
use crate::domain::runbook::Runbook;
use crate::domain::sanitize;
use crate::store::Store;

/// A line typed at the `:` prompt, as the CLI understands it: the use case, and the responder
/// it acts as when the line says `--as NAME`.
pub struct Invocation {
    pub actor: Option<String>,
    pub call: crate::app::Call,
    /// `--in-stead REASON`: in the commander's stead, and why.
    pub in_stead: Option<String>,
}

pub type CommandParser = Box<dyn Fn(&str, Option<&str>, DateTime<Utc>) -> Result<Invocation, crate::app::AppError>>;

/// Everything the console runs with; built by the CLI.
/// Each runbook's id and title, flagged when its review or drill is overdue.
pub type RunbookLister = Box<dyn Fn() -> Vec<(String, String)> + Send + Sync>;

pub struct Session {
    pub store: Arc<dyn Store>,
    /// The workspace directory on this host: actions, bundles, the hosted listener's log.
    pub dir: PathBuf,
    pub actor: Actor,
    pub tz: Tz,
    pub runbooks: Vec<Runbook>,
    /// Each runbook's id and title with its overdue review or drill flags, for declaring: read
    /// as the console starts and again after it declares or drills.
    pub runbook_list: RunbookLister,
    pub clocks: Vec<ClockDef>,
    /// Clocks left out for errors in their catalog file (id → file); and what the console says
    /// as it starts: each such file, each open marker set right from its log.
    pub unusable_clocks: std::collections::BTreeMap<String, String>,
    pub startup_notices: Vec<String>,
    pub ui: view::Ui,
    pub clock: crate::clock::Clock,
    pub parse_command: CommandParser,
    /// The alert listener to host, if the console was started with `--listen`.
    pub listen: Option<crate::listener::Listener>,
    /// The service principal the hosted listener records as: never a responder here.
    pub service: Option<String>,
}

impl Session {
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// A responder is never the service principal this console's listener records as.
    pub fn refuse_service(&self, name: &str) -> Result<(), String> {
        match &self.service {
            Some(service) if service == name => Err(format!(
                "{} is the service principal this console's listener records alerts as; a service never acts at the keyboard",
                sanitize::line(name)
            )),
            _ => Ok(()),
        }
    }

    /// Which key signs `actor`'s events, for the status bar (`None`: the workspace does not
    /// require signatures); why not, when this console holds none.
    pub fn signer_of(&self, actor: &Actor) -> Result<Option<String>, String> {
        let key = self.store.signing_key(actor, self.now()).map_err(|e| e.to_string())?;
        Ok(key.map(|k| k.fingerprint()))
    }

    /// The application as this console's responder uses it.
    pub fn app(&self) -> crate::app::App<'_> {
        crate::app::App::new(
            &*self.store,
            &self.dir,
            self.clock,
            &self.actor,
            crate::app::Catalog {
                unusable_clocks: &self.unusable_clocks,
                ..crate::app::Catalog::of(&self.runbooks, &self.clocks)
            },
        )
    }
}

/// Runs the console until the user quits or a signal ends it; the terminal is restored on
/// every way out, and every acknowledged event is already durable.
pub fn run(session: Session) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the console: {e}"))?;
    runtime.block_on(runtime::run(session))
}
