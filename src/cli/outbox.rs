//! `warroom outbox run` delivers the outbox while it holds the lease (waiting while another
//! process delivers, taking over when it dies); `warroom outbox status` shows each message,
//! each role's paging and who delivers.

use std::sync::mpsc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::clock_view::rfc3339;
use super::{CliError, Context};
use crate::app::outbox::{LEASE, Pass, pass};
use crate::domain::event::Actor;
use crate::domain::incident::Incident;
use crate::domain::outbox::Delivery;
use crate::domain::paging::{Paging, paging};
use crate::domain::sanitize;
use crate::outbound::Wire;

/// The service principal deliveries are recorded as, unless `--as` names another.
pub const SERVICE: &str = "outbox";

/// The longest the runner sleeps between passes: a change it was not woken for is seen within it.
const IDLE: Duration = Duration::from_secs(1);

/// Who records deliveries: a service principal, never the login that started the process.
pub fn runner_actor(ctx: &Context) -> Actor {
    let name = if ctx.actor.name == ctx.actor.login { SERVICE.to_owned() } else { ctx.actor.name.clone() };
    Actor { name, service: true, ..ctx.actor.clone() }
}

pub fn run(ctx: &Context, once: bool) -> Result<(), CliError> {
    let actor = runner_actor(ctx);
    ctx.store
        .signing_key(&actor, ctx.now)
        .map_err(|e| CliError::refused(format!("deliveries cannot be recorded as {}: {e}", actor.name)))?;
    let app = ctx.app().acting_as(&actor);
    let holder = format!("{} pid {} on {} (warroom outbox run)", actor.name, actor.pid, actor.host);
    let courier = Wire::new(&ctx.dir);
    let (wake, woken) = mpsc::channel::<()>();
    let _follower = ctx.store.follow(Box::new(move || {
        let _ = wake.send(());
    }))?;
    let mut waiting_said = false;
    loop {
        let Some(_lease) = ctx.store.lease(LEASE, &holder)? else {
            let other = ctx.store.lease_holder(LEASE).unwrap_or_else(|| "another process".into());
            if once {
                return Err(CliError::refused(format!("the outbox is delivered by {}", sanitize::line(&other))));
            }
            if !waiting_said {
                eprintln!("outbox: delivered by {}; taking over if it stops", sanitize::line(&other));
                waiting_said = true;
            }
            std::thread::sleep(IDLE);
            continue;
        };
        eprintln!("outbox: delivering for {} as {}", ctx.store.location(), actor.name);
        loop {
            let next_at = match one_pass(ctx, &app, &courier) {
                Ok(done) => {
                    say(&done);
                    done.next_at
                }
                Err(e) => {
                    eprintln!("outbox: {}", sanitize::line(&e.message));
                    None
                }
            };
            if once {
                return Ok(());
            }
            let _ = woken.recv_timeout(until(next_at, app.now()));
            while woken.try_recv().is_ok() {}
        }
    }
}

fn one_pass(ctx: &Context, app: &crate::app::App, courier: &Wire) -> Result<Pass, CliError> {
    let parties = crate::app::bundle::workspace_parties(&ctx.dir)
        .map_err(|e| CliError::refused(format!("warroom.yaml: {e} (run warroom lint)")))?;
    Ok(pass(app, &parties, courier)?)
}

/// How long to sleep before the next pass: until `next_at`, at most `IDLE`.
fn until(next_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Duration {
    next_at.and_then(|at| (at - now).to_std().ok()).map_or(IDLE, |wait| wait.min(IDLE))
}

fn say(done: &Pass) {
    if done.paged + done.delivered + done.retrying + done.given_up > 0 {
        eprintln!(
            "outbox: paged {}, delivered {}, to retry {}, given up {}",
            done.paged, done.delivered, done.retrying, done.given_up
        );
    }
}

pub fn status(ctx: &Context, incident: Option<&str>) -> Result<(), CliError> {
    match ctx.store.lease_holder(LEASE) {
        Some(holder) => println!("delivering: {}", sanitize::line(&holder)),
        None => println!(
            "delivering: nobody — messages wait until a console, `warroom listen` or `warroom outbox run` runs"
        ),
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
            println!(
                "  {}  {} {}{to}  {}",
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
        let text = match paging(incident, &role.id) {
            Paging::Quiet => continue,
            Paging::Waiting { rung, at, escalates_at } => format!(
                "paged at level {} {} ago, unanswered{}",
                rung + 1,
                crate::domain::duration::at_a_glance(now - at),
                escalates_at.map(|e| format!("; escalates at {}", rfc3339(e))).unwrap_or_default()
            ),
            Paging::Acknowledged { by, at } => format!("acknowledged by {} at {}", sanitize::line(&by), rfc3339(at)),
        };
        println!("  role {}: {text}", role.id);
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
        Delivery::Simulated => "DRILL: recorded, not sent (notifier not drill-safe)".to_owned(),
    }
}
