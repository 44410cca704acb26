//! Writing untrusted text into Markdown so that it stays inert: control characters shown
//! visibly, and inside a table cell no line break or `|` can break the table.

use crate::domain::sanitize;

/// One table cell: one line, pipes escaped.
pub fn cell(text: &str) -> String {
    sanitize::line(text).replace('\\', "\\\\").replace('|', "\\|")
}

/// A table: header, separator and rows, each cell made safe.
pub fn table(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut out = format!("| {} |\n|{}\n", header.join(" | "), "---|".repeat(header.len()));
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

/// A block of free text: line breaks kept, control characters visible.
pub fn text(text: &str) -> String {
    sanitize::block(text).into_owned()
}

/// Untrusted prose of several lines set in a file: no line can open a heading, list, quote
/// or table.
pub fn prose(text: &str) -> String {
    sanitize::markdown_block(&sanitize::block(text)).replace('<', "&lt;")
}

/// One untrusted line set after a label (`- Began: …`), outside a table: one line, `|` kept.
pub fn one_line(text: &str) -> String {
    sanitize::line(text).replace('<', "&lt;")
}
