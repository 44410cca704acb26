//! The timeline: every event with its original `seq`, `prev` and `hash` (JSON, which folds
//! back into the same incident), and one row per event for spreadsheets (CSV).

use serde::{Deserialize, Serialize};

use super::placeholder::time;
use super::redact::Redactor;
use crate::domain::describe::describe;
use crate::domain::event::{Actor, Envelope, Event};
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

/// The events for `timeline.json`, each with its description; strings redacted when asked.
pub fn events_json(sealed: &[Sealed], mut redactor: Option<&mut Redactor>) -> Vec<serde_json::Value> {
    sealed
        .iter()
        .map(|line| {
            let description = describe(&line.envelope());
            let mut event = serde_json::to_value(&line.event).unwrap_or(serde_json::Value::Null);
            let mut description = serde_json::Value::String(description);
            if let Some(r) = redactor.as_deref_mut() {
                let place = format!("seq {}", line.seq);
                r.redact_json(&mut event, "timeline.json", &place);
                r.redact_json(&mut description, "timeline.json", &place);
            }
            serde_json::json!({
                "seq": line.seq,
                "at": time_precise(line.at),
                "actor": line.actor,
                "event": event,
                "description": description,
                "prev": line.prev,
                "hash": line.hash,
            })
        })
        .collect()
}

/// One row per event: seq, time (UTC), actor, kind, description, hash. Cells that a spreadsheet
/// would take for a formula are prefixed with `'`.
pub fn csv(sealed: &[Sealed], mut redactor: Option<&mut Redactor>) -> String {
    let mut out = String::from("seq,at_utc,actor,kind,description,hash\r\n");
    for line in sealed {
        let mut description = describe(&line.envelope());
        if let Some(r) = redactor.as_deref_mut() {
            description = r.redact(&description, "timeline.csv", &format!("seq {}", line.seq));
        }
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
