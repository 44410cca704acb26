//! The timeline: every event with its original `seq`, `prev` and `hash` (JSON, which folds
//! back into the same incident), and one row per event for spreadsheets (CSV).

use serde::{Deserialize, Serialize};

use super::redact::Redactor;
use crate::ascii_json;
use crate::domain::describe::describe;
use crate::domain::event::{Actor, Envelope, Event};
use crate::domain::placeholder::time;
use crate::domain::sanitize;

/// One line of the sealed log, as read back: the event and the chain fields around it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sealed {
    pub seq: u64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor: Actor,
    pub event: Event,
    pub prev: String,
    pub hash: String,
}

impl Sealed {
    pub fn envelope(&self) -> Envelope {
        Envelope { seq: self.seq, at: self.at, actor: self.actor.clone(), event: self.event.clone() }
    }
}

/// Each event's one-line description, in log order (computed once for every file).
pub fn descriptions(sealed: &[Sealed]) -> Vec<String> {
    sealed.iter().map(|line| describe(&line.envelope())).collect()
}

#[derive(Serialize)]
struct EventJson<'a, E: Serialize, D: Serialize> {
    seq: u64,
    at: String,
    actor: &'a Actor,
    event: E,
    description: D,
    prev: &'a str,
    hash: &'a str,
}

/// `timeline.json`: the head fields, then every event as one compact line (ASCII, escaped),
/// strings redacted when asked.
pub fn json(
    head: &serde_json::Value,
    sealed: &[Sealed],
    descriptions: &[String],
    mut redactor: Option<&mut Redactor>,
) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(sealed.len() * 600);
    let head = ascii_json::to_ascii_json_pretty(head).map_err(|e| e.to_string())?;
    let head = head.trim_end().strip_suffix('}').ok_or("the timeline head is not an object")?.trim_end();
    out.extend_from_slice(head.as_bytes());
    out.extend_from_slice(b",\n  \"events\": [\n");
    for (i, (line, description)) in sealed.iter().zip(descriptions).enumerate() {
        out.extend_from_slice(if i == 0 { b"    " } else { b",\n    " });
        let (seq, at, actor, prev, hash) = (line.seq, time_precise(line.at), &line.actor, &line.prev, &line.hash);
        let written = match redactor.as_deref_mut() {
            None => ascii_json::to_ascii_json(
                &EventJson { seq, at, actor, event: &line.event, description, prev, hash },
                &mut out,
            ),
            Some(r) => {
                let place = format!("seq {seq}");
                let mut event = serde_json::to_value(&line.event).map_err(|e| e.to_string())?;
                r.redact_json(&mut event, "timeline.json", &place);
                let description = r.redact(description, "timeline.json", &place);
                ascii_json::to_ascii_json(&EventJson { seq, at, actor, event, description, prev, hash }, &mut out)
            }
        };
        written.map_err(|e| e.to_string())?;
    }
    out.extend_from_slice(b"\n  ]\n}\n");
    Ok(out)
}

/// One row per event: seq, time (UTC), actor, kind, description, hash. Cells that a spreadsheet
/// would take for a formula are prefixed with `'`.
pub fn csv(sealed: &[Sealed], descriptions: &[String], mut redactor: Option<&mut Redactor>) -> String {
    let mut out = String::with_capacity(sealed.len() * 200);
    out.push_str("seq,at_utc,actor,kind,description,hash\r\n");
    for (line, description) in sealed.iter().zip(descriptions) {
        let description = match redactor.as_deref_mut() {
            Some(r) => r.redact(description, "timeline.csv", &format!("seq {}", line.seq)),
            None => description.clone(),
        };
        let row = [
            line.seq.to_string(),
            time_precise(line.at),
            line.actor.name.clone(),
            line.event.kind().to_owned(),
            description,
            line.hash.clone(),
        ];
        let cells: Vec<String> = row.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

fn csv_cell(value: &str) -> String {
    let mut value = sanitize::line(value).into_owned();
    if value.starts_with(['=', '+', '-', '@']) {
        value.insert(0, '\'');
    }
    if value.contains([',', '"', '\n', '\r']) { format!("\"{}\"", value.replace('"', "\"\"")) } else { value }
}

/// Times as the log has them, to the microsecond where it has them.
pub fn time_precise(at: chrono::DateTime<chrono::Utc>) -> String {
    if at.timestamp_subsec_nanos() == 0 { time(at) } else { at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true) }
}
