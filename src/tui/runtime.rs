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
use super::{Parsed, Session, terminal, view};
use crate::domain::command::Command;
use crate::domain::sanitize;
use crate::ingest::Router;
use crate::ingest::intake::Intake;
use crate::ingest::listener::{self, LogTo};
use crate::store::bundle;
use crate::store::{EventStore, Workspace};

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

/// The alert intake over this console's workspace, runbooks and clocks.
fn with_intake<T>(session: &Session, take: impl FnOnce(&Intake<'_>) -> T) -> T {
    let router = Router::new(&session.runbooks);
    take(&Intake {
        workspace: &session.workspace,
        router: &router,
        runbooks: &session.runbooks,
        clocks: &session.clocks,
    })
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

/// Carries out one effect against the store.
fn carry_out(
    session: &mut Session,
    model: &mut Model,
    effect: Effect,
    news: &mpsc::UnboundedSender<Msg>,
) -> Result<Outcome, String> {
    let now = session.now();
    match effect {
        Effect::RunAction { incident, step } => {
            let state = model
                .incidents
                .iter()
                .find(|e| e.incident.id == incident)
                .map(|e| &e.incident)
                .ok_or_else(|| format!("{incident} is no longer open"))?;
            let prepared = crate::action::prepare(state, &step, &session.actor.name, now)?;
            model.action = Some(ActionView {
                incident: incident.clone(),
                step: step.clone(),
                argv: prepared.argv.clone(),
                output: String::new(),
                finished: None,
            });
            let root = session.workspace.root().to_owned();
            let actor = session.actor.clone();
            let clock = session.clock;
            let news = news.clone();
            let running = format!("running {step}…");
            std::thread::spawn(move || {
                let output = news.clone();
                let outcome = Workspace::open(&root).and_then(|workspace| {
                    crate::action::run(&workspace, &incident, &prepared, &actor, &clock, |chunk| {
                        let _ = output.send(Msg::ActionOutput(chunk.to_owned()));
                    })
                });
                let finished = match outcome {
                    Ok(ran) if ran.outcome.succeeded() => Msg::ActionFinished(
                        true,
                        format!(
                            "✓ {step} succeeded (#{}){}",
                            ran.started_seq,
                            if ran.ticked { "; step ticked" } else { "" }
                        ),
                    ),
                    Ok(ran) => Msg::ActionFinished(
                        false,
                        format!(
                            "✗ {step} {}; the step stays open (#{}, output in {})",
                            if ran.outcome.timed_out {
                                "TIMED OUT and was killed".to_owned()
                            } else {
                                ran.outcome
                                    .exit_code
                                    .map_or("was killed".to_owned(), |c| format!("FAILED with exit {c}"))
                            },
                            ran.started_seq,
                            ran.outcome.output_file
                        ),
                    ),
                    Err(e) => Msg::ActionFinished(false, format!("✗ {step} not run: {e}")),
                };
                let _ = news.send(finished);
            });
            Ok(running.into())
        }
        Effect::Execute { incident, command } => {
            let closing = matches!(command, Command::Close { .. });
            let text = execute(session, &incident, command)?;
            if !closing {
                return Ok(text.into());
            }
            let id = session.workspace.resolve_id(&incident).map_err(|e| e.to_string())?;
            let out = bundle::default_dir(&session.workspace, &id, now);
            let options = bundle::options(&session.workspace, &session.actor.name, now, false);
            match bundle::export(&session.workspace, &id, &out, &options) {
                Ok(dir) => Ok(format!("✓ closed {id}; bundle written to {}", dir.display()).into()),
                Err(e) => Err(format!("closed {id}, but the bundle was not written: {e} (run warroom export {id})")),
            }
        }
        Effect::Declare { runbook } => declare(session, &runbook),
        Effect::DeclareFromAlert { key, runbook } => {
            let id = with_intake(session, |intake| intake.declare_unrouted(&key, &runbook, &session.actor, now))
                .map_err(|e| e.to_string())?;
            let text = format!("✓ declared {id} on {} from unrouted alert {}", runbook, sanitize::line(&key));
            Ok(Outcome { text, declared: Some(id) })
        }
        Effect::DismissAlert { key, reason } => {
            session
                .workspace
                .inbox_transact(&session.actor, now, |inbox| Ok(vec![inbox.dismiss(&key, reason)?]))
                .map_err(|e| e.to_string())?;
            Ok(format!("✓ dismissed unrouted alert {}", sanitize::line(&key)).into())
        }
        Effect::SwitchResponder { to } => {
            if to.is_empty() || to == session.actor.name {
                return Err(format!("{} is already at the keyboard", sanitize::line(&to)));
            }
            let from = std::mem::replace(&mut session.actor.name, to.clone());
            model.actor = to.clone();
            for entry in &model.incidents {
                let command = Command::SwitchResponder { from: from.clone() };
                session
                    .workspace
                    .execute(&entry.incident.id, &session.actor, now, command)
                    .map_err(|e| e.to_string())?;
            }
            Ok(format!("{} is at the keyboard (was {})", sanitize::line(&to), sanitize::line(&from)).into())
        }
        Effect::CommandLine(line) => {
            let selected = model.current().map(|e| e.incident.id.clone());
            match (session.parse_command)(&line, selected.as_deref(), now)? {
                Parsed::Execute { incident, command } => execute(session, &incident, command).map(Outcome::from),
                Parsed::Declare { runbook } => declare(session, &runbook),
                Parsed::Drill { runbook, speed, micro } => {
                    let plan = crate::ingest::drill::DrillPlan { runbook: runbook.clone(), speed, micro, alert: None };
                    let id = with_intake(session, |intake| intake.drill(plan, &session.actor, now))
                        .map_err(|e| e.to_string())?;
                    let text = format!("✓ DRILL {id} on {runbook}: clocks run {speed}× faster");
                    Ok(Outcome { text, declared: Some(id) })
                }
            }
        }
    }
}

fn execute(session: &Session, incident: &str, command: Command) -> Result<String, String> {
    let incident = session.workspace.resolve_id(incident).map_err(|e| e.to_string())?;
    let incident = incident.as_str();
    let written =
        session.workspace.execute(incident, &session.actor, session.now(), command).map_err(|e| e.to_string())?;
    let last =
        written.last().map(|e| format!("✓ #{} {}", e.seq, crate::domain::describe::describe(e))).unwrap_or_default();
    Ok(last)
}

fn declare(session: &Session, runbook: &str) -> Result<Outcome, String> {
    let Some(runbook) = session.runbooks.iter().find(|r| r.id == runbook).cloned() else {
        return Err(format!("no runbook {:?}", sanitize::line(runbook)));
    };
    let clocks: Vec<_> =
        runbook.clocks.iter().filter_map(|c| session.clocks.iter().find(|d| d.id == *c).cloned()).collect();
    let command = |id: String| Command::Declare {
        id,
        runbook: Box::new(runbook.clone()),
        clocks: clocks.clone(),
        severity: None,
        title: None,
        aware_at: None,
        drill: false,
        from_alert: None,
    };
    let id = session.workspace.declare(&session.actor, session.now(), &command).map_err(|e| e.to_string())?;
    let text = format!("✓ declared {id} from {}; record awareness with d to start its clocks", runbook.id);
    Ok(Outcome { text, declared: Some(id) })
}
