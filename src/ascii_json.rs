//! serde_json output with nothing outside printable ASCII: every non-ASCII character and DEL
//! become `\uXXXX` escapes, so a log line (or JSON printed to a terminal) cannot carry a raw
//! escape sequence, bidi override or invisible character, whatever an alert or agent put in it.

use std::io::{self, Write};

use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

/// Wraps a layout (compact or pretty) and escapes every string fragment to ASCII.
pub struct Ascii<F>(F);

macro_rules! forward {
    ($($name:ident $(, $arg:ident: $ty:ty)*;)*) => {$(
        fn $name<W: ?Sized + Write>(&mut self, writer: &mut W $(, $arg: $ty)*) -> io::Result<()> {
            self.0.$name(writer $(, $arg)*)
        }
    )*};
}

impl<F: Formatter> Formatter for Ascii<F> {
    forward! {
        begin_array; end_array; begin_array_value, first: bool; end_array_value;
        begin_object; end_object; begin_object_key, first: bool; end_object_key;
        begin_object_value; end_object_value;
    }

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
}

pub fn to_ascii_json<T: serde::Serialize>(value: &T, out: &mut Vec<u8>) -> serde_json::Result<()> {
    value.serialize(&mut serde_json::Serializer::with_formatter(out, Ascii(CompactFormatter)))
}

/// Indented, ASCII-only JSON for people and scripts (`status --json`).
pub fn to_ascii_json_pretty<T: serde::Serialize>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::new();
    value.serialize(&mut serde_json::Serializer::with_formatter(&mut out, Ascii(PrettyFormatter::new())))?;
    out.push(b'\n');
    Ok(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_outside_printable_ascii_is_escaped_and_round_trips() {
        let text = "é\u{1b}[31m\u{202e}\u{7f}😀\n\"";
        let mut out = Vec::new();
        to_ascii_json(&text, &mut out).expect("serialize");
        assert!(out.iter().all(|b| (0x20..0x7f).contains(b)), "{}", String::from_utf8_lossy(&out));
        let back: String = serde_json::from_slice(&out).expect("parse");
        assert_eq!(back, text);
    }

    #[test]
    fn pretty_output_is_indented_and_ascii() {
        let value = serde_json::json!({"a": ["\u{202e}x"]});
        let text = to_ascii_json_pretty(&value).expect("pretty");
        assert_eq!(text, "{\n  \"a\": [\n    \"\\u202ex\"\n  ]\n}\n");
    }
}
