//! Delivering the outbox in a process: wait for the lease, then pass after pass (woken by every
//! change to the store, at least once a second) until told to stop. `warroom outbox run`, the
//! console and `warroom listen` each host one; only the lease holder delivers.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::outbox::{Courier, LEASE, Pass, pass};
use super::{App, AppError, Catalog};
use crate::clock::Clock;
use crate::domain::clock::ClockDef;
use crate::domain::event::Actor;
use crate::domain::runbook::Runbook;
use crate::store::Store;

/// The longest a deliverer sleeps between passes.
const IDLE: Duration = Duration::from_millis(1000);

/// What a deliverer tells the people watching it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Heard {
    /// Another process delivers; this one takes over if it stops.
    Waiting {
        holder: String,
    },
    Delivering,
    Passed(Pass),
    /// A pass could not run (configuration, storage): tried again on the next.
    Trouble(String),
}

/// Everything a deliverer needs, owned, so it can run on its own thread.
pub struct Deliverer {
    pub store: Arc<dyn Store>,
    pub dir: PathBuf,
    pub clock: Clock,
    /// A service principal: deliveries are not a responder's doing.
    pub actor: Actor,
    pub runbooks: Vec<Runbook>,
    pub clocks: Vec<ClockDef>,
    pub courier: Box<dyn Courier>,
}

impl Deliverer {
    /// Who holds the lease, as `outbox status` names it.
    pub fn holder(&self, what: &str) -> String {
        format!("{} pid {} on {} ({what})", self.actor.name, self.actor.pid, self.actor.host)
    }

    /// One pass if the lease is free (`Err` naming its holder when not).
    pub fn once(&self, what: &str) -> Result<Result<Pass, String>, AppError> {
        let Some(_lease) = self.store.lease(LEASE, &self.holder(what))? else {
            return Ok(Err(self.store.lease_holder(LEASE).unwrap_or_else(|| "another process".into())));
        };
        Ok(Ok(self.pass()?))
    }

    /// Delivers until `stop` is set, holding the lease while it can.
    pub fn run(&self, what: &str, stop: &AtomicBool, hear: &mut dyn FnMut(Heard)) -> Result<(), AppError> {
        let (wake, woken) = mpsc::channel::<()>();
        let _follower = self.store.follow(Box::new(move || {
            let _ = wake.send(());
        }))?;
        let mut waiting_said = false;
        while !stop.load(Ordering::Relaxed) {
            let Some(_lease) = self.store.lease(LEASE, &self.holder(what))? else {
                if !waiting_said {
                    let holder = self.store.lease_holder(LEASE).unwrap_or_else(|| "another process".into());
                    hear(Heard::Waiting { holder });
                    waiting_said = true;
                }
                std::thread::sleep(IDLE);
                continue;
            };
            hear(Heard::Delivering);
            while !stop.load(Ordering::Relaxed) {
                let next_at = match self.pass() {
                    Ok(done) => {
                        let next_at = done.next_at;
                        if done.queued + done.delivered + done.retrying + done.given_up + done.withdrawn > 0 {
                            hear(Heard::Passed(done));
                        }
                        next_at
                    }
                    Err(e) => {
                        hear(Heard::Trouble(e.to_string()));
                        None
                    }
                };
                let _ = woken.recv_timeout(until(next_at, self.clock.now()));
                while woken.try_recv().is_ok() {}
            }
        }
        Ok(())
    }

    fn pass(&self) -> Result<Pass, AppError> {
        let parties = super::bundle::paging_parties(&self.dir)
            .map_err(|e| AppError::refused(format!("warroom.yaml: {e} (run warroom lint)")))?;
        let app = App::new(&*self.store, &self.dir, self.clock, &self.actor, Catalog::of(&self.runbooks, &self.clocks));
        pass(&app, &parties, &*self.courier)
    }
}

/// How long to sleep before the next pass: until `next_at`, at most `IDLE`.
fn until(next_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Duration {
    next_at.and_then(|at| (at - now).to_std().ok()).map_or(IDLE, |wait| wait.min(IDLE))
}
