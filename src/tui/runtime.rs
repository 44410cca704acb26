//! The event loop: keys, a 1 Hz tick for the countdowns, news from the log (file-system
//! notifications, no busy polling) and signals. Draws only when something changed.

use std::time::Duration as StdDuration;

use crossterm::event::{Event, EventStream, KeyEventKind};
use futures_util::StreamExt;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use super::effects::process;
use super::feed::Feed;
use super::message::Msg;
use super::model::Model;
use super::{Session, terminal, view};
use crate::listener::{self, LogTo};

pub async fn run(mut session: Session) -> Result<(), String> {
    let runbooks = (session.runbook_list)();
    let mut model = Model::new(&session.actor.name, &session.store.location(), session.tz, runbooks);
    model.parties = crate::app::bundle::workspace_parties(&session.dir);
    model.command_history = super::recall::load(&session.dir);
    model.declarable = super::forms::declarable(&session.runbooks);
    match session.signer_of(&session.actor) {
        Ok(signer) => model.signer = signer,
        Err(why) => session.startup_notices.insert(0, format!("nothing you do can be recorded: {why}")),
    }
    if !session.startup_notices.is_empty() {
        let notices = session.startup_notices.join(" · ");
        model.say(super::model::FlashKind::Refused, format!("⚠ {notices}"), session.now());
    }
    let (news_tx, mut news_rx) = mpsc::unbounded_channel::<()>();
    let (action_tx, mut action_rx) = mpsc::unbounded_channel::<Msg>();
    let store = session.store.clone();
    let follower = store
        .follow(Box::new(move || {
            let _ = news_tx.send(());
        }))
        .map_err(|e| format!("cannot follow the store: {e}"))?;
    let mut feed = Feed::new(follower);
    let mut signals = [SignalKind::terminate(), SignalKind::hangup(), SignalKind::interrupt()]
        .into_iter()
        .map(signal)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("cannot handle signals: {e}"))?;
    let [sigterm, sighup, sigint] = signals.as_mut_slice() else { return Err("signals".into()) };

    if let Some(listener) = session.listen.take() {
        let listener_log = session.dir.join("listener.log");
        let log = LogTo::file(&listener_log)?;
        let bound = listener::bind(listener, log).await?;
        model.listening = Some(bound.addr().to_string());
        tokio::spawn(bound.run());
    }
    for msg in feed.refresh() {
        process(&mut session, &mut model, &mut feed, msg, &action_tx);
    }
    let mut terminal = terminal::enter()?;
    if let Ok(size) = terminal.size() {
        process(&mut session, &mut model, &mut feed, Msg::Resized(size.width, size.height), &action_tx);
    }
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
                Some(Ok(Event::Paste(text))) => msgs.push(Msg::Paste(text)),
                Some(Ok(Event::Resize(columns, rows))) => msgs.push(Msg::Resized(columns, rows)),
                Some(Ok(_)) => {}
                Some(Err(e)) => break Err(format!("cannot read the keyboard: {e}")),
                None => break Ok(()),
            },
            _ = tick.tick() => { msgs.push(Msg::Tick); dirty = true; }
            Some(()) = news_rx.recv(), if pending.is_none() => {
                while news_rx.try_recv().is_ok() {}
                let due = last_refresh + REFRESH_GAP;
                if tokio::time::Instant::now() >= due {
                    msgs.extend(feed.refresh());
                    last_refresh = tokio::time::Instant::now();
                } else {
                    pending = Some(due);
                }
            }
            () = wait_until(pending) => {
                pending = None;
                while news_rx.try_recv().is_ok() {}
                msgs.extend(feed.refresh());
                last_refresh = tokio::time::Instant::now();
            }
            Some(msg) = action_rx.recv() => {
                let finished = matches!(msg, Msg::ActionFinished(..));
                msgs.push(msg);
                if finished {
                    msgs.extend(feed.refresh());
                }
            }
            _ = sigterm.recv() => break Ok(()),
            _ = sighup.recv() => break Ok(()),
            _ = sigint.recv() => break Ok(()),
        }
        for msg in msgs {
            process(&mut session, &mut model, &mut feed, msg, &action_tx);
            dirty = true;
        }
        if model.quit {
            break Ok(());
        }
    };
    drop(feed);
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
