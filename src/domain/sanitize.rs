//! The one display sanitiser. Untrusted text (alert fields, agent output, notes, runbook text)
//! is stored as received; anything shown to a person goes through here first, so no escape
//! sequence, control, bidi override or invisible character ever reaches a terminal or a report.

use std::borrow::Cow;

/// A line of untrusted text placed at the start of a Markdown line: a leading block marker
/// (`#`, `>`, `|`, `-`, `+`, `*`, `=`, a fence, `1.`) escaped, so the text cannot open a heading,
/// a quote, a table, a list or a code block of the file it lands in.
pub fn markdown_line(line: &str) -> Cow<'_, str> {
    let body = line.trim_start_matches(' ');
    let indent = &line[..line.len() - body.len()];
    let digits = body.bytes().take_while(u8::is_ascii_digit).count();
    let marker = match body.as_bytes().first() {
        Some(b'#' | b'>' | b'|' | b'-' | b'+' | b'*' | b'=' | b'`' | b'~' | b'_') => Some(0),
        Some(b'0'..=b'9') if matches!(body.as_bytes().get(digits), Some(b'.' | b')')) => Some(digits),
        _ => None,
    };
    match marker {
        Some(at) => Cow::Owned(format!("{indent}{}\\{}", &body[..at], &body[at..])),
        None => Cow::Borrowed(line),
    }
}

/// Each line of a block of untrusted text made inert for Markdown ([`markdown_line`]).
pub fn markdown_block(text: &str) -> String {
    text.split('\n').map(markdown_line).collect::<Vec<_>>().join("\n")
}

/// For one line of display: newlines and tabs become visible too.
pub fn line(text: &str) -> Cow<'_, str> {
    clean(text, false)
}

/// For a block of display: newlines are kept, everything else as in [`line`].
pub fn block(text: &str) -> Cow<'_, str> {
    clean(text, true)
}

fn clean(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    if text.chars().all(|c| placeholder(c, keep_newlines).is_none()) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match placeholder(c, keep_newlines) {
            Some(shown) => out.push_str(&shown),
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn placeholder(c: char, keep_newlines: bool) -> Option<String> {
    match c {
        '\n' if keep_newlines => None,
        '\u{1b}' => Some("␛".to_owned()),
        '\t' => Some("␉".to_owned()),
        '\n' => Some("␤".to_owned()),
        '\r' => Some("␍".to_owned()),
        '\u{7f}' => Some("␡".to_owned()),
        c if (c as u32) < 0x20 => char::from_u32(0x2400 + c as u32).map(String::from),
        c if is_invisible_or_reordering(c) => Some(format!("⟨U+{:04X}⟩", c as u32)),
        _ => None,
    }
}

fn is_invisible_or_reordering(c: char) -> bool {
    matches!(c as u32,
        0x80..=0x9f            // C1 controls
        | 0xad                 // soft hyphen
        | 0x34f                // combining grapheme joiner
        | 0x61c                // arabic letter mark
        | 0x115f | 0x1160 | 0x3164 | 0xffa0 // hangul fillers
        | 0x180e               // mongolian vowel separator
        | 0x200b..=0x200f      // zero-width space/joiners, LRM, RLM
        | 0x2028 | 0x2029      // line/paragraph separators
        | 0x202a..=0x202e      // bidi embeddings and overrides
        | 0x2060..=0x206f      // word joiner, invisible operators, bidi isolates
        | 0xfe00..=0xfe0f      // variation selectors
        | 0xfeff               // zero-width no-break space / BOM
        | 0xfff9..=0xfffb      // interlinear annotations
        | 0xe0000..=0xe007f    // tag characters
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_untouched() {
        assert!(matches!(line("Agent planner-7 — ok ✓"), Cow::Borrowed(_)));
    }

    #[test]
    fn escapes_controls_bidi_and_invisibles_become_visible() {
        assert_eq!(line("\u{1b}[2Jwiped"), "␛[2Jwiped");
        assert_eq!(line("a\u{202e}cba"), "a⟨U+202E⟩cba");
        assert_eq!(line("to\u{200b}ken"), "to⟨U+200B⟩ken");
        assert_eq!(line("x\u{85}y\u{7}"), "x⟨U+0085⟩y␇");
        assert_eq!(line("one\ntwo\r"), "one␤two␍");
        assert_eq!(block("one\ntwo\u{1b}"), "one\ntwo␛");
    }
}
