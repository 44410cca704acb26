//! Keys inside a form: move through a choice, type into a text field (Ctrl-S or Alt-Enter ends
//! a multi-line one), answer a confirmation; Esc cancels. The last answer finishes the form.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::tui::form::{FieldKind, Form};
use crate::tui::message::Effect;
use crate::tui::model::{Mode, Model};

/// The most a paste puts into a field; the rest is left out and the form says so.
pub const PASTE_LIMIT: usize = 1 << 20;

/// Pasted text lands in the text field being typed into, in one step (a single-line field
/// takes its lines joined by spaces).
pub fn on_paste(model: &mut Model, text: &str) {
    let Mode::Form(form) = &mut model.mode else { return };
    let Some(field) = form.fields.get_mut(form.index) else { return };
    let FieldKind::Text { area, multiline, .. } = &mut field.kind else { return };
    let mut cut = text.len().min(PASTE_LIMIT);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let kept = text[..cut].replace("\r\n", "\n").replace('\r', "\n");
    let kept = if *multiline { kept } else { kept.replace('\n', " ") };
    area.insert_str(kept);
    form.error = (cut < text.len()).then(|| format!("the paste was cut to its first {} KiB", PASTE_LIMIT >> 10));
}

pub fn on_key(model: &mut Model, key: KeyEvent, now: DateTime<Utc>) -> Vec<Effect> {
    let Mode::Form(form) = &mut model.mode else { return Vec::new() };
    if key.code == KeyCode::Esc {
        model.leave_form();
        return Vec::new();
    }
    if matches!(form.purpose, super::Purpose::CommandLine) && matches!(key.code, KeyCode::Up | KeyCode::Down) {
        if key.code == KeyCode::Down && model.history_at.is_none() {
            return Vec::new();
        }
        let count = model.command_history.len();
        let at = match (key.code, model.history_at) {
            (KeyCode::Up, None) => count.checked_sub(1),
            (KeyCode::Up, Some(at)) => Some(at.saturating_sub(1)),
            (_, Some(at)) if at + 1 < count => Some(at + 1),
            _ => None,
        };
        model.history_at = at;
        let line = at.and_then(|at| model.command_history.get(at)).map_or("", String::as_str);
        if let Some(field) = form.fields.get_mut(form.index) {
            field.fill(line);
        }
        return Vec::new();
    }
    if key.code == KeyCode::BackTab {
        if form.index > 0 {
            form.index -= 1;
            form.error = None;
        }
        return Vec::new();
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    let purpose = form.purpose.clone();
    let Some(field) = form.fields.get_mut(form.index) else { return Vec::new() };
    let answered = match &mut field.kind {
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
            let text = area.lines().join("\n");
            if !submit {
                // Ctrl-U clears back to the line's start, as in a shell (the widget's own Ctrl-U
                // undoes, which left a prefilled answer in place).
                if ctrl && key.code == KeyCode::Char('u') {
                    area.delete_line_by_head();
                } else {
                    area.input(key);
                }
                form.error = None;
                false
            } else if *required && text.trim().is_empty() {
                form.error = Some("this field is required (Esc cancels)".to_owned());
                false
            } else if let Some(why) = super::invalid(&purpose, field.name, &text, now) {
                form.error = Some(why);
                false
            } else {
                true
            }
        }
        FieldKind::Confirm { explicit } => match key.code {
            KeyCode::Char('y' | 'Y') => true,
            KeyCode::Enter if !*explicit => true,
            KeyCode::Enter => {
                form.error = Some("press y to say yes (n or Esc: no)".to_owned());
                false
            }
            KeyCode::Char('n' | 'N') => {
                model.leave_form();
                return Vec::new();
            }
            _ => false,
        },
    };
    if !answered {
        return Vec::new();
    }
    form.index += 1;
    form.error = None;
    if form.index < form.fields.len() {
        super::entered(form);
        return Vec::new();
    }
    let Mode::Form(form) = std::mem::replace(&mut model.mode, Mode::Normal) else { return Vec::new() };
    // Declaring from an alert leads to the new incident; the inbox's other calls return to it.
    let back = model.form_back.take().filter(|_| !matches!(form.purpose, super::Purpose::DeclareFromAlert { .. }));
    // A refusal reopens a form with every answer typed in it (Shift-Tab goes back to the one
    // at fault). A name, a search or a `:` line (which ↑ recalls) is quicker retyped than found
    // half-typed under the next keys.
    let typed = form.fields.iter().any(|f| matches!(&f.kind, FieldKind::Text { area, .. } if !area.is_empty()));
    let wizard = form.fields.len() > 2;
    let retyped =
        matches!(form.purpose, super::Purpose::CommandLine | super::Purpose::SwitchResponder | super::Purpose::Search);
    let worth_keeping = !retyped && (typed || wizard);
    let kept = worth_keeping.then(|| Box::new(Form { index: form.fields.len().saturating_sub(1), ..(*form).clone() }));
    let effects = super::finish(model, *form, now);
    model.submitted = kept.filter(|_| !effects.is_empty());
    if matches!(model.mode, Mode::Normal) {
        model.form_back = back;
        model.leave_form();
    }
    effects
}
