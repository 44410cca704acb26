//! The use cases, one function each, over the store, an injected clock and the acting
//! responder. The CLI, the console (its `:` line included) and the listener call these; each
//! returns what happened, never text for a terminal.

pub mod action;
pub mod approval;
pub mod bundle;
pub mod call;
pub mod catalog;
pub mod declare;
pub mod drill;
pub mod error;
pub mod ingest;
pub mod intake;
pub mod outbox;
pub mod outbox_host;
pub mod pagerduty;
pub mod paging;
pub mod proof;
pub mod record;
pub mod search;
pub mod secret;
pub mod updates;
pub mod witnessed;

use std::path::Path;

use chrono::{DateTime, Utc};

pub use call::{Call, Done, perform};
pub use catalog::Catalog;
pub use error::AppError;

use crate::app::intake::Intake;
use crate::clock::Clock;
use crate::domain::event::Actor;
use crate::ingest::Router;
use crate::store::Store;

/// What every use case runs against: the store, the clock, who acts, and the catalog.
#[derive(Clone, Copy)]
pub struct App<'a> {
    pub store: &'a dyn Store,
    /// The workspace directory on this host: actions' programs and output, export bundles.
    pub dir: &'a Path,
    pub clock: Clock,
    pub actor: &'a Actor,
    pub catalog: Catalog<'a>,
    /// The responder confirmed acting in the commander's stead for what this app records, and
    /// why.
    pub in_stead: Option<&'a str>,
}

impl<'a> App<'a> {
    pub fn new(store: &'a dyn Store, dir: &'a Path, clock: Clock, actor: &'a Actor, catalog: Catalog<'a>) -> Self {
        Self { store, dir, clock, actor, catalog, in_stead: None }
    }

    /// The same, acting in the commander's stead for `reason` when there is one (a
    /// commander-only command is recorded as taken for the commander instead of refused).
    #[must_use]
    pub fn in_commanders_stead<'b>(&self, reason: Option<&'b str>) -> App<'b>
    where
        'a: 'b,
    {
        App { in_stead: reason, ..*self }
    }

    /// `command` as this app gives it: in the commander's stead when confirmed.
    pub fn as_given(&self, command: crate::domain::Command) -> crate::domain::Command {
        match self.in_stead {
            Some(reason) => crate::domain::Command::InStead { command: Box::new(command), reason: reason.to_owned() },
            None => command,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The same, acting as `actor` (a command given `--as`).
    pub fn acting_as<'b>(&self, actor: &'b Actor) -> App<'b>
    where
        'a: 'b,
    {
        App { actor, ..*self }
    }

    /// The alert intake over this store with the runbooks and clocks in effect.
    pub fn with_intake<T>(&self, take: impl FnOnce(&Intake<'_>) -> T) -> T {
        let router = Router::new(self.catalog.runbooks);
        take(&Intake {
            store: self.store,
            router: &router,
            runbooks: self.catalog.runbooks,
            clocks: self.catalog.clocks,
        })
    }
}
