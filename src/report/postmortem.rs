//! `postmortem.md`: the runbook's template with its placeholders filled, each expected
//! section (PagerDuty's and the SRE book's) present and seeded with what the log knows, the
//! timeline table and the regulatory annex. Notes starting `TODO:` become action items.

use super::annex::{self, ClockAnnex};
use super::markdown::{cell, table, text};
use super::review;
use super::timeline::Sealed;
use crate::domain::actions::EffectState;
use crate::domain::event::Event;
use crate::domain::placeholder::{Facts, render, time};

/// The sections teams expect, each found in the template by a keyword of its heading.
const SECTIONS: &[(&str, &str)] = &[
    ("summary", "Summary"),
    ("impact", "Impact"),
    ("root cause", "Root causes"),
    ("trigger", "Trigger"),
    ("detection", "Detection"),
    ("resolution", "Resolution"),
    ("responders", "Responders and roles"),
    ("went well", "What went well / what went badly / where we got lucky"),
    ("lesson", "Lessons"),
    ("action items", "Action items"),
];

/// An action item from a note: `TODO: text`, or `TODO(owner, prevent): text`.
pub struct ActionItem {
    pub text: String,
    pub owner: String,
    pub kind: String,
    pub noted_by: String,
    pub seq: u64,
}

pub fn action_items(facts: &Facts<'_>) -> Vec<ActionItem> {
    facts
        .incident
        .notes
        .iter()
        .flat_map(|note| super::review::tagged(&note.text, "TODO").into_iter().map(move |rest| (rest, note)))
        .filter_map(|(rest, note)| {
            let rest = rest.as_str();
            let (owner, kind, text) = match rest.strip_prefix('(') {
                Some(args) => {
                    let (inside, text) = args.split_once("):")?;
                    let mut parts = inside.split(',').map(str::trim);
                    let owner = parts.next().filter(|o| !o.is_empty()).unwrap_or("unassigned").to_owned();
                    let kind = parts.next().filter(|k| ["mitigate", "prevent", "process"].contains(k));
                    (owner, kind.unwrap_or("—").to_owned(), text)
                }
                None => ("unassigned".to_owned(), "—".to_owned(), rest.strip_prefix(':')?),
            };
            Some(ActionItem { text: text.trim().to_owned(), owner, kind, noted_by: note.by.clone(), seq: note.seq })
        })
        .collect()
}

pub fn markdown(facts: &Facts<'_>, sealed: &[Sealed], descriptions: &[String], clocks: &[ClockAnnex]) -> String {
    let incident = facts.incident;
    let template = render(&incident.runbook.postmortem, facts).text;
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();
    let mut preamble = Vec::new();
    for line in template.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            sections.push((heading.trim().to_owned(), Vec::new()));
        } else if let Some((_, body)) = sections.last_mut() {
            body.push(line.to_owned());
        } else {
            preamble.push(line.to_owned());
        }
    }
    for (keyword, title) in SECTIONS {
        if !sections.iter().any(|(h, _)| h.to_lowercase().contains(keyword)) {
            sections.push(((*title).to_owned(), Vec::new()));
        }
    }
    let mut out = String::new();
    if incident.drill {
        out.push_str("> **DRILL** — this incident was a drill.\n\n");
    }
    if preamble.iter().all(|l| l.trim().is_empty()) {
        out.push_str(&format!("# Post-mortem: {} ({})\n", cell(&incident.title), incident.id));
    }
    for line in &preamble {
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&overview(facts));
    out.push_str("\n## Figures\n\n");
    out.push_str(&review::figures(incident, sealed));
    for (heading, body) in &sections {
        out.push_str(&format!("\n## {heading}\n\n"));
        let written: Vec<&String> = body.iter().filter(|l| !l.trim().is_empty()).collect();
        for line in &written {
            out.push_str(line);
            out.push('\n');
        }
        let seeded = seed(facts, sealed, &heading.to_lowercase());
        if !seeded.is_empty() {
            out.push_str(&seeded);
        } else if written.is_empty() {
            out.push_str("_To be written._\n");
        }
    }
    out.push_str(&containment(facts));
    out.push_str(&super::paging_review::section(incident, sealed));
    out.push_str(&stakeholder_updates(incident));
    out.push_str("\n## Key timeline (UTC)\n\n");
    out.push_str(&review::key_timeline(incident, sealed, descriptions));
    out.push_str("\n## Timeline (UTC)\n\n");
    out.push_str(&timeline_table(sealed, descriptions));
    out.push('\n');
    out.push_str(
        &annex::markdown(&incident.id, clocks)
            .replacen("# Regulatory annex", "## Regulatory annex", 1)
            .replace("\n## ", "\n### "),
    );
    text(&out)
}

fn overview(facts: &Facts<'_>) -> String {
    let i = facts.incident;
    let rows = vec![
        vec!["Incident".to_owned(), i.id.clone()],
        vec!["Runbook".to_owned(), format!("{} v{}", i.runbook.id, i.runbook.version)],
        vec!["Severity".to_owned(), i.severity.clone()],
        vec!["State".to_owned(), i.state.name().to_owned()],
        vec!["Declared".to_owned(), format!("{} by {}", time(i.declared_at), i.declared_by)],
        vec!["Resolved".to_owned(), i.resolved_at.map_or("—".to_owned(), time)],
        vec!["Closed".to_owned(), i.closed_at.map_or("—".to_owned(), time)],
        vec!["Archived".to_owned(), i.archived_at.map_or("—".to_owned(), time)],
    ];
    format!("\n{}", table(&["fact", "value"], rows))
}

/// What the log already knows for a section.
fn seed(facts: &Facts<'_>, sealed: &[Sealed], heading: &str) -> String {
    let i = facts.incident;
    let from_notes = review::section_from_notes(i, heading);
    if !from_notes.is_empty() {
        return from_notes;
    }
    if heading.contains("summary") {
        return facts.value("incident.summary").map(|s| format!("{}\n", text(&s))).unwrap_or_default();
    }
    if heading.contains("impact") {
        return facts.value("incident.impact").map(|s| format!("{}\n", text(&s))).unwrap_or_default();
    }
    if heading.contains("detection") {
        let mut out = String::new();
        if let Some(aware) = facts.value("incident.aware_at") {
            out.push_str(&format!("- Aware: {aware}\n"));
        }
        out.push_str(&format!("- Declared: {} by {}\n", time(i.declared_at), cell(&i.declared_by)));
        if !i.alerts.is_empty() {
            let first = facts.value("alert.alertname").unwrap_or_else(|| "an alert".to_owned());
            out.push_str(&format!(
                "- Alerts: {} distinct ({} deliveries), first {}\n",
                i.alerts.len(),
                facts.value("count.deliveries").unwrap_or_default(),
                cell(&first)
            ));
        }
        return out;
    }
    if heading.contains("resolution") {
        let (done, total) = i.progress();
        return format!(
            "- Resolved: {}\n- Steps done or skipped: {done} of {total}\n",
            i.resolved_at.map_or("not resolved".to_owned(), time)
        );
    }
    if heading.contains("responders") {
        let unassigned: Vec<&str> =
            i.runbook.roles.iter().filter(|r| !i.roles.contains_key(&r.id)).map(|r| r.title.as_str()).collect();
        let (people, services) = review::acted(sealed);
        let mut out = review::role_periods(i, sealed);
        if !unassigned.is_empty() {
            out.push_str(&format!("\nNever assigned: {}.\n", cell(&unassigned.join(", "))));
        }
        out.push_str(&format!("\nEveryone who recorded something: {}.\n", cell(&people.join(", "))));
        if !services.is_empty() {
            let services = services.join(", ");
            out.push_str(&format!("Services that recorded (alerts, deliveries): {}.\n", cell(&services)));
        }
        return out;
    }
    if heading.contains("action items") {
        let items = action_items(facts);
        if items.is_empty() {
            return String::new();
        }
        return table(
            &["action item", "owner", "type", "noted by"],
            items.into_iter().map(|a| vec![a.text, a.owner, a.kind, format!("{} (#{})", a.noted_by, a.seq)]),
        );
    }
    String::new()
}

/// The side-effect ledger, the actions run and the evidence preserved, where there are any.
/// Every stakeholder update sent, and where each went.
fn stakeholder_updates(incident: &crate::domain::incident::Incident) -> String {
    use crate::domain::outbox::Delivery;
    if incident.outbox.updates.is_empty() {
        return String::new();
    }
    let rows = incident.outbox.updates.iter().map(|update| {
        let sent: Vec<String> = crate::domain::updates::messages_of(incident, update)
            .map(|m| {
                let how = match &m.delivery {
                    Delivery::Delivered { .. } => "delivered",
                    Delivery::Pending { .. } => "NOT YET DELIVERED",
                    Delivery::Failed { .. } => "GIVEN UP",
                    Delivery::Withdrawn { .. } => "withdrawn",
                    Delivery::Simulated => "DRILL: not sent",
                };
                let to = m.outbound.to.as_deref().map(|to| format!(" to {to}")).unwrap_or_default();
                format!("{} {}{to}: {how}", m.outbound.kind.name(), m.outbound.notifier)
            })
            .collect();
        let went = if sent.is_empty() { "no notifier: to be sent by hand".to_owned() } else { sent.join("; ") };
        let at = update.at.format("%Y-%m-%d %H:%M").to_string();
        vec![update.seq.to_string(), at, update.audience.clone(), update.by.clone(), went, update.text.clone()]
    });
    format!(
        "\n## Stakeholder updates\n\n{}",
        table(&["#", "recorded (UTC)", "audience", "by", "where it went", "text"], rows)
    )
}

fn containment(facts: &Facts<'_>) -> String {
    let c = &facts.incident.containment;
    let mut out = String::new();
    if !c.effects.is_empty() {
        out.push_str("\n## Side effects of the agent (ledger)\n\n");
        out.push_str(&table(
            &["id", "what", "where", "count", "owner of reversal", "state", "evidence"],
            c.effects.values().map(|e| {
                let state = if e.state == EffectState::Irreversible { "**IRREVERSIBLE**" } else { e.state.name() };
                vec![
                    e.id.clone(),
                    e.what.clone(),
                    e.place.clone(),
                    e.count.to_string(),
                    e.owner.clone(),
                    state.to_owned(),
                    e.evidence.clone().unwrap_or_default(),
                ]
            }),
        ));
    }
    if !c.runs.is_empty() {
        out.push_str("\n## Actions run\n\n");
        out.push_str(&table(
            &["#", "step", "argv", "by", "result", "output (sha256)"],
            c.runs.iter().map(|r| {
                let mut result = match &r.outcome {
                    None => "no outcome recorded".to_owned(),
                    Some(o) if o.simulated => "DRILL: simulated (dry run), nothing ran".to_owned(),
                    Some(o) if o.abandoned => "abandoned (its warroom process died)".to_owned(),
                    Some(o) if o.timed_out => "timed out, killed".to_owned(),
                    Some(o) => o.exit_code.map_or_else(|| "killed by a signal".to_owned(), |c| format!("exit {c}")),
                };
                for (yes, text) in [
                    (r.drill.is_some_and(|d| d != crate::domain::actions::DrillRun::DryRun), "in a DRILL".to_owned()),
                    (r.forced, "FORCED past open dependencies".to_owned()),
                    (
                        r.hold_override.is_some(),
                        format!("past the evidence hold: {}", r.hold_override.as_deref().unwrap_or("")),
                    ),
                    (r.undoes.is_some(), format!("undoes #{}", r.undoes.unwrap_or(0))),
                    (r.undone_by.is_some(), format!("undone by #{}", r.undone_by.unwrap_or(0))),
                    (r.in_effect(), "still in effect".to_owned()),
                ] {
                    if yes {
                        result.push_str("; ");
                        result.push_str(&text);
                    }
                }
                let output = r
                    .outcome
                    .as_ref()
                    .filter(|o| !o.output_file.is_empty())
                    .map_or_else(String::new, |o| format!("{} ({})", o.output_file, o.output_sha256));
                vec![
                    r.started_seq.to_string(),
                    r.step.clone(),
                    crate::domain::actions::quoted(&r.argv),
                    r.by.clone(),
                    result,
                    output,
                ]
            }),
        ));
    }
    if !c.preserved.is_empty() {
        out.push_str("\n## Evidence preserved\n\n");
        out.push_str(&table(
            &["step", "what", "where", "hash or receipt", "by", "at"],
            c.preserved.iter().map(|p| {
                vec![
                    p.step.clone(),
                    p.identifier.clone(),
                    p.location.clone(),
                    p.digest.clone(),
                    p.by.clone(),
                    time(p.at),
                ]
            }),
        ));
    }
    out
}

/// Date and time (UTC), actor, event; a run of alert deliveries one actor recorded is one row.
fn timeline_table(sealed: &[Sealed], descriptions: &[String]) -> String {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut index = 0;
    while let Some(line) = sealed.get(index) {
        if matches!(line.event, Event::AlertReceived { .. }) {
            let same = |l: &&Sealed| matches!(l.event, Event::AlertReceived { .. }) && l.actor.name == line.actor.name;
            let run = sealed[index..].iter().take_while(same).count();
            if run > 1 {
                let last = &sealed[index + run - 1];
                rows.push(vec![
                    format!("{} – {}", time(line.at), time(last.at)),
                    line.actor.name.clone(),
                    format!("{run} alert deliveries recorded (#{}–#{}; each in timeline.csv)", line.seq, last.seq),
                ]);
                index += run;
                continue;
            }
        }
        let described = descriptions.get(index).map_or("", String::as_str);
        let description = described.strip_prefix(&format!("{} ", line.actor.name)).unwrap_or(described);
        rows.push(vec![time(line.at), line.actor.name.clone(), format!("#{} {description}", line.seq)]);
        index += 1;
    }
    table(&["time (UTC)", "actor", "event"], rows)
}
