//! `warroom outbox run` delivers the outbox while it holds the lease (waiting while another
//! process delivers, taking over when it dies); `warroom outbox status` shows each message,
//! each role's paging and who delivers.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Utc};

use super::clock_view::rfc3339;
use super::{CliError, Context};
use crate::app::outbox::LEASE;
use crate::app::outbox_host::{Deliverer, Heard};
use crate::domain::event::Actor;
use crate::domain::incident::Incident;
use crate::domain::outbound::Purpose;
use crate::domain::outbox::Delivery;
use crate::domain::paging::said;
use crate::domain::sanitize;
use crate::outbound::Wire;

/// The service principal deliveries are recorded as, unless `--as` names another.
pub const SERVICE: &str = "outbox";

/// Who records deliveries: a service principal, never the login that started the process.
pub fn runner_actor(ctx: &Context) -> Actor {
    let name = if ctx.actor.name == ctx.actor.login { SERVICE.to_owned() } else { ctx.actor.name.clone() };
    Actor { name, service: true, ..ctx.actor.clone() }
}

/// A deliverer over this context's workspace, recording as `actor`; refused when the store
/// requires signatures and this process holds no key of `actor`'s.
pub fn deliverer(ctx: &Context, actor: Actor) -> Result<Deliverer, CliError> {
    ctx.store
        .signing_key(&actor, ctx.now)
        .map_err(|e| CliError::refused(format!("deliveries cannot be recorded as {}: {e}", actor.name)))?;
    Ok(Deliverer {
        store: ctx.store.clone(),
        dir: ctx.dir.clone(),
        clock: ctx.clock,
        actor,
        runbooks: ctx.runbooks().runbooks.clone(),
        clocks: ctx.clocks().clocks.clone(),
        courier: Box::new(Wire::new(&ctx.dir)),
    })
}

/// Delivers on a thread of this process (a console's, a listener's) until the guard drops,
/// recording as the service principal `outbox` (never the responder at the keyboard). Nothing
/// when the store requires signatures and this process holds no key for it.
pub fn host(ctx: &Context, what: &'static str) -> Option<Hosted> {
    let actor = Actor { name: SERVICE.to_owned(), service: true, ..ctx.actor.clone() };
    let deliverer = deliverer(ctx, actor).ok()?;
    let stop = Arc::new(AtomicBool::new(false));
    let stopping = Arc::clone(&stop);
    let thread = std::thread::Builder::new()
        .name("outbox".into())
        .spawn(move || {
            let _ = deliverer.run(what, &stopping, &mut |heard| {
                if let Heard::Trouble(why) = heard {
                    tracing::warn!(event = "outbox", trouble = %why);
                }
            });
        })
        .ok()?;
    drop(thread);
    Some(Hosted { stop })
}

/// A hosted deliverer: told to stop when dropped (not waited for: an attempt in flight may
/// take its whole timeout, and the lease goes with the process anyway).
pub struct Hosted {
    stop: Arc<AtomicBool>,
}

impl Drop for Hosted {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

const RUN: &str = "warroom outbox run";

pub fn run(ctx: &Context, once: bool) -> Result<(), CliError> {
    let deliverer = deliverer(ctx, runner_actor(ctx))?;
    if once {
        return match deliverer.once(RUN)? {
            Ok(done) => {
                say(&Heard::Passed(done));
                Ok(())
            }
            Err(holder) => Err(CliError::refused(format!("the outbox is delivered by {}", sanitize::line(&holder)))),
        };
    }
    let location = ctx.store.location();
    deliverer.run(RUN, &AtomicBool::new(false), &mut |heard| {
        if heard == Heard::Delivering {
            eprintln!("outbox: delivering for {location} as {}", deliverer.actor.name);
        } else {
            say(&heard);
        }
    })?;
    Ok(())
}

fn say(heard: &Heard) {
    match heard {
        Heard::Waiting { holder } => {
            eprintln!("outbox: delivered by {}; taking over if it stops", sanitize::line(holder));
        }
        Heard::Delivering => {}
        Heard::Passed(done) => eprintln!(
            "outbox: queued {}, delivered {}, to retry {}, given up {}, withdrawn {}",
            done.queued, done.delivered, done.retrying, done.given_up, done.withdrawn
        ),
        Heard::Trouble(why) => eprintln!("outbox: {}", sanitize::line(why)),
    }
}

pub fn status(ctx: &Context, incident: Option<&str>) -> Result<(), CliError> {
    match ctx.store.lease_holder(LEASE) {
        Some(holder) => println!("delivering: {}", sanitize::line(&holder)),
        None => println!(
            "delivering: nobody — messages wait until a console, `warroom listen` or `warroom outbox run` runs"
        ),
    }
    match crate::app::bundle::paging_parties(&ctx.dir) {
        Err(e) => println!("warroom.yaml: {} — nothing is paged until it is mended (warroom lint)", sanitize::line(&e)),
        Ok(parties) => {
            for (name, why) in &parties.broken {
                println!(
                    "notifier {}: {} — pages through it are given up until it is mended (warroom lint)",
                    sanitize::line(name),
                    sanitize::line(why)
                );
            }
        }
    }
    let ids = match incident {
        Some(wanted) => vec![ctx.store.resolve_id(wanted)?],
        None => ctx.store.open_ids()?,
    };
    let now = ctx.clock.now();
    for id in ids {
        let incident = ctx.store.incident(&id)?;
        if incident.outbox.messages.is_empty() {
            continue;
        }
        println!("\n{id}  {}", sanitize::line(&incident.title));
        print_paging(&incident, now);
        for message in &incident.outbox.messages {
            let m = &message.outbound;
            let to = m.to.as_deref().map(|to| format!(" to {}", sanitize::line(to))).unwrap_or_default();
            let purpose = match &m.purpose {
                Purpose::Page { role, rung, .. } => format!("page {role} (level {})", rung + 1),
                Purpose::Settle { role, action } => format!("{} {role}", action.name()),
                Purpose::Update { audience } => format!("update for {audience}"),
            };
            println!(
                "  {}  {purpose}  {} {}{to}  {}",
                m.key,
                m.kind.name(),
                sanitize::line(&m.notifier),
                delivery(&message.delivery, message.attempts)
            );
        }
    }
    Ok(())
}

fn print_paging(incident: &Incident, now: DateTime<Utc>) {
    for role in &incident.runbook.roles {
        if let Some((_, text)) = said(incident, &role.id, now) {
            println!("  role {}: {text}", role.id);
        }
    }
}

fn delivery(delivery: &Delivery, attempts: u32) -> String {
    match delivery {
        Delivery::Pending { next_at, last_error: None } => format!("queued, next try {}", rfc3339(*next_at)),
        Delivery::Pending { next_at, last_error: Some(why) } => {
            format!("retrying after {attempts} attempt(s), next {}: {}", rfc3339(*next_at), sanitize::line(why))
        }
        Delivery::Delivered { at, receipt } => format!(
            "delivered {} (attempt {attempts}){}",
            rfc3339(*at),
            receipt.as_deref().map(|r| format!(": {}", sanitize::line(r))).unwrap_or_default()
        ),
        Delivery::Failed { at, why } => {
            format!("GIVEN UP {} after {attempts} attempt(s): {}", rfc3339(*at), sanitize::line(why))
        }
        Delivery::Withdrawn { at, why } => format!("withdrawn {}, not sent: {}", rfc3339(*at), sanitize::line(why)),
        Delivery::Simulated => "DRILL: recorded, not sent (notifier not drill-safe)".to_owned(),
    }
}

/// After a declaration, on stderr: what stops its pages reaching anyone (a `warroom.yaml` that
/// cannot be read, a broken notifier, nobody delivering), so the commander hears it now rather
/// than when nobody answers.
pub fn warn_after_declaring(ctx: &Context, id: &str) {
    let parties = match crate::app::bundle::paging_parties(&ctx.dir) {
        Ok(parties) => parties,
        Err(e) => {
            eprintln!(
                "warning: warroom.yaml: {} — nobody is paged until it is mended (warroom lint)",
                sanitize::line(&e)
            );
            return;
        }
    };
    for (name, why) in &parties.broken {
        eprintln!(
            "warning: notifier {}: {} — pages through it are given up (warroom lint)",
            sanitize::line(name),
            sanitize::line(why)
        );
    }
    let Ok(incident) = ctx.store.incident(id) else { return };
    let waiting = incident.outbox.messages.iter().filter(|m| matches!(m.delivery, Delivery::Pending { .. })).count();
    if waiting > 0 && ctx.store.lease_holder(LEASE).is_none() {
        eprintln!(
            "warning: {waiting} page(s) queued on {id}, but nothing delivers them: keep a console open, or run \
             `warroom outbox run` (or `warroom listen`)"
        );
    }
}
