//! The event loop: keys, a 1 Hz tick for the countdowns, news from the log (file-system
//! notifications, no busy polling) and signals. Draws only when something changed.

use std::time::Duration as StdDuration;

use crossterm::event::{Event, EventStream, KeyEventKind};
use futures_util::StreamExt;
use notify::{EventKind, RecursiveMode, Watcher};
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use super::feed::Feed;
use super::model::{ActionView, Model};
use super::update::{Effect, Msg, update};
use super::{Invocation, Session, terminal, view};
use crate::action::Prepared;
use crate::app::action;
use crate::app::declare::Declaration;
use crate::app::{AppError, Call, Done, perform};
use crate::domain::command::Command;
use crate::domain::event::Actor;
use crate::domain::sanitize;
use crate::listener::{self, LogTo};
use crate::store::Workspace;

pub async fn run(mut session: Session) -> Result<(), String> {
    let runbooks = session.runbook_list.clone();
    let mut model =
        Model::new(&session.actor.name, &session.workspace.root().display().to_string(), session.tz, runbooks);
    let mut feed = Feed::default();

    let (news_tx, mut news_rx) = mpsc::unbounded_channel::<()>();
    let (action_tx, mut action_rx) = mpsc::unbounded_channel::<Msg>();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        // Only writes matter; reading the logs (as the feed does) must not wake the loop.
        let changed =
            event.is_ok_and(|e| matches!(e.kind, EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)));
        if changed {
            let _ = news_tx.send(());
        }
    })
    .map_err(|e| format!("cannot watch the workspace: {e}"))?;
    let root = session.workspace.root();
    for dir in [root.to_owned(), root.join("incidents"), root.join("open")] {
        watcher.watch(&dir, RecursiveMode::NonRecursive).map_err(|e| format!("cannot watch the workspace: {e}"))?;
    }
    let mut signals = [SignalKind::terminate(), SignalKind::hangup(), SignalKind::interrupt()]
        .into_iter()
        .map(signal)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("cannot handle signals: {e}"))?;
    let [sigterm, sighup, sigint] = signals.as_mut_slice() else { return Err("signals".into()) };

    if let Some(listener) = session.listen.take() {
        let log_path = session.workspace.root().join("listener.log");
        let log = LogTo::file(&log_path)?;
        let bound = listener::bind(listener, log).await?;
        model.listening = Some(bound.addr().to_string());
        tokio::spawn(bound.run());
    }
    for msg in feed.refresh(&session.workspace) {
        update(&mut model, msg, &session.ui.keymap, session.now());
    }
    let mut terminal = terminal::enter()?;
    let mut keys = EventStream::new();
    let mut tick = tokio::time::interval(StdDuration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut dirty = true;
    let mut last_refresh = tokio::time::Instant::now();
    let mut pending: Option<tokio::time::Instant> = None;
    let outcome = loop {
        if dirty {
            let now = session.now();
            if let Err(e) = terminal.draw(|frame| view::draw(frame, &model, &session.ui, now)) {
                break Err(format!("cannot draw: {e}"));
            }
            dirty = false;
        }
        let mut msgs = Vec::new();
        tokio::select! {
            event = keys.next() => match event {
                Some(Ok(Event::Key(key))) if key.kind != KeyEventKind::Release => msgs.push(Msg::Key(key)),
                Some(Ok(Event::Resize(..))) => dirty = true,
                Some(Ok(_)) => {}
                Some(Err(e)) => break Err(format!("cannot read the keyboard: {e}")),
                None => break Ok(()),
            },
            _ = tick.tick() => { msgs.push(Msg::Tick); dirty = true; }
            Some(()) = news_rx.recv(), if pending.is_none() => {
                while news_rx.try_recv().is_ok() {}
                let due = last_refresh + REFRESH_GAP;
                if tokio::time::Instant::now() >= due {
                    msgs.extend(feed.refresh(&session.workspace));
                    last_refresh = tokio::time::Instant::now();
                } else {
                    pending = Some(due);
                }
            }
            () = wait_until(pending) => {
                pending = None;
                while news_rx.try_recv().is_ok() {}
                msgs.extend(feed.refresh(&session.workspace));
                last_refresh = tokio::time::Instant::now();
            }
            Some(msg) = action_rx.recv() => {
                let finished = matches!(msg, Msg::ActionFinished(..));
                msgs.push(msg);
                if finished {
                    msgs.extend(feed.refresh(&session.workspace));
                }
            }
            _ = sigterm.recv() => break Ok(()),
            _ = sighup.recv() => break Ok(()),
            _ = sigint.recv() => break Ok(()),
        }
        while let Some(msg) = msgs.pop() {
            let effects = update(&mut model, msg, &session.ui.keymap, session.now());
            dirty = true;
            for effect in effects {
                let outcome = carry_out(&mut session, &mut model, effect, &action_tx);
                if let Ok(Some(id)) = outcome.as_ref().map(|o| o.declared.clone()) {
                    msgs.push(Msg::Select(id));
                }
                msgs.push(Msg::Done(outcome.map(|o| o.text)));
                msgs.extend(feed.refresh(&session.workspace));
            }
            msgs.push(Msg::Health(session.workspace.is_healthy()));
            msgs.retain(|m| !matches!(m, Msg::Health(true)) || !model.healthy);
        }
        if model.quit {
            break Ok(());
        }
    };
    drop(watcher);
    terminal::leave();
    outcome
}

/// News is read at most this often, so an alert storm appending thousands of events a second
/// costs the console a few refreshes a second, not one per write.
const REFRESH_GAP: StdDuration = StdDuration::from_millis(200);

/// Completes at `at`, or never when nothing is pending.
async fn wait_until(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// What an effect did: one line for the status bar, and the id of a declared incident.
struct Outcome {
    text: String,
    declared: Option<String>,
}

impl From<String> for Outcome {
    fn from(text: String) -> Self {
        Self { text, declared: None }
    }
}

/// Carries out one effect through the application.
fn carry_out(
    session: &mut Session,
    model: &mut Model,
    effect: Effect,
    news: &mpsc::UnboundedSender<Msg>,
) -> Result<Outcome, String> {
    let call = match effect {
        Effect::RunAction { incident, prepared } => return Ok(start_action(session, model, incident, *prepared, news)),
        Effect::SwitchResponder { to } => return switch_responder(session, model, to).map(Outcome::from),
        Effect::Execute { incident, command: Command::Close { force, reason } } => {
            Call::Close { incident, force, reason, redact: false }
        }
        Effect::Execute { incident, command } => Call::Record { incident, command },
        Effect::Declare { runbook } => Call::Declare(Declaration { runbook, ..Declaration::default() }),
        Effect::DeclareFromAlert { key, runbook } => Call::DeclareFromAlert { key, runbook },
        Effect::DismissAlert { key, reason } => Call::DismissAlert { key, reason },
        Effect::CommandLine(line) => {
            let selected = model.current().map(|e| e.incident.id.clone());
            let Invocation { actor, call } = (session.parse_command)(&line, selected.as_deref(), session.now())?;
            if let Some(name) = actor {
                let actor = Actor { name, ..session.actor.clone() };
                let app = session.app();
                return perform(&app.acting_as(&actor), call).map(|done| outcome(&done)).map_err(|e| e.to_string());
            }
            call
        }
    };
    perform(&session.app(), call).map(|done| outcome(&done)).map_err(|e| e.to_string())
}

/// What the status bar says of a call that was carried out.
fn outcome(done: &Done) -> Outcome {
    let text = match done {
        Done::Declared { id } => {
            format!("✓ declared {id}; record awareness with d to start its clocks if it is not yet")
        }
        Done::Drilled { id, runbook, speed } => format!("✓ DRILL {id} on {runbook}: clocks run {speed}× faster"),
        Done::DeclaredFromAlert { id, key, runbook } => {
            format!("✓ declared {id} on {runbook} from unrouted alert {}", sanitize::line(key))
        }
        Done::Recorded(recorded) => last_event(&recorded.events),
        Done::Closed { recorded, bundle } => {
            format!("✓ closed {}; bundle written to {}", recorded.incident, bundle.display())
        }
        Done::Exported { incident, bundle } => format!("✓ {incident}: bundle written to {}", bundle.display()),
        Done::Dismissed { key } => format!("✓ dismissed unrouted alert {}", sanitize::line(key)),
        Done::Ingested(landed) => format!("✓ {} alerts landed", landed.len()),
    };
    Outcome { text, declared: done.declared().map(str::to_owned) }
}

fn last_event(events: &[crate::domain::event::Envelope]) -> String {
    events.last().map(|e| format!("✓ #{} {}", e.seq, crate::domain::describe::describe(e))).unwrap_or_default()
}

/// Runs the confirmed action in a thread of its own; its output and end come back as messages.
fn start_action(
    session: &Session,
    model: &mut Model,
    incident: String,
    prepared: Prepared,
    news: &mpsc::UnboundedSender<Msg>,
) -> Outcome {
    let step = prepared.step.clone();
    model.action = Some(ActionView {
        incident: incident.clone(),
        step: step.clone(),
        argv: prepared.argv.clone(),
        output: String::new(),
        finished: None,
    });
    let root = session.workspace.root().to_owned();
    let (actor, clock) = (session.actor.clone(), session.clock);
    let (runbooks, clocks) = (session.runbooks.clone(), session.clocks.clone());
    let news = news.clone();
    let running = format!("running {step}…");
    std::thread::spawn(move || {
        let output = news.clone();
        let outcome = Workspace::open(&root).map_err(AppError::from).and_then(|store| {
            let catalog = crate::app::Catalog::of(&runbooks, &clocks);
            let app = crate::app::App { store: &store, dir: &root, clock, actor: &actor, catalog };
            action::run(&app, &incident, &prepared, |chunk| {
                let _ = output.send(Msg::ActionOutput(chunk.to_owned()));
            })
        });
        let _ = news.send(finished(&step, outcome));
    });
    running.into()
}

fn finished(step: &str, outcome: Result<action::Ran, AppError>) -> Msg {
    match outcome {
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

/// The responder at this keyboard changes; recorded on every open incident.
fn switch_responder(session: &mut Session, model: &mut Model, to: String) -> Result<String, String> {
    if to.is_empty() || to == session.actor.name {
        return Err(format!("{} is already at the keyboard", sanitize::line(&to)));
    }
    let from = std::mem::replace(&mut session.actor.name, to.clone());
    model.actor = to.clone();
    let now = session.now();
    for entry in &model.incidents {
        let command = Command::SwitchResponder { from: from.clone() };
        session.workspace.execute(&entry.incident.id, &session.actor, now, command).map_err(|e| e.to_string())?;
    }
    Ok(format!("{} is at the keyboard (was {})", sanitize::line(&to), sanitize::line(&from)))
}
