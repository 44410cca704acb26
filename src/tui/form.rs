//! Modal forms: a short sequence of fields (a choice from a list, or text) that ends in one
//! command. Skip asks for a reason, a note opens a multi-line editor, a decision asks which
//! and when, and anything irreversible ends in a confirmation.

use ratatui_textarea::TextArea;

use super::keymap::Action;

#[derive(Clone, Debug)]
pub enum FieldKind {
    Choice { options: Vec<(String, String)>, selected: usize },
    Text { area: Box<TextArea<'static>>, multiline: bool, required: bool },
    Confirm,
}

#[derive(Clone, Debug)]
pub struct Field {
    pub label: String,
    pub kind: FieldKind,
}

impl Field {
    pub fn choice(label: &str, options: Vec<(String, String)>) -> Self {
        Self { label: label.to_owned(), kind: FieldKind::Choice { options, selected: 0 } }
    }

    pub fn text(label: &str, required: bool) -> Self {
        Self::text_area(label, required, false, "")
    }

    pub fn multiline(label: &str) -> Self {
        Self::text_area(label, true, true, "")
    }

    fn text_area(label: &str, required: bool, multiline: bool, value: &str) -> Self {
        let mut area = TextArea::new(vec![value.to_owned()]);
        area.move_cursor(ratatui_textarea::CursorMove::End);
        Self { label: label.to_owned(), kind: FieldKind::Text { area: Box::new(area), multiline, required } }
    }

    pub fn confirm(question: &str) -> Self {
        Self { label: question.to_owned(), kind: FieldKind::Confirm }
    }

    /// The answer: the chosen option's id, the text, or "yes".
    pub fn value(&self) -> String {
        match &self.kind {
            FieldKind::Choice { options, selected } => options.get(*selected).map(|o| o.0.clone()).unwrap_or_default(),
            FieldKind::Text { area, .. } => area.lines().join("\n"),
            FieldKind::Confirm => "yes".to_owned(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Form {
    /// The action that opened it, and what its answers become.
    pub purpose: Action,
    pub title: String,
    /// The incident it acts on (fixed when the form opens, whatever arrives meanwhile).
    pub incident: Option<String>,
    pub step: Option<String>,
    /// The unrouted alert it acts on (its key).
    pub alert: Option<String>,
    pub fields: Vec<Field>,
    pub index: usize,
    pub values: Vec<String>,
    pub error: Option<String>,
}

impl Form {
    pub fn new(purpose: Action, title: impl Into<String>, incident: Option<String>, fields: Vec<Field>) -> Self {
        Self {
            purpose,
            title: title.into(),
            incident,
            step: None,
            alert: None,
            fields,
            index: 0,
            values: Vec::new(),
            error: None,
        }
    }

    #[must_use]
    pub fn for_step(mut self, step: &str) -> Self {
        self.step = Some(step.to_owned());
        self
    }

    #[must_use]
    pub fn for_alert(mut self, key: &str) -> Self {
        self.alert = Some(key.to_owned());
        self
    }

    pub fn field(&self) -> Option<&Field> {
        self.fields.get(self.index)
    }

    pub fn field_mut(&mut self) -> Option<&mut Field> {
        self.fields.get_mut(self.index)
    }
}
