//! `update`: the console's one place of change. A message (a key, a tick, news from the log,
//! the outcome of a command) changes the view model and may ask for effects (append, declare,
//! switch responder), which the event loop carries out and reports back. No I/O here.

use chrono::{DateTime, Duration, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::form::{Field, FieldKind, Form};
use super::keymap::{Action, Keymap};
use super::model::{ACTION_OUTPUT_LIMIT, ActionView, Flash, FlashKind, IncidentEntry, LogLine, Mode, Model, Pane};
use crate::domain::clock::{ClockState, Decision, SubmissionPhase};
use crate::domain::command::Command;
use crate::domain::inbox::InboxItem;
use crate::domain::incident::{Incident, IncidentState};
use crate::domain::when;

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Tick,
    /// An incident changed: its state now and the lines appended since the last news.
    Changed {
        incident: Box<Incident>,
        appended: Vec<LogLine>,
    },
    /// An incident is no longer open (closed, here or elsewhere).
    Gone(String),
    /// A command's outcome: what was recorded, or the one-line reason it was refused.
    Done(Result<String, String>),
    Health(bool),
    /// Show this incident (one this console just declared).
    Select(String),
    /// The unrouted alerts waiting now.
    Unrouted(Vec<InboxItem>),
    /// Output from the running action.
    ActionOutput(String),
    /// The running action ended: succeeded or not, and the one-line outcome.
    ActionFinished(bool, String),
    /// Another responder is at this keyboard now (recorded on every open incident).
    ResponderSwitched {
        to: String,
        text: String,
    },
}

#[derive(Debug, PartialEq, Eq)]
pub enum Effect {
    Execute {
        incident: String,
        command: Command,
    },
    Declare {
        runbook: String,
    },
    DeclareFromAlert {
        key: String,
        runbook: String,
    },
    DismissAlert {
        key: String,
        reason: String,
    },
    /// Run exactly the action the responder confirmed.
    RunAction {
        incident: String,
        prepared: Box<crate::action::Prepared>,
    },
    SwitchResponder {
        to: String,
    },
    /// A `:` line, with the incident `.` stands for.
    CommandLine {
        line: String,
        selected: Option<String>,
    },
}

const PAGE: usize = 10;
const FLASH_SECONDS: i64 = 8;

pub fn update(model: &mut Model, msg: Msg, keymap: &Keymap, now: DateTime<Utc>) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => on_key(model, key, keymap, now),
        Msg::Tick => {
            if model.flash.as_ref().is_some_and(|f| f.until <= now) {
                model.flash = None;
            }
            Vec::new()
        }
        Msg::Changed { incident, appended } => {
            on_changed(model, *incident, appended);
            Vec::new()
        }
        Msg::Gone(id) => {
            let selected = model.current().map(|e| e.incident.id.clone());
            model.incidents.retain(|e| e.incident.id != id);
            reselect(model, selected.as_deref());
            Vec::new()
        }
        Msg::Done(outcome) => {
            let (kind, text) = match outcome {
                Ok(text) => (FlashKind::Done, text),
                Err(text) => (FlashKind::Refused, text),
            };
            model.flash = Some(Flash { kind, text, until: now + Duration::seconds(FLASH_SECONDS) });
            Vec::new()
        }
        Msg::Health(healthy) => {
            model.healthy = healthy;
            Vec::new()
        }
        Msg::Unrouted(items) => {
            model.unrouted = items;
            if let Mode::Inbox { cursor } = &mut model.mode {
                *cursor = (*cursor).min(model.unrouted.len().saturating_sub(1));
            }
            Vec::new()
        }
        Msg::ActionOutput(text) => {
            if let Some(view) = model.action.as_mut() {
                view.output.push_str(&text);
                if view.output.len() > ACTION_OUTPUT_LIMIT {
                    let cut = view.output.len() - ACTION_OUTPUT_LIMIT;
                    let cut = (cut..view.output.len()).find(|i| view.output.is_char_boundary(*i)).unwrap_or(cut);
                    view.output.drain(..cut);
                }
            }
            Vec::new()
        }
        Msg::ActionFinished(ok, text) => {
            if let Some(view) = model.action.as_mut() {
                view.finished = Some((ok, text.clone()));
            }
            let kind = if ok { FlashKind::Done } else { FlashKind::Refused };
            model.flash = Some(Flash { kind, text, until: now + Duration::seconds(FLASH_SECONDS) });
            Vec::new()
        }
        Msg::ResponderSwitched { to, text } => {
            model.actor = to;
            model.flash = Some(Flash { kind: FlashKind::Done, text, until: now + Duration::seconds(FLASH_SECONDS) });
            Vec::new()
        }
        Msg::Select(id) => {
            if let Some(index) = model.incidents.iter().position(|e| e.incident.id == id) {
                model.selected = index;
                model.focus = Pane::Checklist;
                point_at_current_step(model);
            }
            Vec::new()
        }
    }
}

fn on_changed(model: &mut Model, incident: Incident, appended: Vec<LogLine>) {
    let selected = model.current().map(|e| e.incident.id.clone());
    let is_selected = selected.as_deref() == Some(incident.id.as_str());
    if is_selected && !model.log.follows() {
        model.log.from_bottom += appended.len();
    }
    let cursor = model.step_cursor;
    match model.incidents.iter_mut().find(|e| e.incident.id == incident.id) {
        Some(entry) => {
            let was_open = entry.incident.steps.get(cursor).is_some_and(|s| s.status.is_open());
            let now_open = incident.steps.get(cursor).is_some_and(|s| s.status.is_open());
            entry.incident = incident;
            entry.timeline.extend(appended);
            if is_selected && was_open && !now_open {
                let current = entry.incident.current_step().map(|s| s.id.clone());
                model.step_cursor = current.and_then(|id| entry.incident.runbook.step_index(&id)).unwrap_or(cursor);
            }
        }
        None => {
            model.incidents.push(IncidentEntry { incident, timeline: appended });
            model.incidents.sort_by(|a, b| a.incident.id.cmp(&b.incident.id));
        }
    }
    reselect(model, selected.as_deref());
    if selected.is_none() {
        point_at_current_step(model);
    }
}

fn reselect(model: &mut Model, id: Option<&str>) {
    let found = id.and_then(|id| model.incidents.iter().position(|e| e.incident.id == id));
    model.selected = found.unwrap_or(0).min(model.incidents.len().saturating_sub(1));
    let steps = model.current().map_or(0, |e| e.incident.steps.len());
    model.step_cursor = model.step_cursor.min(steps.saturating_sub(1));
}

fn point_at_current_step(model: &mut Model) {
    let Some(entry) = model.current() else { return };
    let current = entry.incident.current_step().map(|s| s.id.clone());
    model.step_cursor = current.and_then(|id| entry.incident.runbook.step_index(&id)).unwrap_or(0);
    model.clock_cursor = 0;
    model.log.from_bottom = 0;
}

fn on_key(model: &mut Model, key: KeyEvent, keymap: &Keymap, now: DateTime<Utc>) -> Vec<Effect> {
    match &mut model.mode {
        Mode::Form(_) => return on_form_key(model, key, now),
        Mode::Help { scroll } => {
            match keymap.action(&key) {
                Some(Action::Down) => *scroll += 1,
                Some(Action::Up) => *scroll = scroll.saturating_sub(1),
                _ => model.mode = Mode::Normal,
            }
            return Vec::new();
        }
        Mode::Effects { scroll } => {
            match keymap.action(&key) {
                Some(Action::Down) => *scroll += 1,
                Some(Action::Up) => *scroll = scroll.saturating_sub(1),
                _ => model.mode = Mode::Normal,
            }
            return Vec::new();
        }
        Mode::Inbox { cursor } => {
            let cursor = *cursor;
            if key.code == KeyCode::Esc {
                model.mode = Mode::Normal;
                return Vec::new();
            }
            return keymap.action(&key).map_or_else(Vec::new, |action| on_inbox_action(model, action, cursor, now));
        }
        Mode::Normal => {}
    }
    if key.code == KeyCode::Esc && model.action.as_ref().is_some_and(|a| a.finished.is_some()) {
        model.action = None;
        return Vec::new();
    }
    let Some(action) = keymap.action(&key) else { return Vec::new() };
    on_action(model, action, now)
}

/// `r`: the step's action, after its approval (two-person) and a confirmation showing the argv.
fn run_action(model: &mut Model, now: DateTime<Utc>) -> Vec<Effect> {
    let (Some(entry), Some(step)) = (model.current(), model.cursor_step().map(str::to_owned)) else {
        return nothing_selected(model, now);
    };
    let refuse = |model: &mut Model, text: String| {
        model.flash = Some(Flash { kind: FlashKind::Refused, text, until: now + Duration::seconds(FLASH_SECONDS) });
        Vec::new()
    };
    if model.action.as_ref().is_some_and(|a| a.finished.is_none()) {
        return refuse(model, "an action is still running; wait for it to finish".to_owned());
    }
    let incident = entry.incident.id.clone();
    let prepared = match crate::action::prepare(&entry.incident, &step, &model.actor, now) {
        Ok(prepared) => prepared,
        Err(why) => return refuse(model, why),
    };
    let containment = &entry.incident.containment;
    if prepared.two_person && containment.usable_approval(&step, now).is_none() {
        if let Some(waiting) = containment.waiting_request(&step, now) {
            let text = format!(
                "{step} waits for a second responder's approval (requested by {}; V in their console)",
                waiting.requested_by
            );
            return refuse(model, text);
        }
        return vec![Effect::Execute { incident, command: Command::RequestApproval { step } }];
    }
    let argv = prepared.argv.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>().join(" ");
    let question = format!("Run, without a shell, with a {}s timeout: {argv}", prepared.timeout.as_secs());
    model.confirming = Some(prepared);
    let form = Form::new(
        Action::RunAction,
        format!("Run the action of {step}"),
        Some(incident),
        vec![Field::confirm(&question)],
    );
    model.mode = Mode::Form(Box::new(form.for_step(&step)));
    Vec::new()
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
        Action::Declare | Action::DismissAlert => {
            let Some(item) = model.unrouted.get(cursor) else {
                model.flash = Some(Flash {
                    kind: FlashKind::Refused,
                    text: "no unrouted alert to act on".to_owned(),
                    until: now + Duration::seconds(FLASH_SECONDS),
                });
                return Vec::new();
            };
            let key = item.alert.key.clone();
            let name = item.alert.name().to_owned();
            let form = if action == Action::Declare {
                Form::new(
                    Action::Declare,
                    format!("Declare an incident from alert {name}"),
                    None,
                    vec![
                        Field::choice(
                            "Runbook (its default severity; aware is recorded at the alert's start)",
                            model.runbooks.clone(),
                        ),
                        Field::confirm("Declare it now?"),
                    ],
                )
            } else {
                Form::new(
                    Action::DismissAlert,
                    format!("Dismiss alert {name}"),
                    None,
                    vec![Field::text("Why it needs no incident (kept in the inbox log)", true)],
                )
            };
            model.mode = Mode::Form(Box::new(form.for_alert(&key)));
            return Vec::new();
        }
        Action::Help => {
            model.mode = Mode::Help { scroll: 0 };
            return Vec::new();
        }
        Action::Inbox | Action::Quit => {
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
        Action::Effects => model.mode = Mode::Effects { scroll: 0 },
        Action::RunAction => return run_action(model, now),
        Action::Approve => {
            let (Some(incident), Some(step)) = (selected_id(model), model.cursor_step().map(str::to_owned)) else {
                return nothing_selected(model, now);
            };
            return vec![Effect::Execute { incident, command: Command::Approve { step } }];
        }
        Action::DismissAlert => {
            model.flash = Some(Flash {
                kind: FlashKind::Refused,
                text: "dismissing is for unrouted alerts: open the inbox first".to_owned(),
                until: now + Duration::seconds(FLASH_SECONDS),
            });
        }
        Action::Tick | Action::ForceTick => {
            let (Some(incident), Some(step)) = (selected_id(model), model.cursor_step().map(str::to_owned)) else {
                return nothing_selected(model, now);
            };
            let force = action == Action::ForceTick;
            return vec![Effect::Execute {
                incident,
                command: Command::Tick { step, note: None, force, override_hold: None },
            }];
        }
        other => open_form(model, other, now),
    }
    Vec::new()
}

fn nothing_selected(model: &mut Model, now: DateTime<Utc>) -> Vec<Effect> {
    model.flash = Some(Flash {
        kind: FlashKind::Refused,
        text: "no incident selected: declare one with D".to_owned(),
        until: now + Duration::seconds(FLASH_SECONDS),
    });
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
                point_at_current_step(model);
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

fn open_form(model: &mut Model, action: Action, now: DateTime<Utc>) {
    let incident = selected_id(model);
    let needs_incident =
        !matches!(action, Action::Declare | Action::SwitchResponder | Action::CommandLine | Action::Search);
    if needs_incident && incident.is_none() {
        nothing_selected(model, now);
        return;
    }
    let step = model.cursor_step().map(str::to_owned).unwrap_or_default();
    let entry = model.current();
    let form = match action {
        Action::Skip => {
            Form::new(Action::Skip, format!("Skip {step}"), incident, vec![Field::text("Reason for skipping", true)])
                .for_step(&step)
        }
        Action::Reopen => Form::new(
            Action::Reopen,
            format!("Reopen {step}"),
            incident,
            vec![Field::text("Reason for reopening", true)],
        )
        .for_step(&step),
        Action::OverrideHold => Form::new(
            Action::OverrideHold,
            format!("Tick {step} past the AI Act evidence hold"),
            incident,
            vec![
                Field::text("Why the AI system must change before the authority is informed", true),
                Field::confirm("This is logged as the commander's override of Art. 73(6). Continue?"),
            ],
        )
        .for_step(&step),
        Action::Note => Form::new(
            Action::Note,
            "Add a note",
            incident,
            vec![Field::multiline("Note (TODO: … becomes an action item)")],
        ),
        Action::Severity => {
            let levels = entry
                .map(|e| {
                    e.incident
                        .runbook
                        .severity
                        .levels
                        .iter()
                        .map(|l| (l.id.clone(), format!("{} — {}", l.name, l.definition)))
                        .collect()
                })
                .unwrap_or_default();
            Form::new(
                Action::Severity,
                "Change severity",
                incident,
                vec![Field::choice("Severity", levels), Field::text("Reason", true)],
            )
        }
        Action::Assign => {
            let roles = entry
                .map(|e| {
                    e.incident
                        .runbook
                        .roles
                        .iter()
                        .map(|r| {
                            let holder = e.incident.roles.get(&r.id).map_or("unassigned".to_owned(), Clone::clone);
                            (r.id.clone(), format!("{} ({holder})", r.title))
                        })
                        .collect()
                })
                .unwrap_or_default();
            Form::new(
                Action::Assign,
                "Assign a role",
                incident,
                vec![Field::choice("Role", roles), Field::text("Responder's name", true)],
            )
        }
        Action::Decide => {
            let decisions = Decision::ALL.iter().map(|d| (d.name().to_owned(), decision_hint(*d).to_owned())).collect();
            Form::new(
                Action::Decide,
                "Record a decision",
                incident,
                vec![
                    Field::choice("Decision", decisions),
                    Field::text("When it was reached (empty: now; 2026-11-24 02:10 UTC, -30m, RFC 3339)", false),
                    Field::text("Evidence (trace id, ticket, document)", false),
                ],
            )
        }
        Action::Notify | Action::Waive => {
            let clocks: Vec<(String, String)> = entry
                .map(|e| {
                    e.incident.clocks.iter().map(|c| (c.id.clone(), format!("{} — {}", c.title, c.citation))).collect()
                })
                .unwrap_or_default();
            if action == Action::Waive {
                Form::new(
                    Action::Waive,
                    "Mark a clock not applicable",
                    incident,
                    vec![Field::choice("Clock", clocks), Field::text("Rationale (kept for the audit)", true)],
                )
            } else {
                let phases = [SubmissionPhase::Initial, SubmissionPhase::Intermediate, SubmissionPhase::Complete]
                    .iter()
                    .map(|p| (p.name().to_owned(), String::new()))
                    .collect();
                Form::new(
                    Action::Notify,
                    "Record a submission",
                    incident,
                    vec![
                        Field::choice("Clock", clocks),
                        Field::text("Recipient's reference or receipt", true),
                        Field::choice("Phase", phases),
                        Field::text("Channel (portal, e-mail, phone)", false),
                        Field::text("Reason for lateness (only if after the legal limit)", false),
                    ],
                )
            }
        }
        Action::Declare => {
            let runbooks = model.runbooks.clone();
            Form::new(
                Action::Declare,
                "Declare an incident",
                None,
                vec![
                    Field::choice("Runbook", runbooks),
                    Field::confirm("Declare it now? (its clocks start when you record awareness)"),
                ],
            )
        }
        Action::Resolve => Form::new(
            Action::Resolve,
            "Resolve",
            incident.clone(),
            vec![Field::confirm(&format!("Resolve {}? Follow-up steps stay open.", incident.unwrap_or_default()))],
        ),
        Action::Close if entry.is_some_and(|e| e.incident.state == IncidentState::Active) => {
            model.flash = Some(Flash {
                kind: FlashKind::Refused,
                text: format!("resolve it first ({}), then close", "R"),
                until: now + Duration::seconds(FLASH_SECONDS),
            });
            return;
        }
        Action::Close => {
            let open: Vec<String> = entry
                .map(|e| e.incident.open_required_steps().iter().map(|s| (*s).to_owned()).collect())
                .unwrap_or_default();
            let running: Vec<String> = entry
                .map(|e| {
                    e.incident
                        .clock_statuses(now)
                        .iter()
                        .filter(|s| matches!(s.state, ClockState::Running | ClockState::DueSoon | ClockState::Overdue))
                        .map(|s| s.def.id.clone())
                        .collect()
                })
                .unwrap_or_default();
            let mut still = Vec::new();
            if !open.is_empty() {
                still.push(format!("{} required steps open: {}", open.len(), open.join(", ")));
            }
            if !running.is_empty() {
                still.push(format!("clocks running unsubmitted: {}", running.join(", ")));
            }
            let mut fields = Vec::new();
            if !still.is_empty() {
                fields.push(Field::text(&format!("Reason to close anyway ({})", still.join("; ")), true));
            }
            let drafts = entry.map_or(0, |e| e.incident.clocks.len() + e.incident.runbook.comms.len());
            fields.push(Field::confirm(&format!(
                "Close and seal {}? This cannot be undone. Then exported to exports/ in the workspace: \
                 post-mortem, timeline (JSON, CSV), regulatory annex, {drafts} redacted drafts, the sealed log, SHA256SUMS.",
                incident.clone().unwrap_or_default()
            )));
            Form::new(Action::Close, "Close", incident, fields)
        }
        Action::SwitchResponder => Form::new(
            Action::SwitchResponder,
            "Switch the acting responder",
            None,
            vec![Field::text("Who is at the keyboard now?", true)],
        ),
        Action::Search => {
            let label = match &model.log.filter {
                Some(current) => format!("Show lines containing (now “{current}”; empty shows all)"),
                None => "Show lines containing (empty shows all)".to_owned(),
            };
            Form::new(Action::Search, "Filter the log", None, vec![Field::text(&label, false)])
        }
        Action::CommandLine => Form::new(
            Action::CommandLine,
            "Command",
            incident,
            vec![Field::text(
                "The CLI's commands, e.g. tick INC kill-switch, note . \"text\" (. is the selected incident)",
                true,
            )],
        ),
        _ => return,
    };
    model.mode = Mode::Form(Box::new(form));
}

const fn decision_hint(decision: Decision) -> &'static str {
    match decision {
        Decision::Aware => "we are reasonably certain an incident occurred (GDPR, NIS2, AI Act)",
        Decision::HighRisk => "likely high risk to data subjects (GDPR 34)",
        Decision::CausalLink => "causal link to the AI system, or its reasonable likelihood (AI Act)",
        Decision::ClassifiedMajor => "classified as a major ICT-related incident (DORA)",
        Decision::Material => "the incident is material (SEC 8-K)",
        Decision::DeathSuspected => "a death is suspected to be linked (AI Act 73(4))",
        Decision::Discovered => "breach discovered (HIPAA)",
        Decision::IncidentDetermined => "a cybersecurity incident occurred (NYDFS)",
        Decision::AssessedNotifiable => "the breach is notifiable (PDPA)",
    }
}

fn on_form_key(model: &mut Model, key: KeyEvent, now: DateTime<Utc>) -> Vec<Effect> {
    let Mode::Form(form) = &mut model.mode else { return Vec::new() };
    if key.code == KeyCode::Esc {
        model.mode = Mode::Normal;
        return Vec::new();
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    let index = form.index;
    let Some(field) = form.fields.get_mut(index) else { return Vec::new() };
    let submitted = match &mut field.kind {
        FieldKind::Choice { options, selected } => match key.code {
            KeyCode::Up | KeyCode::Char('k') => {
                *selected = selected.saturating_sub(1);
                false
            }
            KeyCode::Down | KeyCode::Char('j') => {
                *selected = (*selected + 1).min(options.len().saturating_sub(1));
                false
            }
            KeyCode::Enter => !options.is_empty(),
            _ => false,
        },
        FieldKind::Text { area, multiline, required } => {
            let submit = match key.code {
                KeyCode::Enter if !*multiline || alt => true,
                KeyCode::Char('s') if ctrl => true,
                _ => false,
            };
            if !submit {
                area.input(key);
                false
            } else if *required && area.lines().join("").trim().is_empty() {
                form.error = Some("this field is required (Esc cancels)".to_owned());
                false
            } else if let Some(why) = invalid_time(form.purpose, index, &area.lines().join(""), now) {
                form.error = Some(why);
                false
            } else {
                true
            }
        }
        FieldKind::Confirm => match key.code {
            KeyCode::Enter | KeyCode::Char('y' | 'Y') => true,
            KeyCode::Char('n' | 'N') => {
                model.mode = Mode::Normal;
                return Vec::new();
            }
            _ => false,
        },
    };
    if !submitted {
        return Vec::new();
    }
    let value = field.value();
    form.values.push(value);
    form.index += 1;
    form.error = None;
    if form.index < form.fields.len() {
        return Vec::new();
    }
    let Mode::Form(form) = std::mem::replace(&mut model.mode, Mode::Normal) else { return Vec::new() };
    finish(model, *form, now)
}

/// The decision form's time field is checked as it is entered, so nothing typed is lost.
fn invalid_time(purpose: Action, field: usize, text: &str, now: DateTime<Utc>) -> Option<String> {
    if purpose != Action::Decide || field != 1 || text.trim().is_empty() {
        return None;
    }
    match when::parse(text, now) {
        Ok(at) if at > now => Some("that time lies in the future".to_owned()),
        Ok(_) => None,
        Err(_) => Some("use 2026-11-24 02:10 (UTC), -30m or RFC 3339; empty means now".to_owned()),
    }
}

/// A completed form becomes an effect (or a change of view, for a search).
fn finish(model: &mut Model, form: Form, now: DateTime<Utc>) -> Vec<Effect> {
    let value = |i: usize| form.values.get(i).cloned().unwrap_or_default();
    let optional = |i: usize| Some(value(i)).filter(|v| !v.trim().is_empty());
    let step = form.step.clone().unwrap_or_default();
    let command = match form.purpose {
        Action::Skip => Command::Skip { step, reason: value(0) },
        Action::Reopen => Command::Reopen { step, reason: value(0) },
        Action::OverrideHold => Command::Tick { step, note: None, force: false, override_hold: Some(value(0)) },
        Action::Note => Command::Note { text: value(0) },
        Action::Severity => Command::Severity { to: value(0), reason: value(1) },
        Action::Assign => Command::Assign { role: value(0), name: value(1) },
        Action::Decide => {
            let Some(decision) = Decision::parse(&value(0)) else { return Vec::new() };
            let at = match optional(1).map(|t| when::parse(&t, now)) {
                Some(Err(why)) => {
                    model.flash = Some(Flash {
                        kind: FlashKind::Refused,
                        text: why,
                        until: now + Duration::seconds(FLASH_SECONDS),
                    });
                    return Vec::new();
                }
                Some(Ok(at)) => Some(at),
                None => None,
            };
            Command::Decide { decision, at, evidence: optional(2) }
        }
        Action::Notify => Command::Notify {
            clock: value(0),
            reference: value(1),
            at: None,
            phase: SubmissionPhase::parse(&value(2)).unwrap_or(SubmissionPhase::Initial),
            channel: optional(3),
            late_reason: optional(4),
        },
        Action::Waive => Command::Waive { clock: value(0), rationale: value(1) },
        Action::Resolve => Command::Resolve,
        Action::Close => {
            let reason = if form.fields.len() > 1 { optional(0) } else { None };
            Command::Close { force: reason.is_some(), reason }
        }
        Action::Declare => {
            return vec![match form.alert {
                Some(key) => Effect::DeclareFromAlert { key, runbook: value(0) },
                None => Effect::Declare { runbook: value(0) },
            }];
        }
        Action::RunAction => {
            let (Some(incident), Some(prepared)) = (form.incident, model.confirming.take()) else { return Vec::new() };
            if prepared.step != step {
                return Vec::new();
            }
            model.action = Some(ActionView {
                incident: incident.clone(),
                step: step.clone(),
                argv: prepared.argv.clone(),
                output: String::new(),
                finished: None,
            });
            model.flash = Some(Flash {
                kind: FlashKind::Done,
                text: format!("running {step}…"),
                until: now + Duration::seconds(FLASH_SECONDS),
            });
            return vec![Effect::RunAction { incident, prepared: Box::new(prepared) }];
        }
        Action::DismissAlert => {
            let Some(key) = form.alert else { return Vec::new() };
            return vec![Effect::DismissAlert { key, reason: value(0) }];
        }
        Action::SwitchResponder => return vec![Effect::SwitchResponder { to: value(0).trim().to_owned() }],
        Action::CommandLine => {
            let selected = model.current().map(|e| e.incident.id.clone());
            return vec![Effect::CommandLine { line: value(0), selected }];
        }
        Action::Search => {
            model.log.filter = optional(0);
            model.log.from_bottom = 0;
            model.focus = Pane::Log;
            return Vec::new();
        }
        _ => return Vec::new(),
    };
    match form.incident {
        Some(incident) => vec![Effect::Execute { incident, command }],
        None => Vec::new(),
    }
}
