//! Located findings about a YAML file: `file:line:col: error: message`, then a source snippet.

use std::fmt::Write as _;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report};
use serde_saphyr::Location;

use crate::domain::sanitize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error,
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub level: Level,
    pub file: String,
    pub line: u64,
    pub column: u64,
    /// Byte offset and length in the source, where known.
    pub span: Option<(usize, usize)>,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn at(level: Level, file: &str, location: &Location, message: impl Into<String>) -> Self {
        let span = location.span();
        let span = span.byte_offset().map(|offset| {
            let len = span.byte_len().unwrap_or(1).max(1);
            (usize::try_from(offset).unwrap_or(0), usize::try_from(len).unwrap_or(1))
        });
        Self {
            level,
            file: file.to_owned(),
            line: location.line(),
            column: location.column(),
            span,
            message: message.into(),
            help: None,
        }
    }

    pub fn whole_file(level: Level, file: &str, message: impl Into<String>) -> Self {
        Self { level, file: file.to_owned(), line: 1, column: 1, span: None, message: message.into(), help: None }
    }

    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub const fn is_error(&self) -> bool {
        matches!(self.level, Level::Error)
    }

    /// The one-line form: `file:line:col: error: message`.
    pub fn headline(&self) -> String {
        let level = match self.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        format!("{}:{}:{}: {level}: {}", self.file, self.line, self.column, sanitize::line(&self.message))
    }

    /// The headline, then the source lines around the spot with a pointer (when known).
    pub fn render(&self, source: &str) -> String {
        let mut out = self.headline();
        out.push('\n');
        // A snippet only when the source needs no sanitising, so that offsets stay true.
        let printable = matches!(sanitize::block(source), std::borrow::Cow::Borrowed(_));
        let span = self.span.or_else(|| offset_of(source, self.line, self.column).map(|o| (o, 1)));
        let Some((offset, len)) = span.filter(|(o, _)| printable && *o <= source.len()) else {
            if let Some(help) = &self.help {
                let _ = writeln!(out, "  help: {}", sanitize::line(help));
            }
            return out;
        };
        let len = len.min(source.len() - offset);
        let mut diagnostic = MietteDiagnostic::new("")
            .with_label(LabeledSpan::at(offset..offset + len, sanitize::line(&self.message).into_owned()));
        if let Some(help) = &self.help {
            diagnostic = diagnostic.with_help(sanitize::line(help).into_owned());
        }
        let report = Report::new(diagnostic).with_source_code(NamedSource::new(self.file.clone(), source.to_owned()));
        let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor()).with_context_lines(1);
        let mut snippet = String::new();
        if handler.render_report(&mut snippet, report.as_ref()).is_ok() {
            for line in snippet.lines().filter(|l| l.trim() != "×") {
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    }
}

/// Byte offset of a 1-based line and character column.
fn offset_of(source: &str, line: u64, column: u64) -> Option<usize> {
    let line_index = usize::try_from(line.checked_sub(1)?).ok()?;
    let start: usize = source.split_inclusive('\n').take(line_index).map(str::len).sum();
    let text = source[start..].lines().next().unwrap_or("");
    let column = usize::try_from(column.saturating_sub(1)).ok()?;
    Some(start + text.char_indices().nth(column).map_or(text.len(), |(i, _)| i))
}
