//! Keys inside a form: move through a choice, type into a text field (Ctrl-S or Alt-Enter ends
//! a multi-line one), answer a confirmation; Esc cancels. The last answer finishes the form.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::tui::form::FieldKind;
use crate::tui::message::Effect;
use crate::tui::model::{Mode, Model};

pub fn on_key(model: &mut Model, key: KeyEvent, now: DateTime<Utc>) -> Vec<Effect> {
    let Mode::Form(form) = &mut model.mode else { return Vec::new() };
    if key.code == KeyCode::Esc {
        model.mode = Mode::Normal;
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
                area.input(key);
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
        FieldKind::Confirm => match key.code {
            KeyCode::Enter | KeyCode::Char('y' | 'Y') => true,
            KeyCode::Char('n' | 'N') => {
                model.mode = Mode::Normal;
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
        return Vec::new();
    }
    let Mode::Form(form) = std::mem::replace(&mut model.mode, Mode::Normal) else { return Vec::new() };
    super::finish(model, *form, now)
}
