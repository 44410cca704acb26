//! Finding text in an incident: its id, title, runbook, notes, the notes left on its steps,
//! who declared it and holds its roles, its submissions (references, channels, late reasons),
//! waivers, decisions' evidence, and its alerts' labels and annotations, ignoring case. What matched comes back as recorded;
//! whoever shows it sanitises it.

use super::incident::Incident;

/// Where in the incident the text was found, and the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub place: String,
    pub text: String,
}

/// What a responder searches for, compared without regard to case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query(String);

impl Query {
    /// `None` for a query of spaces only: it would match everything.
    pub fn new(text: &str) -> Option<Self> {
        let text = text.trim();
        (!text.is_empty()).then(|| Self(text.to_lowercase()))
    }

    pub fn matches(&self, text: &str) -> bool {
        text.to_lowercase().contains(&self.0)
    }
}

/// Every place in `incident` that holds the query.
pub fn hits(incident: &Incident, query: &Query) -> Vec<Hit> {
    let mut hits = Vec::new();
    let mut look = |place: String, text: &str| {
        if query.matches(text) {
            hits.push(Hit { place, text: text.to_owned() });
        }
    };
    look("id".to_owned(), &incident.id);
    look("title".to_owned(), &incident.title);
    look("runbook".to_owned(), &incident.runbook.id);
    for note in &incident.notes {
        look(format!("note #{} by {}", note.seq, note.by), &note.text);
    }
    for ((_, step), state) in incident.runbook.steps().zip(&incident.steps) {
        if let Some(comment) = &state.comment {
            look(format!("step {}", step.id), comment);
        }
    }
    look("declared by".to_owned(), &incident.declared_by);
    for (role, holder) in &incident.roles {
        look(format!("role {role}"), holder);
    }
    let facts = &incident.clock_facts;
    for submission in &facts.submissions {
        let channel = submission.channel.as_deref().map(|c| format!(" via {c}")).unwrap_or_default();
        let text = format!("{}{channel} by {}", submission.reference, submission.by);
        look(format!("{} submission", submission.clock), &text);
        if let Some(reason) = &submission.late_reason {
            look(format!("{} late reason", submission.clock), reason);
        }
    }
    for (clock, waiver) in &facts.waivers {
        look(format!("{clock} waived by {}", waiver.by), &waiver.rationale);
    }
    for record in &facts.decision_log {
        if let Some(evidence) = &record.evidence {
            look(format!("decision {} evidence", record.decision.name()), evidence);
        }
    }
    for (step, informed) in &facts.informed {
        look(format!("step {step} authority informed"), &informed.reference);
    }
    for track in incident.alerts.values() {
        let alert = &track.alert;
        for (name, value) in &alert.labels {
            look(format!("alert {} label", alert.name()), &format!("{name}={value}"));
        }
        for (name, value) in &alert.annotations {
            look(format!("alert {} {name}", alert.name()), value);
        }
    }
    hits
}

/// `text` as one line of at most `width` characters around where `query` first occurs (`…`
/// where it was cut), its line breaks as spaces.
pub fn snippet(text: &str, query: &Query, width: usize) -> String {
    let chars: Vec<char> = text.chars().map(|c| if c.is_whitespace() { ' ' } else { c }).collect();
    let mut lowered = String::new();
    let mut char_at = Vec::new();
    for (index, c) in chars.iter().enumerate() {
        for lower in c.to_lowercase() {
            char_at.extend(std::iter::repeat_n(index, lower.len_utf8()));
            lowered.push(lower);
        }
    }
    let found = lowered.find(&query.0).and_then(|byte| char_at.get(byte)).copied().unwrap_or(0);
    if chars.len() <= width {
        return chars.into_iter().collect();
    }
    let start = found.saturating_sub(width / 3).min(chars.len().saturating_sub(width));
    let end = (start + width).min(chars.len());
    let mut shown: String = chars[start..end].iter().collect();
    if start > 0 {
        shown.insert(0, '…');
    }
    if end < chars.len() {
        shown.push('…');
    }
    shown
}
