//! The lines of a detail view under construction: labelled fields, blocks of several lines and
//! headings, every piece of untrusted text through the sanitiser.

use super::theme::Role;
use crate::domain::sanitize;

/// One line of a detail view: pieces of text, each in its role's style.
pub type DetailLine = Vec<(Role, String)>;

/// Lines under construction, styled by role.
#[derive(Default)]
pub(super) struct Lines {
    pub(super) lines: Vec<DetailLine>,
}

impl Lines {
    /// `label: value`, the value sanitised as one line.
    pub(super) fn field(&mut self, label: &str, value: &str) {
        let label = format!("{:<13} ", sanitize::line(label));
        self.lines.push(vec![(Role::Muted, label), (Role::Text, sanitize::line(value).into_owned())]);
    }

    /// Text of several lines, each kept (sanitised as a block).
    pub(super) fn block(&mut self, role: Role, text: &str) {
        for line in sanitize::block(text).split('\n') {
            self.lines.push(vec![(role, line.to_owned())]);
        }
    }

    pub(super) fn heading(&mut self, text: &str) {
        self.lines.push(Vec::new());
        self.lines.push(vec![(Role::Title, sanitize::line(text).into_owned())]);
    }
}
