//! A serde_json formatter that writes nothing outside printable ASCII: every non-ASCII character
//! and DEL become `\uXXXX` escapes, so a log line cannot carry a raw escape sequence, bidi
//! override or invisible character, whatever an alert or an agent put into it.

use std::io::{self, Write};

use serde_json::ser::{CompactFormatter, Formatter};

pub struct AsciiFormatter;

impl Formatter for AsciiFormatter {
    fn write_string_fragment<W: ?Sized + Write>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()> {
        let mut start = 0;
        for (index, c) in fragment.char_indices() {
            if c.is_ascii() && c != '\u{7f}' {
                continue;
            }
            writer.write_all(&fragment.as_bytes()[start..index])?;
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            start = index + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        CompactFormatter.begin_object_key(writer, first)
    }
}

pub fn to_ascii_json<T: serde::Serialize>(value: &T, out: &mut Vec<u8>) -> serde_json::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(out, AsciiFormatter);
    value.serialize(&mut serializer)
}

#[cfg(test)]
mod tests {
    use super::to_ascii_json;

    #[test]
    fn everything_outside_printable_ascii_is_escaped_and_round_trips() {
        let text = "é\u{1b}[31m\u{202e}\u{7f}😀\n\"";
        let mut out = Vec::new();
        to_ascii_json(&text, &mut out).expect("serialize");
        assert!(out.iter().all(|b| (0x20..0x7f).contains(b)), "{}", String::from_utf8_lossy(&out));
        let back: String = serde_json::from_slice(&out).expect("parse");
        assert_eq!(back, text);
    }
}
