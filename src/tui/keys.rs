//! Keys in the main view, the help, the ledger and the inbox: each becomes a keymap action that
//! moves a cursor, opens a form, or asks for an effect. Forms handle their own keys.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent};

use super::forms;
use super::keymap::{Action, Keymap};
use super::message::Effect;
use super::model::{FlashKind, Mode, Model, Pane};
use crate::domain::command::Command;

const PAGE: usize = 10;

pub fn on_key(model: &mut Model, key: KeyEvent, keymap: &Keymap, now: DateTime<Utc>) -> Vec<Effect> {
    let drafts = super::panes::drafts::page_count(model);
    let help = matches!(model.mode, Mode::Help { .. });
    match &mut model.mode {
        Mode::Form(_) => return forms::input::on_key(model, key, now),
        Mode::Help { scroll } | Mode::Effects { scroll } => {
            // Help knows its length here (the ledger's rows stop at render).
            let last = if help { keymap.bindings.len().saturating_sub(1) } else { usize::MAX };
            match keymap.action(&key) {
                Some(Action::Down) => *scroll = (*scroll + 1).min(last),
                Some(Action::Up) => *scroll = scroll.saturating_sub(1),
                Some(Action::PageDown) => *scroll = (*scroll + PAGE).min(last),
                Some(Action::PageUp) => *scroll = scroll.saturating_sub(PAGE),
                Some(Action::Top) => *scroll = 0,
                Some(Action::Bottom) if help => *scroll = last,
                _ => model.mode = Mode::Normal,
            }
            return Vec::new();
        }
        Mode::Drafts { page, scroll } => {
            let pages = drafts.max(1);
            match keymap.action(&key) {
                Some(Action::Down) => *scroll += 1,
                Some(Action::Up) => *scroll = scroll.saturating_sub(1),
                Some(Action::PageDown) => *scroll += PAGE,
                Some(Action::PageUp) => *scroll = scroll.saturating_sub(PAGE),
                Some(Action::Top) => *scroll = 0,
                Some(Action::FocusNext) => (*page, *scroll) = ((*page + 1) % pages, 0),
                Some(Action::FocusPrev) => (*page, *scroll) = ((*page + pages - 1) % pages, 0),
                _ => model.mode = Mode::Normal,
            }
            return Vec::new();
        }
        Mode::Detail { .. } => return super::browse::on_detail_key(model, &key, keymap, now),
        Mode::Browse { .. } => return super::found::on_key(model, &key, keymap, now),
        Mode::Inbox { cursor } => {
            let cursor = *cursor;
            if key.code == KeyCode::Esc {
                model.inbox_marks.clear();
                model.mode = Mode::Normal;
                return Vec::new();
            }
            return keymap.action(&key).map_or_else(Vec::new, |action| on_inbox_action(model, action, cursor, now));
        }
        Mode::Normal => {}
    }
    if key.code == KeyCode::Esc {
        if model.action.as_ref().is_some_and(|a| a.finished.is_some()) {
            model.action = None;
        } else {
            model.flash = None;
        }
        return Vec::new();
    }
    let Some(action) = keymap.action(&key) else { return Vec::new() };
    on_action(model, action, now)
}

/// In the unrouted inbox: move, declare an incident from the alert, dismiss it, or leave.
fn on_inbox_action(model: &mut Model, action: Action, cursor: usize, now: DateTime<Utc>) -> Vec<Effect> {
    let last = model.unrouted.len().saturating_sub(1);
    let moved = match action {
        Action::Up => cursor.saturating_sub(1),
        Action::Down => (cursor + 1).min(last),
        Action::PageUp => cursor.saturating_sub(PAGE),
        Action::PageDown => (cursor + PAGE).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        Action::Tick => {
            if let Some(key) = model.unrouted.get(cursor).map(|item| item.alert.key.clone())
                && !model.inbox_marks.remove(&key)
            {
                model.inbox_marks.insert(key);
            }
            (cursor + 1).min(last)
        }
        Action::Declare | Action::DismissAlert | Action::AttachAlert => {
            let waiting: Vec<String> = model
                .unrouted
                .iter()
                .map(|item| item.alert.key.clone())
                .filter(|key| model.inbox_marks.contains(key) && action != Action::Declare)
                .collect();
            let form = model.unrouted.get(cursor).and_then(|item| forms::for_alert(model, action, item, &waiting));
            match form {
                Some(form) => model.open_form_over(form),
                None if model.unrouted.is_empty() => model.say(FlashKind::Refused, "no unrouted alert to act on", now),
                None => model.say(FlashKind::Refused, "no open incident to attach it to: D declares one from it", now),
            }
            return Vec::new();
        }
        Action::Help => {
            model.mode = Mode::Help { scroll: 0 };
            return Vec::new();
        }
        Action::Inbox | Action::Quit => {
            model.inbox_marks.clear();
            model.mode = Mode::Normal;
            return Vec::new();
        }
        _ => cursor,
    };
    model.mode = Mode::Inbox { cursor: moved };
    Vec::new()
}

fn on_action(model: &mut Model, action: Action, now: DateTime<Utc>) -> Vec<Effect> {
    match action {
        Action::Quit => model.quit = true,
        Action::Help => model.mode = Mode::Help { scroll: 0 },
        Action::FocusNext | Action::FocusPrev => {
            let at = Pane::ORDER.iter().position(|p| *p == model.focus).unwrap_or(0);
            let step = if action == Action::FocusNext { 1 } else { Pane::ORDER.len() - 1 };
            model.focus = Pane::ORDER[(at + step) % Pane::ORDER.len()];
        }
        Action::FocusIncidents => model.focus = Pane::Incidents,
        Action::FocusClocks => model.focus = Pane::Clocks,
        Action::FocusChecklist => model.focus = Pane::Checklist,
        Action::FocusLog => model.focus = Pane::Log,
        Action::Up => step_cursor(model, -1),
        Action::Down => step_cursor(model, 1),
        Action::PageUp => step_cursor(model, -(PAGE as i64)),
        Action::PageDown => step_cursor(model, PAGE as i64),
        Action::Top => step_cursor(model, i64::MIN / 2),
        Action::Bottom => step_cursor(model, i64::MAX / 2),
        Action::ToggleTimes => model.local_times = !model.local_times,
        Action::Inbox => model.mode = Mode::Inbox { cursor: 0 },
        Action::History => return vec![Effect::Find { query: None }],
        Action::Effects => model.mode = Mode::Effects { scroll: 0 },
        Action::Drafts => model.mode = Mode::Drafts { page: first_draft(model, now), scroll: 0 },
        Action::RunAction => return forms::action::run(model, false, now),
        Action::Undo => return forms::action::run(model, true, now),
        Action::Approve => return forms::action::approve(model, now),
        Action::DismissAlert => {
            model.say(FlashKind::Refused, "dismissing is for unrouted alerts: open the inbox first", now);
        }
        Action::Tick | Action::ForceTick | Action::TickNote => return tick(model, action, now),
        Action::Detail => super::browse::open_selected(model, now),
        Action::Message => super::browse::open(model, super::model::Detail::Message),
        Action::Alerts => super::browse::open(model, super::model::Detail::Alerts),
        Action::Roles => super::browse::open(model, super::model::Detail::Roles),
        Action::AcceptCommand => {
            let offered =
                model.incidents.iter().find(|e| e.incident.handover.as_ref().is_some_and(|h| h.to == model.actor));
            let id = offered.map(|e| e.incident.id.clone());
            if id.is_some() {
                model.reselect(id.as_deref());
            }
            if let Some(form) = forms::open(model, action, now) {
                model.mode = Mode::Form(Box::new(form));
            }
        }
        other => {
            if let Some(form) = forms::open(model, other, now) {
                model.mode = Mode::Form(Box::new(form));
            }
        }
    }
    Vec::new()
}

/// Ticks the step under the cursor; a step whose record matters (evidence, a filing, a message),
/// or `T`, first asks what was done.
fn tick(model: &mut Model, action: Action, now: DateTime<Utc>) -> Vec<Effect> {
    let (Some(incident), Some(step)) = (selected_id(model), model.cursor_step().map(str::to_owned)) else {
        return nothing_selected(model, now);
    };
    if let Some(form) = decision_first(model, &step, now) {
        model.mode = Mode::Form(Box::new(form));
        return Vec::new();
    }
    let defined = model.current().and_then(|e| e.incident.step(&step)).map(|(s, _)| (s.kind, !s.files.is_empty()));
    let force = action == Action::ForceTick;
    let forced_past: Vec<String> = match model.current().filter(|_| force) {
        Some(entry) => entry.incident.step(&step).map_or_else(Vec::new, |(definition, _)| {
            entry.incident.open_dependencies(definition).map(str::to_owned).collect()
        }),
        None => Vec::new(),
    };
    let asks = action == Action::TickNote
        || !forced_past.is_empty()
        || defined.is_some_and(|(kind, _)| forms::asks_on_tick(kind));
    if let (true, Some((kind, files))) = (asks, defined) {
        // Refused whatever the answer (done already, steps before it open): say so before
        // asking what was done.
        let entry = model.current().map(|e| &e.incident);
        let tick = Command::Tick { step: step.clone(), note: Some("…".to_owned()), force, override_hold: None };
        if let Err(refusal) = crate::domain::decide::decide(entry, tick, now, &model.actor) {
            model.say(FlashKind::Refused, format!("refused: {refusal}"), now);
            return Vec::new();
        }
        let form = forms::tick(Some(incident), &step, (kind, files), &forced_past, action == Action::TickNote);
        model.mode = Mode::Form(Box::new(form));
        return Vec::new();
    }
    vec![Effect::Execute { incident, command: Command::Tick { step, note: None, force, override_hold: None } }]
}

/// The filing of the clock under the cursor when the clocks pane has the focus, else the first page.
fn first_draft(model: &Model, now: DateTime<Utc>) -> usize {
    let Some(entry) = model.current().filter(|_| model.focus == Pane::Clocks) else { return 0 };
    let statuses = entry.incident.clock_statuses(now);
    let Some(clock) = statuses.get(model.clock_cursor).map(|s| s.def.id.as_str()) else { return 0 };
    super::panes::drafts::filing_page(model, clock).unwrap_or(0)
}

fn nothing_selected(model: &mut Model, now: DateTime<Utc>) -> Vec<Effect> {
    model.say(FlashKind::Refused, "no incident selected: declare one with D", now);
    Vec::new()
}

fn selected_id(model: &Model) -> Option<String> {
    model.current().map(|e| e.incident.id.clone())
}

fn step_cursor(model: &mut Model, delta: i64) {
    let clamp = |value: usize, len: usize| -> usize {
        let moved = (value as i64).saturating_add(delta).max(0) as usize;
        moved.min(len.saturating_sub(1))
    };
    match model.focus {
        Pane::Incidents => {
            let before = model.selected;
            model.selected = clamp(model.selected, model.incidents.len());
            if model.selected != before {
                model.point_at_current_step();
            }
        }
        Pane::Checklist => {
            let len = model.current().map_or(0, |e| e.incident.steps.len());
            model.step_cursor = clamp(model.step_cursor, len);
        }
        Pane::Clocks => {
            let len = model.current().map_or(0, |e| e.incident.clocks.len());
            model.clock_cursor = clamp(model.clock_cursor, len);
        }
        Pane::Log => {
            let len = if model.log.filter.is_some() {
                model.visible_log().len()
            } else {
                model.current().map_or(0, |e| e.timeline.len())
            };
            let up = -delta;
            model.log.from_bottom =
                ((model.log.from_bottom as i64).saturating_add(up).max(0) as usize).min(len.saturating_sub(1));
        }
    }
}

/// The decision form, when the step under the cursor is pending and done by recording a
/// decision not yet recorded (the tick itself would be refused).
fn decision_first(model: &Model, step: &str, now: DateTime<Utc>) -> Option<crate::tui::form::Form> {
    let incident = &model.current()?.incident;
    let (definition, state) = incident.step(step)?;
    if state.status != crate::domain::incident::StepStatus::Pending {
        return None;
    }
    let missing = definition.records.iter().find(|d| incident.clock_facts.decided(**d).is_none())?;
    forms::clocks::decide_for_step(model, *missing, step, now)
}
