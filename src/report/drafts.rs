//! The runbook's customer communications, filled with the incident's facts (anything missing
//! marked missing). Regulatory filings are `filing.rs`.

use super::filing::DRILL;
use super::markdown::{cell, text};
use crate::domain::placeholder::{Facts, render};

/// A customer communication from the runbook's template `id`.
pub fn comms(facts: &Facts<'_>, id: &str) -> Option<String> {
    let template = facts.incident.runbook.comms.iter().find(|c| c.id == id)?;
    let rendered = render(&template.body, facts);
    let mut out = String::new();
    if facts.incident.drill {
        out.push_str(DRILL);
    }
    out.push_str(&format!("# DRAFT: {}\n\n", cell(&template.title)));
    out.push_str(&format!("- Audience: {}\n- Incident: {}\n\n---\n\n", cell(&template.audience), facts.incident.id));
    out.push_str(&rendered.text);
    if !rendered.missing.is_empty() {
        out.push_str(&format!("\n---\n\nMissing before sending: {}\n", rendered.missing.join(", ")));
    }
    Some(text(&out))
}
