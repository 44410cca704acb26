//! One message through the console, in arrival order: `update` (pure) decides, each effect is
//! carried out through the application, and what came of it returns as messages, queued behind
//! the ones already waiting: first the news from the store, then the effect's outcome (which
//! may name what the news brought in). The model changes only in `update`.

use std::collections::VecDeque;

use tokio::sync::mpsc;

use super::feed::Feed;
use super::message::{Effect, Msg};
use super::model::Model;
use super::update::update;
use super::{Invocation, Session};
use crate::action::Prepared;
use crate::app::action;
use crate::app::declare::Declaration;
use crate::app::{AppError, Call, Done, perform};
use crate::domain::command::Command;
use crate::domain::event::Actor;
use crate::domain::sanitize;

/// Processes `first` and everything it leads to, first in first out; afterwards the model
/// learns whether the store is still healthy (only when that changed; a tick while it is not
/// tries to recover it). `actions` receives a running action's output and end.
pub fn process(
    session: &mut Session,
    model: &mut Model,
    feed: &mut Feed<'_>,
    first: Msg,
    actions: &mpsc::UnboundedSender<Msg>,
) {
    if matches!(first, Msg::Tick) && model.store_fault.is_some() {
        session.store.recover();
    }
    let mut queue = VecDeque::from([first]);
    while let Some(msg) = queue.pop_front() {
        // A drill just declared (here or anywhere): the runbook list's drill flags are read again.
        let new_drill = matches!(&msg, Msg::Changed { incident, .. }
            if incident.drill && !model.incidents.iter().any(|e| e.incident.id == incident.id));
        if new_drill {
            queue.push_back(Msg::Runbooks((session.runbook_list)()));
        }
        for effect in update(model, msg, &session.ui.keymap, session.now()) {
            let outcome = carry_out(session, effect, actions);
            queue.extend(feed.refresh());
            queue.extend(outcome);
        }
    }
    let fault = session.store.fault();
    if fault != model.store_fault {
        update(model, Msg::Health(fault), &session.ui.keymap, session.now());
    }
}

/// Carries out one effect through the application; what came of it, as messages.
fn carry_out(session: &mut Session, effect: Effect, actions: &mpsc::UnboundedSender<Msg>) -> Vec<Msg> {
    let given = match &effect {
        Effect::Execute { incident, command } if !matches!(command, Command::InStead { .. }) => {
            Some((incident.clone(), command.clone()))
        }
        _ => None,
    };
    let (call, in_stead) = match effect {
        Effect::RunAction { incident, prepared, options } => {
            start_action(session, incident, *prepared, options, actions);
            return Vec::new();
        }
        Effect::SwitchResponder { to } => {
            return vec![match switch_responder(session, &to) {
                Ok((text, signer)) => Msg::ResponderSwitched { to, text, signer },
                Err(why) => Msg::Done(Err(why.into())),
            }];
        }
        Effect::Find { query } => {
            return vec![match crate::app::search::find(&session.app(), query.as_deref()) {
                Ok(found) => Msg::Found { query, found },
                Err(e) => Msg::Done(Err((&e).into())),
            }];
        }
        Effect::OpenRecord { id } => {
            return vec![match crate::app::search::record(&session.app(), &id) {
                Ok(record) => Msg::Record(Box::new(super::model::RecordView {
                    entry: super::model::IncidentEntry {
                        incident: record.incident,
                        timeline: record.log.iter().map(super::feed::log_line).collect(),
                    },
                    bundles: record.bundles.iter().map(|b| b.display().to_string()).collect(),
                })),
                Err(e) => Msg::Done(Err((&e).into())),
            }];
        }
        Effect::Execute { incident, command: Command::InStead { command, reason } } => {
            (execute(incident, *command), Some(reason))
        }
        Effect::Execute { incident, command } => (execute(incident, command), None),
        Effect::Declare { runbook, severity, title } => {
            (Call::Declare(Declaration { runbook, severity, title, ..Declaration::default() }), None)
        }
        Effect::DeclareFromAlert { key, runbook, severity, title } => {
            (Call::DeclareFromAlert { key, runbook, severity, title }, None)
        }
        Effect::DismissAlert { key, reason } => (Call::DismissAlert { key, reason }, None),
        Effect::AttachAlert { key, incident } => (Call::AttachAlert { key, incident }, None),
        Effect::CommandLine { line, selected } => {
            super::recall::append(&session.dir, &line);
            let invocation = (session.parse_command)(&line, selected.as_deref(), session.now());
            let Invocation { actor, call, in_stead } = match invocation {
                Ok(invocation) => invocation,
                Err(why) => {
                    tracing::info!(event = "refusal", actor = %session.actor.name, call = "command-line", reason = %why);
                    return vec![Msg::Done(Err(why.to_string().into()))];
                }
            };
            if let Some(name) = actor {
                if let Err(why) = session.refuse_service(&name) {
                    return vec![Msg::Done(Err(why.into()))];
                }
                let actor = Actor { name, ..session.actor.clone() };
                let app = session.app();
                let app = app.in_commanders_stead(in_stead.as_deref());
                return done(perform(&app.acting_as(&actor), call));
            }
            (call, in_stead)
        }
    };
    let app = session.app();
    let result = perform(&app.in_commanders_stead(in_stead.as_deref()), call);
    match (result, given) {
        (Err(e), Some((incident, command))) if e.commander_needed().is_some() => {
            let (commander, what) = e.commander_needed().unwrap_or_default();
            vec![Msg::InSteadOffered { why: e.to_string(), commander, what, incident, command: Box::new(command) }]
        }
        (result, _) => done(result),
    }
}

/// A recorded command as its use case: a close or an archive also writes the bundle.
fn execute(incident: String, command: Command) -> Call {
    match command {
        Command::Close { force, reason } => Call::Close { incident, force, reason, redact: false },
        Command::Archive { reason } => Call::Archive { incident, reason, redact: false },
        Command::SendUpdate { audience, text, .. } => Call::Update { incident, audience, text },
        command => Call::Record { incident, command },
    }
}

/// The status bar's line for a call, and the incident to show if it declared one.
fn done(result: Result<Done, AppError>) -> Vec<Msg> {
    match result {
        Ok(done) => {
            let select = done.declared().map(|id| Msg::Select(id.to_owned()));
            std::iter::once(Msg::Done(Ok(outcome(&done)))).chain(select).collect()
        }
        Err(e) => vec![Msg::Done(Err((&e).into()))],
    }
}

/// What the status bar says of a call that was carried out.
fn outcome(done: &Done) -> String {
    match done {
        Done::Declared { id, aware: true } => format!("✓ declared {id}; its clocks run from the awareness given"),
        Done::Declared { id, aware: false } => format!("✓ declared {id}; record awareness with d to start its clocks"),
        Done::Drilled { id, runbook, speed } => format!("✓ DRILL {id} on {runbook}: clocks run {speed}× faster"),
        Done::DeclaredFromAlert { id, key, runbook } => {
            format!("✓ declared {id} on {runbook} from unrouted alert {}", sanitize::line(key))
        }
        Done::Recorded(recorded) => last_event(&recorded.events),
        Done::Closed { recorded, bundle } => {
            let undone = recorded.events.iter().find_map(|e| match &e.event {
                crate::domain::Event::Closed { never_undone, .. } if !never_undone.is_empty() => Some(never_undone),
                _ => None,
            });
            let warning = undone.map_or_else(String::new, |runs| {
                format!(" · WARNING: {} action(s) never undone, still in effect (see E)", runs.len())
            });
            let archived = recorded.events.iter().any(|e| matches!(e.event, crate::domain::Event::Archived { .. }));
            let what = if archived { "archived" } else { "closed" };
            format!("✓ {what} {}; bundle written to {}{warning}", recorded.incident, bundle.display())
        }
        Done::Exported { incident, bundle } => format!("✓ {incident}: bundle written to {}", bundle.display()),
        Done::Dismissed { key } => format!("✓ dismissed unrouted alert {}", sanitize::line(key)),
        Done::Attached { key, incident } => format!("✓ attached unrouted alert {} to {incident}", sanitize::line(key)),
        Done::Ingested(landed) => format!("✓ {} alerts landed", landed.len()),
        Done::Updated { audience, targets, passed_by, .. } => {
            let audience = sanitize::line(audience);
            let sent = match targets {
                0 => format!("✓ update for {audience} recorded; no notifier in warroom.yaml sends it: send it by hand"),
                n => format!("✓ update for {audience} queued to {n} notifier target(s)"),
            };
            match passed_by.as_slice() {
                [] => sent,
                pagers => format!(
                    "{sent}; not to {} (pagerduty pages, it does not inform)",
                    sanitize::line(&pagers.join(", "))
                ),
            }
        }
    }
}

fn last_event(events: &[crate::domain::event::Envelope]) -> String {
    events.last().map(|e| format!("✓ #{} {}", e.seq, crate::domain::describe::describe(e))).unwrap_or_default()
}

/// Runs the confirmed action in a thread of its own; its output and end come back as messages.
fn start_action(
    session: &Session,
    incident: String,
    prepared: Prepared,
    options: action::RunOptions,
    news: &mpsc::UnboundedSender<Msg>,
) {
    let step = prepared.step.clone();
    let (store, dir) = (session.store.clone(), session.dir.clone());
    let (actor, clock) = (session.actor.clone(), session.clock);
    let (runbooks, clocks) = (session.runbooks.clone(), session.clocks.clone());
    let news = news.clone();
    std::thread::spawn(move || {
        let output = news.clone();
        let catalog = crate::app::Catalog::of(&runbooks, &clocks);
        let app = crate::app::App::new(&*store, &dir, clock, &actor, catalog);
        let outcome = action::run(&app, &incident, &prepared, &options, |chunk: &str| {
            let _ = output.send(Msg::ActionOutput(chunk.to_owned()));
        });
        let _ = news.send(finished(&step, outcome));
    });
}

fn finished(step: &str, outcome: Result<action::Ran, AppError>) -> Msg {
    match outcome {
        Ok(ran) if ran.outcome.simulated => Msg::ActionFinished(
            true,
            format!(
                "✓ DRILL {step} simulated (dry run, #{}): nothing ran{}",
                ran.started_seq,
                if ran.ticked { "; step ticked" } else { "" }
            ),
        ),
        Ok(ran) if ran.outcome.succeeded() => Msg::ActionFinished(
            true,
            format!("✓ {step} succeeded (#{}){}", ran.started_seq, if ran.ticked { "; step ticked" } else { "" }),
        ),
        Ok(ran) => {
            let how = if ran.outcome.timed_out {
                "TIMED OUT and was killed".to_owned()
            } else {
                ran.outcome.exit_code.map_or("was killed".to_owned(), |c| format!("FAILED with exit {c}"))
            };
            Msg::ActionFinished(
                false,
                format!(
                    "✗ {step} {how}; the step stays open (#{}, output in {})",
                    ran.started_seq, ran.outcome.output_file
                ),
            )
        }
        Err(e) => Msg::ActionFinished(false, format!("✗ {step} not run: {e}")),
    }
}

/// The responder at this keyboard changes; recorded on every open incident. Refused when the
/// workspace requires signatures and this console holds no key of theirs.
fn switch_responder(session: &mut Session, to: &str) -> Result<(String, Option<String>), String> {
    Actor::check_name(to)?;
    if to == session.actor.name {
        return Err(format!("{} is already at the keyboard", sanitize::line(to)));
    }
    session.refuse_service(to)?;
    let candidate = Actor { name: to.to_owned(), ..session.actor.clone() };
    let signer =
        session.signer_of(&candidate).map_err(|why| format!("{} cannot take over: {why}", sanitize::line(to)))?;
    let from = std::mem::replace(&mut session.actor.name, to.to_owned());
    if let Err(e) = crate::app::record::switch_responder(&session.app(), &from) {
        session.actor.name = from;
        return Err(e.to_string());
    }
    Ok((format!("{} is at the keyboard (was {})", sanitize::line(to), sanitize::line(&from)), signer))
}
