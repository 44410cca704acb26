//! What the post-mortem review needs beyond the template: its sections from the scribe's
//! note conventions, the figures (time to detect, declare, acknowledge, contain, resolve),
//! each period of each role, who acted, and the key timeline.

use crate::domain::handover::is_offer;
use chrono::{DateTime, Utc};

use super::markdown::{cell, table};
use super::timeline::Sealed;
use crate::domain::clock::Decision;
use crate::domain::clock::display::countdown;
use crate::domain::event::Event;
use crate::domain::incident::Incident;
use crate::domain::placeholder::time;
use crate::domain::runbook::StepKind;

/// Note tags that write a section (any responder, any time, also after the close): each note
/// so tagged is one bullet of its section, the latest last.
pub const SECTION_TAGS: &[(&str, &str, &str)] = &[
    ("root cause", "ROOT CAUSE:", "Root causes"),
    ("trigger", "TRIGGER:", "Trigger"),
    ("went well", "WENT WELL:", "What went well"),
    ("went well", "WENT BADLY:", "What went badly"),
    ("went well", "LUCKY:", "Where we got lucky"),
    ("lesson", "LESSON:", "Lessons"),
];

/// The tag that marks an earlier event as a key moment: `KEY #23: first bad retrieval`.
const KEY_TAG: &str = "KEY #";

/// The bullets the notes give a section whose heading contains `keyword`, grouped under
/// sub-headings where a section takes several tags.
pub fn section_from_notes(incident: &Incident, keyword: &str) -> String {
    let tags: Vec<&(&str, &str, &str)> = SECTION_TAGS.iter().filter(|(k, _, _)| keyword.contains(k)).collect();
    let mut out = String::new();
    for (_, tag, title) in &tags {
        let bullets: Vec<String> = incident
            .notes
            .iter()
            .flat_map(|n| tagged(&n.text, tag).into_iter().map(move |text| (text, n)))
            .map(|(text, n)| format!("- {} ({}, #{})\n", cell(&text), cell(&n.by), n.seq))
            .collect();
        if bullets.is_empty() {
            continue;
        }
        if tags.len() > 1 {
            out.push_str(&format!("**{title}**\n\n"));
        }
        out.push_str(&bullets.concat());
        if tags.len() > 1 {
            out.push('\n');
        }
    }
    out
}

/// Every tag a line of a note may start with.
const TAGS: &[&str] =
    &["ROOT CAUSE:", "TRIGGER:", "WENT WELL:", "WENT BADLY:", "LUCKY:", "LESSON:", "TODO", "SUMMARY:", "IMPACT:"];

/// What a note says after each line that starts with `tag` (on any line of it, not only the
/// first), its continuation lines joined into one: `TODO:` on the fifth line of a note is an
/// item too. An item ends where the writer started something else: another tag, a blank line,
/// a list item or a heading such as `Next steps:`.
pub fn tagged(note: &str, tag: &str) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    for line in note.lines() {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(tag) {
            parts.extend(current.replace(rest.trim().to_owned()));
        } else if starts_something_else(trimmed) {
            parts.extend(current.take());
        } else if let Some(part) = current.as_mut() {
            part.push(' ');
            part.push_str(trimmed.trim_end());
        }
    }
    parts.extend(current);
    parts.into_iter().map(|part| part.trim().to_owned()).collect()
}

/// Whether a line of a note begins something other than the item above it.
fn starts_something_else(line: &str) -> bool {
    let list_item = ["- ", "* ", "• "].iter().any(|bullet| line.starts_with(bullet))
        || line
            .split_once(['.', ')'])
            .is_some_and(|(n, rest)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) && rest.starts_with(' '));
    let heading = line.split_once(':').is_some_and(|(head, _)| {
        let words = head.split_whitespace().count();
        (1..=3).contains(&words) && head.chars().next().is_some_and(char::is_uppercase)
    });
    line.is_empty() || list_item || heading || TAGS.iter().any(|tag| line.starts_with(tag))
}

/// The review's figures, each from the log: what it measures from and to, and how long.
pub fn figures(incident: &Incident, sealed: &[Sealed]) -> String {
    let aware = incident.clock_facts.earliest(Decision::Aware);
    let began = incident
        .notes
        .iter()
        .filter_map(|n| n.happened_at)
        .chain(incident.alerts.values().filter_map(|t| t.alert.starts_at))
        .chain(incident.clock_facts.decided(Decision::BreachStarted).map(|d| d.at))
        .min();
    let commander = sealed.iter().find_map(|l| match &l.event {
        Event::Declared { from_alert: false, .. } => Some(l.at),
        Event::RoleAssigned { role, .. } if role == "commander" => Some(l.at),
        _ => None,
    });
    let contained = sealed.iter().find_map(|l| match &l.event {
        Event::ActionFinished { step, outcome, .. }
            if is_containment(incident, step) && outcome.exit_code == Some(0) =>
        {
            Some(l.at)
        }
        Event::StepTicked { step, .. } if is_containment(incident, step) => Some(l.at),
        _ => None,
    });
    let declared = Some(incident.declared_at);
    let rows = [
        (
            "time to detect",
            "the first bad event (breach-started, a backdated fact or an alert's start, the earliest)",
            began,
            "awareness",
            aware,
        ),
        ("time to declare", "awareness", aware, "declaration", declared),
        ("time to acknowledge", "declaration", declared, "a commander assigned", commander),
        ("time to contain", "declaration", declared, "the first containment done", contained),
        ("time to resolve", "declaration", declared, "resolved", incident.resolved_at),
    ];
    table(
        &["figure", "from", "to", "how long"],
        rows.into_iter().map(|(name, from_what, from, to_what, to)| {
            let span = match (from, to) {
                (Some(from), Some(to)) => countdown((to - from).num_seconds()),
                _ => "not known".to_owned(),
            };
            vec![name.to_owned(), at_or_missing(from_what, from), at_or_missing(to_what, to), span]
        }),
    )
}

fn at_or_missing(what: &str, at: Option<DateTime<Utc>>) -> String {
    match at {
        Some(at) => format!("{what}, {}", time(at)),
        None => format!("{what} (not recorded)"),
    }
}

fn is_containment(incident: &Incident, step: &str) -> bool {
    incident.step(step).is_some_and(|(s, _)| s.kind == StepKind::Containment)
}

/// A role held: the role, by whom, from, until (`None`: to the end).
type Period = (String, String, DateTime<Utc>, Option<DateTime<Utc>>);

/// Each period of each role: who held it, from when, until when (roles by their titles).
pub fn role_periods(incident: &Incident, sealed: &[Sealed]) -> String {
    let mut periods: Vec<Period> = Vec::new();
    for line in sealed {
        // A responder who declares commands from the start; an alert's incident waits for one.
        if let Event::Declared { from_alert: false, .. } = &line.event {
            periods.push(("commander".to_owned(), line.actor.name.clone(), line.at, None));
        }
        // Command handed over passes when the new commander accepts it, not when it is offered.
        let taken = match &line.event {
            Event::RoleAssigned { role, name, previous } => {
                let offer = previous.as_deref().is_some_and(|p| is_offer(role, name, p, &line.actor.name));
                let kept = previous.as_deref() == Some(name.as_str());
                (!offer && !kept).then(|| (role.clone(), name.clone()))
            }
            Event::CommandAccepted { .. } => Some(("commander".to_owned(), line.actor.name.clone())),
            _ => None,
        };
        if let Some((role, name)) = taken {
            if let Some(open) = periods.iter_mut().rev().find(|(r, _, _, until)| *r == role && until.is_none()) {
                open.3 = Some(line.at);
            }
            periods.push((role, name, line.at, None));
        }
    }
    periods.sort_by(|a, b| a.0.cmp(&b.0).then(a.2.cmp(&b.2)));
    table(
        &["role", "responder", "from", "until"],
        periods.into_iter().map(|(role, name, from, until)| {
            let title = incident.runbook.role(&role).map_or(role, |r| r.title.clone());
            vec![title, name, time(from), until.map_or_else(|| "the end".to_owned(), time)]
        }),
    )
}

/// Who recorded anything, in order of their first line; services (the alert listener) apart.
pub fn acted(sealed: &[Sealed]) -> (Vec<String>, Vec<String>) {
    let (mut people, mut services): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    for line in sealed {
        let list = if line.actor.service { &mut services } else { &mut people };
        if !list.contains(&line.actor.name) {
            list.push(line.actor.name.clone());
        }
    }
    (people, services)
}

/// The curated view: key moments marked with `KEY #seq:` notes, backdated facts at the time
/// they happened, decisions, submissions, containment and the lifecycle, in time order.
pub fn key_timeline(incident: &Incident, sealed: &[Sealed], descriptions: &[String]) -> String {
    let marked: Vec<(u64, String)> = incident
        .notes
        .iter()
        .filter_map(|n| {
            let rest = n.text.trim_start().strip_prefix(KEY_TAG)?;
            let (seq, label) = rest.split_once(':').unwrap_or((rest, ""));
            Some((seq.trim().parse().ok()?, label.trim().to_owned()))
        })
        .collect();
    let mut rows: Vec<(DateTime<Utc>, u64, String, String)> = Vec::new();
    for (line, description) in sealed.iter().zip(descriptions) {
        let mark = marked.iter().rev().find(|(seq, _)| *seq == line.seq);
        let at = match &line.event {
            Event::FactNoted { at, .. } | Event::DecisionRecorded { at, .. } | Event::SubmissionRecorded { at, .. } => {
                *at
            }
            _ => line.at,
        };
        let contained = matches!(&line.event, Event::StepTicked { step, .. } if is_containment(incident, step));
        let widened = matches!(&line.event, Event::AlertReceived { widens, .. } if !widens.is_empty());
        let kept = mark.is_some()
            || contained
            || widened
            || matches!(
                line.event,
                Event::Declared { .. }
                    | Event::FactNoted { .. }
                    | Event::DecisionRecorded { .. }
                    | Event::SubmissionRecorded { .. }
                    | Event::ClockWaived { .. }
                    | Event::ActionFinished { .. }
                    | Event::EffectRecorded { .. }
                    | Event::SeverityChanged { .. }
                    | Event::ActedInStead { .. }
                    | Event::Resolved {}
                    | Event::Closed { .. }
                    | Event::Archived { .. }
            );
        if kept {
            let label = mark.map(|(_, label)| format!("**KEY** {label} — ")).unwrap_or_default();
            let superseded = incident
                .clock_facts
                .decision_log
                .iter()
                .find(|later| later.corrects == Some(line.seq))
                .map(|later| format!(" (superseded by #{})", later.seq))
                .unwrap_or_default();
            rows.push((at, line.seq, line.actor.name.clone(), format!("{label}{description}{superseded}")));
        }
    }
    rows.sort_by_key(|(at, seq, _, _)| (*at, *seq));
    table(
        &["time (UTC)", "who", "what"],
        rows.into_iter().map(|(at, seq, who, what)| vec![time(at), who, format!("#{seq} {what}")]),
    )
}

#[cfg(test)]
mod tests {
    use super::tagged;

    #[test]
    fn a_tag_on_any_line_of_a_note_starts_a_part_that_runs_to_the_next() {
        let note =
            "Scope so far:\n- 14 documents\nTODO: confirm with globex\n  the copies are gone\nTODO(sam): add a test";
        assert_eq!(tagged(note, "TODO"), [": confirm with globex the copies are gone", "(sam): add a test"]);
        assert_eq!(tagged("ROOT CAUSE: the filter", "ROOT CAUSE:"), ["the filter"]);
        let both = "ROOT CAUSE: the tenant clause\ndropped after v88\nTODO(sam, prevent): a test";
        assert_eq!(tagged(both, "ROOT CAUSE:"), ["the tenant clause dropped after v88"], "ends at the next tag");
        assert_eq!(tagged(both, "TODO"), ["(sam, prevent): a test"]);
        assert!(tagged("nothing to do\nmentions TODO: inside a line", "TODO").is_empty());
    }

    #[test]
    fn an_item_ends_where_the_note_moves_on() {
        let note = "TODO: purge the cache\nOther findings: the index was rebuilt\nby the nightly job";
        assert_eq!(tagged(note, "TODO"), [": purge the cache"], "a heading line");
        assert_eq!(tagged("TODO: purge\n\nthe rest of the note", "TODO"), [": purge"], "a blank line");
        assert_eq!(tagged("TODO: purge\n- 14 documents\n2. rotate keys", "TODO"), [": purge"], "a list");
        let continued = "TODO: purge the copies at\nglobex: all 3.5 GB\n3.5 GB in each";
        assert_eq!(tagged(continued, "TODO"), [": purge the copies at globex: all 3.5 GB 3.5 GB in each"]);
    }
}
