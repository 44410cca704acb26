//! `warroom search TEXT`: the incidents that mention it, closed and archived ones too, with
//! where each mention is; or JSON.

use super::clock_view::rfc3339;
use super::context::{CliError, Context};
use crate::app::search::{Found, find};
use crate::domain::sanitize;
use crate::domain::search::{Query, snippet};

const SNIPPET: usize = 100;

pub fn run(ctx: &Context, text: &str, json: bool) -> Result<(), CliError> {
    let found = find(&ctx.app(), Some(text))?;
    if json {
        let text = crate::ascii_json::to_ascii_json_pretty(&to_json(text, &found))
            .map_err(|e| CliError::internal(format!("cannot write JSON: {e}")))?;
        print!("{text}");
        return Ok(());
    }
    let query = Query::new(text).ok_or_else(|| CliError::usage("type what to search for"))?;
    let shown = sanitize::line(text);
    match found.incidents.len() {
        0 => println!("No incident mentions {shown:?}."),
        1 => println!("1 incident mentions {shown:?}:"),
        n => println!("{n} incidents mention {shown:?}, newest first:"),
    }
    for listed in &found.incidents {
        println!("\n{}", listed.heading(rfc3339));
        for hit in &listed.hits {
            let text = snippet(&hit.text, &query, SNIPPET);
            println!("    {}: {}", sanitize::line(&hit.place), sanitize::line(&text));
        }
    }
    for (id, why) in &found.unreadable {
        println!("\n✗ {id}  CANNOT BE READ (not searched): {}", sanitize::line(why));
    }
    Ok(())
}

fn to_json(text: &str, found: &Found) -> serde_json::Value {
    let incidents: Vec<serde_json::Value> = found
        .incidents
        .iter()
        .map(|listed| {
            let hits: Vec<_> =
                listed.hits.iter().map(|h| serde_json::json!({ "place": h.place, "text": h.text })).collect();
            serde_json::json!({
                "id": listed.id,
                "title": listed.title,
                "severity": listed.severity,
                "state": listed.state.name(),
                "drill": listed.drill,
                "declared_at": rfc3339(listed.declared_at),
                "ended_at": listed.ended_at.map(rfc3339),
                "hits": hits,
            })
        })
        .collect();
    let unreadable: Vec<_> =
        found.unreadable.iter().map(|(id, why)| serde_json::json!({ "id": id, "why": why })).collect();
    serde_json::json!({ "query": text, "incidents": incidents, "unreadable": unreadable })
}
