//! A bundle's Markdown as a dated PDF for legal and the DPO: A4, a monospaced face (the
//! standard Courier, nothing embedded), headings in bold, and on every page the incident, the
//! date, the evidence log's chain head and the bundle's hash. Uncompressed, so the footer's
//! hashes can be found in the file's bytes.

use chrono::{DateTime, Datelike, Timelike, Utc};
use pdf_writer::{Content, Date, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

const WIDTH: f32 = 595.0;
const HEIGHT: f32 = 842.0;
const LEFT: f32 = 56.0;
const TOP: f32 = 790.0;
const BODY_SIZE: f32 = 9.5;
const LEADING: f32 = 12.5;
const FOOT_SIZE: f32 = 7.0;
/// Courier's advance is 0.6 em.
const COLUMNS: usize = ((WIDTH - 2.0 * LEFT) / (BODY_SIZE * 0.6)) as usize;
const FOOTER_TOP: f32 = 62.0;
const LINES_PER_PAGE: usize = ((TOP - FOOTER_TOP - 12.0) / LEADING) as usize;

/// What every page carries at its foot.
pub struct Stamp<'a> {
    pub incident: &'a str,
    pub dated: DateTime<Utc>,
    pub chain_head: &'a str,
    /// SHA-256 of the bundle's `SHA256SUMS` lines for every file but the PDFs.
    pub bundle: &'a str,
    /// A drill: every page says so.
    pub drill: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Face {
    Body,
    Heading(f32),
}

/// `markdown` laid out on A4 pages, `title` in the document's properties.
pub fn document(title: &str, markdown: &str, stamp: &Stamp<'_>) -> Vec<u8> {
    let beyond = markdown.chars().filter(|c| *c != '\n' && encode(*c).is_none()).count();
    let notice = (beyond > 0).then(|| {
        format!(
            "[{beyond} characters beyond this PDF's Latin-1 font are written <U+XXXX>; the Markdown beside it has them as written.]\n\n"
        )
    });
    let printable: String = markdown
        .chars()
        .map(|c| if c == '\n' || encode(c).is_some() { c.to_string() } else { format!("<U+{:04X}>", u32::from(c)) })
        .collect();
    let lines = layout(&(notice.unwrap_or_default() + &printable));
    let pages: Vec<&[(Face, String)]> =
        if lines.is_empty() { vec![&[][..]] } else { lines.chunks(LINES_PER_PAGE).collect() };
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let first_page = 6;
    let page_ref = |n: usize| Ref::new(first_page + 2 * i32::try_from(n).unwrap_or(0));
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids((0..pages.len()).map(page_ref)).count(i32::try_from(pages.len()).unwrap_or(i32::MAX));
    pdf.type1_font(regular).base_font(Name(b"Courier")).encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold).base_font(Name(b"Courier-Bold")).encoding_predefined(Name(b"WinAnsiEncoding"));
    let date = Date::new(u16::try_from(stamp.dated.year()).unwrap_or(0))
        .month(stamp.dated.month() as u8)
        .day(stamp.dated.day() as u8)
        .hour(stamp.dated.hour() as u8)
        .minute(stamp.dated.minute() as u8)
        .second(stamp.dated.second() as u8)
        .utc_offset_hour(0);
    let mut properties = pdf.document_info(info);
    properties.title(TextStr(title)).producer(TextStr("warroom")).creation_date(date);
    properties.finish();

    for (n, lines) in pages.iter().enumerate() {
        let page = page_ref(n);
        let contents = Ref::new(page.get() + 1);
        let mut writer = pdf.page(page);
        writer.media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT)).parent(tree).contents(contents);
        writer.resources().fonts().pair(Name(b"R"), regular).pair(Name(b"B"), bold);
        writer.finish();
        let content = page_content(lines, stamp, n + 1, pages.len());
        pdf.stream(contents, &content);
    }
    pdf.finish()
}

fn page_content(lines: &[(Face, String)], stamp: &Stamp<'_>, number: usize, of: usize) -> Vec<u8> {
    let mut content = Content::new();
    let mut y = TOP;
    for (face, text) in lines {
        let (font, size) = match face {
            Face::Body => (Name(b"R"), BODY_SIZE),
            Face::Heading(size) => (Name(b"B"), *size),
        };
        content.begin_text();
        content.set_font(font, size);
        content.next_line(LEFT, y);
        content.show(Str(&win_ansi(text)));
        content.end_text();
        y -= LEADING;
    }
    let foot = [
        format!(
            "{}{} - dated {} - page {number} of {of}",
            if stamp.drill { "DRILL, NOT A REAL INCIDENT - " } else { "" },
            stamp.incident,
            stamp.dated.format("%Y-%m-%d %H:%M UTC")
        ),
        format!("evidence log chain head: {}", stamp.chain_head),
        format!("bundle (SHA256SUMS but the PDFs): {}", stamp.bundle),
    ];
    let mut y = FOOTER_TOP - 20.0;
    for line in foot {
        content.begin_text();
        content.set_font(Name(b"R"), FOOT_SIZE);
        content.next_line(LEFT, y);
        content.show(Str(&win_ansi(&line)));
        content.end_text();
        y -= FOOT_SIZE + 2.0;
    }
    content.finish().to_vec()
}

/// Markdown lines as printed lines: headings without their `#`, emphasis and code marks
/// dropped, long lines wrapped at a word where there is one (continuations keep the indent).
fn layout(markdown: &str) -> Vec<(Face, String)> {
    let mut out = Vec::new();
    for raw in markdown.lines() {
        let hashes = raw.bytes().take_while(|b| *b == b'#').count();
        let (face, text) = match hashes {
            1..=6 if raw[hashes..].starts_with(' ') => {
                let size = [15.0, 12.5, 11.0, 10.0, 10.0, 10.0][hashes - 1];
                (Face::Heading(size), raw[hashes..].trim().to_owned())
            }
            _ => (Face::Body, plain_line(raw)),
        };
        if matches!(face, Face::Heading(_)) && out.last().is_some_and(|(_, l): &(Face, String)| !l.is_empty()) {
            out.push((Face::Body, String::new()));
        }
        let columns = match face {
            Face::Body => COLUMNS,
            Face::Heading(size) => ((WIDTH - 2.0 * LEFT) / (size * 0.6)) as usize,
        };
        for piece in wrap(&text, columns) {
            out.push((face, piece));
        }
    }
    out
}

/// A Markdown body line as printed: a quote's `> ` and an escaped marker's `\\` dropped, emphasis
/// and code marks dropped, `&lt;` shown as `<`.
fn plain_line(raw: &str) -> String {
    let body = raw.trim_start_matches(' ');
    let indent = &raw[..raw.len() - body.len()];
    let body = body.strip_prefix("> ").unwrap_or(body);
    let body = match body.strip_prefix('\\') {
        Some(rest) if rest.starts_with(|c: char| "#>|-+*=`~_".contains(c) || c.is_ascii_digit()) => rest,
        _ => body,
    };
    format!("{indent}{}", body.replace("**", "").replace('`', "").replace("&lt;", "<"))
}

fn wrap(text: &str, columns: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= columns {
        return vec![text.to_owned()];
    }
    let indent = chars.iter().take_while(|c| c.is_whitespace()).count()
        + if text.trim_start().starts_with("- ") { 2 } else { 0 };
    let indent = indent.min(columns / 2);
    let mut lines = Vec::new();
    let mut rest: &[char] = &chars;
    let mut width = columns;
    while rest.len() > width {
        let cut = rest[..=width].iter().rposition(|c| *c == ' ').filter(|at| *at > width / 3).unwrap_or(width);
        let line: String = rest[..cut].iter().collect();
        lines.push(format!("{}{}", " ".repeat(columns - width), line.trim_end()));
        rest = &rest[cut..];
        while rest.first() == Some(&' ') {
            rest = &rest[1..];
        }
        width = columns - indent;
    }
    if !rest.is_empty() {
        lines.push(format!("{}{}", " ".repeat(columns - width), rest.iter().collect::<String>()));
    }
    lines
}

/// Text in the standard fonts' WinAnsi encoding; a character it has no code for is written
/// `<U+XXXX>`, never dropped (the page says so).
fn win_ansi(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        match encode(c) {
            Some(bytes) => out.extend_from_slice(bytes.as_ref()),
            None => out.extend(format!("<U+{:04X}>", u32::from(c)).bytes()),
        }
    }
    out
}

/// Latin-1 as it is, the common typographic marks at their WinAnsi codes, a few symbols
/// spelled out; `None` for anything else.
fn encode(c: char) -> Option<Encoded> {
    let byte = |b: u8| Some(Encoded::Byte([b]));
    match c {
        ' '..='~' | '\u{a0}'..='\u{ff}' => byte(u8::try_from(u32::from(c)).ok()?),
        '€' => byte(0x80),
        '…' => byte(0x85),
        '‘' => byte(0x91),
        '’' => byte(0x92),
        '“' => byte(0x93),
        '”' => byte(0x94),
        '•' => byte(0x95),
        '–' => byte(0x96),
        '—' => byte(0x97),
        '™' => byte(0x99),
        '→' => Some(Encoded::Text(b"->")),
        '←' => Some(Encoded::Text(b"<-")),
        '≥' => Some(Encoded::Text(b">=")),
        '≤' => Some(Encoded::Text(b"<=")),
        '✓' | '✔' => Some(Encoded::Text(b"[ok]")),
        '✗' | '✘' => Some(Encoded::Text(b"[x]")),
        '▶' => byte(b'>'),
        _ => None,
    }
}

enum Encoded {
    Byte([u8; 1]),
    Text(&'static [u8]),
}

impl AsRef<[u8]> for Encoded {
    fn as_ref(&self) -> &[u8] {
        match self {
            Self::Byte(b) => b,
            Self::Text(t) => t,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{COLUMNS, win_ansi, wrap};

    #[test]
    fn characters_beyond_latin_1_are_written_as_code_points_never_dropped() {
        assert_eq!(win_ansi("Ελ — café ✓"), b"<U+0395><U+03BB> \x97 caf\xe9 [ok]".to_vec());
    }

    #[test]
    fn long_lines_wrap_at_words_and_keep_a_bullets_indent() {
        let text = format!("- {}", "word ".repeat(40));
        let lines = wrap(text.trim_end(), COLUMNS);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| l.chars().count() <= COLUMNS), "{lines:?}");
        assert!(lines[1].starts_with("  word"), "{lines:?}");
        let joined: Vec<&str> = lines.iter().flat_map(|l| l.split_whitespace()).collect();
        assert_eq!(joined.len(), 41, "no word lost");
    }
}
