//! Modal forms: a short sequence of fields (a choice from a list, or text) that ends in one
//! command. Skip asks for a reason, a note opens a multi-line editor, a decision asks which
//! and when, and anything irreversible ends in a confirmation.

use ratatui_textarea::TextArea;

use crate::action::Prepared;
use crate::app::approval::Pending;
use crate::domain::refusal_about::About;

#[derive(Clone, Debug)]
pub enum FieldKind {
    Choice {
        options: Vec<(String, String)>,
        selected: usize,
    },
    Text {
        area: Box<TextArea<'static>>,
        multiline: bool,
        required: bool,
    },
    /// Yes or no; `explicit`: only `y` says yes (not Enter).
    Confirm {
        explicit: bool,
    },
}

/// One question of a form, known by its name to the form's purpose.
#[derive(Clone, Debug)]
pub struct Field {
    pub name: &'static str,
    pub label: String,
    pub kind: FieldKind,
}

impl Field {
    pub fn choice(name: &'static str, label: &str, options: Vec<(String, String)>) -> Self {
        Self::choice_at(name, label, options, 0)
    }

    /// A choice that starts on option `selected`.
    pub fn choice_at(name: &'static str, label: &str, options: Vec<(String, String)>, selected: usize) -> Self {
        let selected = selected.min(options.len().saturating_sub(1));
        Self { name, label: label.to_owned(), kind: FieldKind::Choice { options, selected } }
    }

    pub fn text(name: &'static str, label: &str, required: bool) -> Self {
        Self::text_area(name, label, required, false)
    }

    pub fn multiline(name: &'static str, label: &str) -> Self {
        Self::text_area(name, label, true, true)
    }

    fn text_area(name: &'static str, label: &str, required: bool, multiline: bool) -> Self {
        let area = wrapping(TextArea::new(vec![String::new()]));
        Self { name, label: label.to_owned(), kind: FieldKind::Text { area: Box::new(area), multiline, required } }
    }

    pub fn confirm(question: &str) -> Self {
        Self { name: "confirm", label: question.to_owned(), kind: FieldKind::Confirm { explicit: false } }
    }

    /// A confirmation only `y` answers yes: before something runs, or is approved to run.
    pub fn confirm_explicitly(question: &str) -> Self {
        Self { name: "confirm", label: question.to_owned(), kind: FieldKind::Confirm { explicit: true } }
    }

    /// Puts `text` in a text field, the cursor after it (an answer to confirm or edit).
    pub fn fill(&mut self, text: &str) {
        if let FieldKind::Text { area, .. } = &mut self.kind {
            let mut filled = wrapping(TextArea::new(text.split('\n').map(str::to_owned).collect()));
            filled.move_cursor(ratatui_textarea::CursorMove::Bottom);
            filled.move_cursor(ratatui_textarea::CursorMove::End);
            **area = filled;
        }
    }

    /// Moves a choice to the option whose id is `id`; false when it has none.
    pub fn select(&mut self, id: &str) -> bool {
        let FieldKind::Choice { options, selected } = &mut self.kind else { return false };
        let found = options.iter().position(|(option, _)| option == id);
        if let Some(index) = found {
            *selected = index;
        }
        found.is_some()
    }

    /// The answer: the chosen option's id, the text, or "yes".
    pub fn value(&self) -> String {
        match &self.kind {
            FieldKind::Choice { options, selected } => options.get(*selected).map(|o| o.0.clone()).unwrap_or_default(),
            FieldKind::Text { area, .. } => area.lines().join("\n"),
            FieldKind::Confirm { .. } => "yes".to_owned(),
        }
    }
}

/// A form: what it is for (with what it acts on), its questions, and how far the responder got.
#[derive(Clone, Debug)]
pub struct Form {
    pub purpose: Purpose,
    pub title: String,
    /// The incident it acts on (fixed when the form opens, whatever arrives meanwhile).
    pub incident: Option<String>,
    pub fields: Vec<Field>,
    pub index: usize,
    pub error: Option<String>,
}

impl Form {
    pub fn new(purpose: Purpose, title: impl Into<String>, incident: Option<String>, fields: Vec<Field>) -> Self {
        Self { purpose, title: title.into(), incident, fields, index: 0, error: None }
    }

    pub fn field(&self) -> Option<&Field> {
        self.fields.get(self.index)
    }

    pub fn field_mut(&mut self) -> Option<&mut Field> {
        self.fields.get_mut(self.index)
    }

    /// The answer to the field named `name` (empty if the form has none).
    pub fn answer(&self, name: &str) -> String {
        self.fields.iter().find(|f| f.name == name).map(Field::value).unwrap_or_default()
    }

    /// Goes back to the question a refusal is about, if this form asked it.
    pub fn return_to(&mut self, about: About) -> bool {
        let names = asked_by(about);
        let found = self.fields.iter().position(|f| names.contains(&f.name));
        if let Some(index) = found {
            self.index = index;
        }
        found.is_some()
    }

    /// The answer to `name`, unless it was left blank.
    pub fn optional(&self, name: &str) -> Option<String> {
        Some(self.answer(name)).filter(|v| !v.trim().is_empty())
    }
}

/// The fields that ask for this part of a command, by name.
const fn asked_by(about: About) -> &'static [&'static str] {
    match about {
        About::When => &["when"],
        About::Reason => &["reason", "rationale"],
        About::LateReason => &["late-reason"],
        About::Reference => &["reference"],
        About::Phase => &["phase"],
        About::Clock => &["clock"],
        About::Decision => &["decision"],
        About::Text => &["text", "done", "reason", "rationale"],
        About::Severity => &["level"],
        About::Role => &["role"],
        About::Name => &["name"],
    }
}

/// What declaring on a runbook starts from: its title, its severity levels (id, name and
/// definition) and the default level's id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Declarable {
    pub title: String,
    pub levels: Vec<(String, String)>,
    pub default: String,
}

/// What a form is for, with what it acts on beyond the incident.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Ticking a step with what was done (asked for evidence, filings and messages).
    Tick {
        step: String,
        force: bool,
    },
    Skip {
        step: String,
    },
    Reopen {
        step: String,
    },
    OverrideHold {
        step: String,
    },
    /// Confirming exactly this action: what runs if the answer is yes, forced past open
    /// dependencies, and (with a reason field) past the evidence hold.
    RunAction {
        prepared: Box<Prepared>,
        force: bool,
        past_hold: bool,
        /// Past the hold by a responder who confirmed acting in the commander's stead.
        in_stead: bool,
    },
    /// Asking a second responder to approve running exactly this argv, or (none) ticking a
    /// step that has no action (two-person rule).
    RequestApproval {
        step: String,
        argv: Option<Vec<String>>,
    },
    /// Approving exactly the request shown.
    Approve {
        pending: Box<Pending>,
    },
    Note,
    /// An alert label the step's action needs, stated by hand (no alert brought it).
    StateLabel {
        label: String,
    },
    /// A fact about an earlier moment: when it happened, then what.
    Fact,
    Severity,
    Assign,
    /// Answering one of the incident's unanswered pages.
    Acknowledge,
    /// A stakeholder update: each audience's draft, filled in when it is chosen, and the
    /// question that confirms it, naming where it goes.
    Update {
        drafts: Vec<(String, String)>,
        confirms: Vec<(String, String)>,
    },
    Resolve,
    AcceptCommand,
    /// Giving `command` again in the commander's stead, once confirmed.
    InStead {
        command: Box<crate::domain::command::Command>,
    },
    Close {
        reason_asked: bool,
    },
    Archive {
        reason_asked: bool,
    },
    /// Recording a decision; `recorded`: each decision already recorded and when it was
    /// reached (RFC 3339), shown in the time field to confirm or correct.
    Decide {
        recorded: Vec<(String, String)>,
    },
    /// Recording a submission; `phased`: the clocks whose law takes it in phases (the others
    /// take one complete submission).
    Notify {
        phased: Vec<String>,
    },
    Waive,
    /// Declaring: each runbook's title and levels, to prefill severity and title once chosen.
    Declare {
        declarable: std::collections::BTreeMap<String, Declarable>,
    },
    /// Declaring from an unrouted alert, titled with its `summary` unless changed.
    DeclareFromAlert {
        key: String,
        summary: String,
        declarable: std::collections::BTreeMap<String, Declarable>,
    },
    /// Dismissing these unrouted alerts (the marked ones, else the one under the cursor).
    DismissAlert {
        keys: Vec<String>,
    },
    AttachAlert {
        keys: Vec<String>,
    },
    SwitchResponder,
    Search,
    CommandLine,
}

/// A text field wraps what is typed at the box's edge, at words (a long word at any character),
/// so that a note is read whole before it is recorded.
fn wrapping(mut area: TextArea<'static>) -> TextArea<'static> {
    area.set_wrap_mode(ratatui_textarea::WrapMode::WordOrGlyph);
    area
}
