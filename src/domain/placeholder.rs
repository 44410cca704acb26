//! Template placeholders: `{{incident.id}}`, `{{roles.commander}}`, `{{step.kill-switch.at}}`,
//! `{{clock.gdpr-33.due}}`, `{{content.gdpr-33.a}}`, `{{alert.agent}}`, `{{count.alerts}}`
//! (docs/templates.md). Rendering substitutes text and nothing else: no expressions, no
//! includes, nothing executed. A value that is not known is marked `[missing: NAME]`, never
//! invented; a name that can never have a value is a lint error.

use std::collections::BTreeSet;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::domain::clock::{ClockStatus, Decision};
use crate::domain::incident::Incident;
use crate::domain::parties::WorkspaceParties;
use crate::domain::runbook::Runbook;
use crate::domain::sanitize;

pub const INCIDENT_FIELDS: &[&str] = &[
    "id",
    "title",
    "severity",
    "state",
    "runbook",
    "declared_at",
    "declared_by",
    "aware_at",
    "breach_started_at",
    "breach_ended_at",
    "resolved_at",
    "closed_at",
    "summary",
    "impact",
    "commander",
    "drill",
];
pub const STEP_FIELDS: &[&str] = &["at", "by", "state", "comment"];
pub const CLOCK_FIELDS: &[&str] =
    &["title", "citation", "recipient", "due", "limit", "submitted_at", "reference", "state"];
pub const PARTY_FIELDS: &[&str] = &["company", "lead_authority"];
pub const COUNTS: &[&str] = &["alerts", "deliveries", "steps_done", "steps_total", "notes", "responders"];

/// Every `{{ name }}` in `text`, with its byte offset.
pub fn names(text: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    let mut rest = text;
    let mut offset = 0;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else { break };
        found.push((offset + open, after[..close].trim()));
        let consumed = open + 2 + close + 2;
        offset += consumed;
        rest = &rest[consumed..];
    }
    found
}

/// Why `name` can never have a value in an incident of `runbook`, if it cannot.
pub fn unknown(name: &str, runbook_roles: &[&str], steps: &[&str], clocks: &[&str]) -> Option<String> {
    let parts: Vec<&str> = name.split('.').collect();
    let known = |list: &[&str], value: &str, what: &str| {
        (!list.contains(&value)).then(|| format!("{what} {value:?} is not one of: {}", list.join(", ")))
    };
    match parts.as_slice() {
        ["incident", field] => known(INCIDENT_FIELDS, field, "incident field"),
        ["roles", role] => known(runbook_roles, role, "role"),
        ["step", step, field] => known(steps, step, "step").or_else(|| known(STEP_FIELDS, field, "step field")),
        ["clock", clock, field] => known(clocks, clock, "clock").or_else(|| known(CLOCK_FIELDS, field, "clock field")),
        ["content", clock, _item] => known(clocks, clock, "clock"),
        ["alert", label] if !label.is_empty() => None,
        ["count", what] => known(COUNTS, what, "count"),
        ["contact", role] if !role.is_empty() => None,
        ["party", what] => known(PARTY_FIELDS, what, "party"),
        _ => Some(
            "use incident.FIELD, roles.ROLE, step.STEP.FIELD, clock.CLOCK.FIELD, content.CLOCK.ITEM, \
             alert.LABEL, count.WHAT, contact.ROLE or party.NAME"
                .to_owned(),
        ),
    }
}

/// What the placeholders stand for in one incident, at one moment.
#[derive(Clone)]
pub struct Facts<'a> {
    pub incident: &'a Incident,
    pub clocks: Vec<ClockStatus<'a>>,
    /// The workspace's contact points and parties (`contact.ROLE`, `party.NAME`).
    pub parties: Option<&'a WorkspaceParties>,
    /// Times as a person reads them (`2026-11-24 02:10 UTC`), not RFC 3339 for a program.
    pub for_people: bool,
}

impl<'a> Facts<'a> {
    /// For a program (an action's argv): times in RFC 3339.
    pub fn new(incident: &'a Incident, now: DateTime<Utc>) -> Self {
        Self { incident, clocks: incident.clock_statuses(now), parties: None, for_people: false }
    }

    /// For a person (a draft, a filing): times as a form is filled in, and the workspace's parties.
    pub fn for_people(incident: &'a Incident, now: DateTime<Utc>, parties: Option<&'a WorkspaceParties>) -> Self {
        Self { incident, clocks: incident.clock_statuses(now), parties, for_people: true }
    }

    fn stamp(&self, at: DateTime<Utc>) -> String {
        if self.for_people { human_time(at) } else { time(at) }
    }

    /// The value of `name`, if the incident has one.
    pub fn value(&self, name: &str) -> Option<String> {
        let i = self.incident;
        let parts: Vec<&str> = name.split('.').collect();
        match parts.as_slice() {
            ["incident", field] => self.incident_field(field),
            ["roles", role] => i.roles.get(*role).cloned(),
            ["step", step, field] => {
                let index = i.runbook.step_index(step)?;
                let state = i.steps.get(index)?;
                match *field {
                    "at" => state.at.map(|t| self.stamp(t)),
                    "by" => state.by.clone(),
                    "state" => Some(state.status.name().to_owned()),
                    "comment" => state.comment.clone(),
                    _ => None,
                }
            }
            ["clock", clock, field] => {
                let status = self.clocks.iter().find(|s| s.def.id == *clock)?;
                match *field {
                    "title" => Some(status.def.title.clone()),
                    "citation" => Some(status.def.citation.clone()),
                    "recipient" => Some(status.def.recipient.clone()),
                    "due" => status.deadline.map(|d| self.stamp(d.due_at)),
                    "limit" => status.deadline.map(|d| self.stamp(d.legal_limit_at)),
                    "submitted_at" => status.submitted.map(|s| self.stamp(s.at)),
                    "reference" => status.latest_submission.map(|s| s.reference.clone()),
                    "state" => Some(status.state.name().to_owned()),
                    _ => None,
                }
            }
            ["contact", role] => self.parties?.contacts.get(*role).map(crate::domain::parties::Contact::line),
            ["party", "company"] => self.parties?.parties.company.clone(),
            ["party", "lead_authority"] => self.parties?.parties.lead_authority.clone(),
            ["content", clock, item] => i.clock_facts.provided.get(*clock)?.get(*item).cloned(),
            ["alert", "summary"] => self.first_alert().and_then(|a| a.summary().map(str::to_owned)),
            ["alert", label] => i.alert_labels().get(label).map(|v| (*v).to_owned()),
            ["count", what] => {
                let (done, total) = i.progress();
                Some(match *what {
                    "alerts" => i.alerts.len().to_string(),
                    "deliveries" => i.alerts.values().map(|t| u64::from(t.deliveries)).sum::<u64>().to_string(),
                    "steps_done" => done.to_string(),
                    "steps_total" => total.to_string(),
                    "notes" => i.notes.len().to_string(),
                    "responders" => responders(i).len().to_string(),
                    _ => return None,
                })
            }
            _ => None,
        }
    }

    fn incident_field(&self, field: &str) -> Option<String> {
        let i = self.incident;
        match field {
            "id" => Some(i.id.clone()),
            "title" => Some(i.title.clone()),
            "severity" => Some(i.severity.clone()),
            "state" => Some(i.state.name().to_owned()),
            "runbook" => Some(i.runbook.id.clone()),
            "declared_at" => Some(self.stamp(i.declared_at)),
            "declared_by" => Some(i.declared_by.clone()),
            "aware_at" => i.clock_facts.earliest(Decision::Aware).map(|at| self.stamp(at)),
            "breach_started_at" => i.clock_facts.decided(Decision::BreachStarted).map(|d| self.stamp(d.at)),
            "breach_ended_at" => i.clock_facts.decided(Decision::BreachEnded).map(|d| self.stamp(d.at)),
            "resolved_at" => i.resolved_at.map(|t| self.stamp(t)),
            "closed_at" => i.closed_at.map(|t| self.stamp(t)),
            "summary" => tagged_note(i, "SUMMARY:"),
            "impact" => tagged_note(i, "IMPACT:"),
            "commander" => i.commander().map(str::to_owned),
            "drill" => Some(if i.drill { "yes" } else { "no" }.to_owned()),
            _ => None,
        }
    }

    /// The alert that opened the incident (the first seen).
    fn first_alert(&self) -> Option<&crate::domain::alert::Alert> {
        self.incident.alerts.values().min_by_key(|t| (t.first_seen, &t.alert.key)).map(|t| &t.alert)
    }
}

/// A template with its placeholders filled, and the names that had no value.
pub struct Rendered {
    pub text: String,
    pub missing: Vec<String>,
}

/// Fills every placeholder of `template`. Each value is made inert for the file: control
/// characters (escape sequences) shown visibly, line breaks kept only where the value had them.
pub fn render(template: &str, facts: &Facts<'_>) -> Rendered {
    let mut text = String::with_capacity(template.len());
    let mut missing = BTreeSet::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open + 2..].find("}}") else { break };
        let name = rest[open + 2..open + 2 + close].trim();
        text.push_str(&rest[..open]);
        match facts.value(name) {
            Some(value) => {
                let line_so_far = text.rsplit('\n').next().unwrap_or_default();
                let value = if line_so_far.starts_with('#') { sanitize::line(&value) } else { sanitize::block(&value) };
                let at_line_start = text.is_empty() || text.ends_with('\n');
                let mut lines = value.split('\n');
                if let Some(first) = lines.next() {
                    text.push_str(&if at_line_start { sanitize::markdown_line(first) } else { first.into() });
                }
                for line in lines {
                    text.push('\n');
                    text.push_str(&sanitize::markdown_line(line));
                }
            }
            None => {
                text.push_str(&format!("[missing: {name}]"));
                missing.insert(name.to_owned());
            }
        }
        rest = &rest[open + 2 + close + 2..];
    }
    text.push_str(rest);
    Rendered { text, missing: missing.into_iter().collect() }
}

/// Everyone who acted on the incident or holds a role, in order of first appearance.
pub fn responders(incident: &Incident) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    let mut add = |name: &str| {
        if !seen.iter().any(|s| s == name) {
            seen.push(name.to_owned());
        }
    };
    add(&incident.declared_by);
    for state in &incident.steps {
        if let Some(by) = &state.by {
            add(by);
        }
    }
    for note in &incident.notes {
        add(&note.by);
    }
    for name in incident.roles.values() {
        add(name);
    }
    seen
}

/// The text of the latest note starting with `tag` (the scribe's convention), without it.
fn tagged_note(incident: &Incident, tag: &str) -> Option<String> {
    incident.notes.iter().rev().find_map(|n| n.text.strip_prefix(tag).map(|t| t.trim().to_owned()))
}

/// `2026-11-24 02:10 UTC`: a time as a person reads it in a message or a form.
pub fn human_time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

pub fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The names a runbook's templates use that can never have a value, with why.
pub fn check_runbook(runbook: &Runbook) -> Vec<(String, String)> {
    let roles: Vec<&str> = runbook.roles.iter().map(|r| r.id.as_str()).collect();
    let steps: Vec<&str> = runbook.steps().map(|(_, s)| s.id.as_str()).collect();
    let clocks: Vec<&str> = runbook.clocks.iter().map(String::as_str).collect();
    let texts = runbook
        .comms
        .iter()
        .map(|c| c.body.as_str())
        .chain(runbook.regulator.iter().map(|r| r.procedure.as_str()))
        .chain(std::iter::once(runbook.postmortem.as_str()));
    texts
        .flat_map(names)
        .filter_map(|(_, name)| unknown(name, &roles, &steps, &clocks).map(|why| (name.to_owned(), why)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_and_checked() {
        let text = "Ref {{incident.id}} at {{ step.kill-switch.at }} for {{roles.privacy}} {{nope}} {{ unclosed";
        let found: Vec<&str> = names(text).into_iter().map(|(_, n)| n).collect();
        assert_eq!(found, vec!["incident.id", "step.kill-switch.at", "roles.privacy", "nope"]);
        let check = |n: &str| unknown(n, &["commander", "privacy"], &["kill-switch"], &["gdpr-33"]);
        assert_eq!(check("incident.id"), None);
        assert_eq!(check("step.kill-switch.at"), None);
        assert_eq!(check("alert.tenant"), None);
        assert!(check("incident.colour").is_some_and(|w| w.contains("incident field \"colour\"")));
        assert!(check("roles.scribe").is_some());
        assert!(check("clock.gdpr-34.due").is_some());
        assert!(check("step.kill-switch.when").is_some());
        assert!(check("nope").is_some());
    }
}
