//! Drafts that leave the war room: a notification per regulatory clock (the runbook's
//! procedure and the clock's required content, filled with the incident's facts, anything
//! missing marked missing) and the runbook's customer communications.

use super::annex::ClockAnnex;
use super::markdown::{cell, text};
use crate::domain::parties::WorkspaceParties;
use crate::domain::placeholder::{Facts, render};

const DRILL: &str = "> **DRILL — NOT A REAL INCIDENT. Do not send.**\n\n";

/// A filing's draft. What it still lacks is listed first, so the DPO sees it before anything.
pub fn notification(facts: &Facts<'_>, clock: &ClockAnnex, parties: &Result<WorkspaceParties, String>) -> String {
    let incident = facts.incident;
    let mut head = String::new();
    if incident.drill {
        head.push_str(DRILL);
    }
    head.push_str(&format!("# DRAFT notification: {} ({})\n\n", cell(&clock.title), cell(&clock.citation)));
    let mut missing: Vec<String> = Vec::new();
    let body = body(facts, clock, parties, &mut missing);
    if !missing.is_empty() {
        head.push_str("## Missing before filing\n\n");
        for item in &missing {
            head.push_str(&format!("- {item}\n"));
        }
        head.push('\n');
    }
    text(&(head + &body))
}

fn body(
    facts: &Facts<'_>,
    clock: &ClockAnnex,
    parties: &Result<WorkspaceParties, String>,
    missing: &mut Vec<String>,
) -> String {
    let incident = facts.incident;
    let procedure = incident.runbook.regulator.iter().find(|r| r.clock == clock.id);
    let mut out = String::new();
    let recipient = procedure.map_or(clock.recipient.as_str(), |p| p.recipient.as_str());
    out.push_str(&format!("- Incident: {} — {}\n", incident.id, cell(&incident.title)));
    out.push_str(&format!("- Recipient: {}\n", cell(recipient)));
    if let Some(p) = procedure {
        out.push_str(&format!("- Channel: {}\n", cell(&p.channel)));
    }
    out.push_str(&format!("- Due: {}\n", clock.due_at.as_deref().unwrap_or("not started (no anchor recorded)")));
    if let Some(limit) = &clock.legal_limit_at {
        out.push_str(&format!("- Legal limit: {limit}\n"));
    }
    if let Some(anchor) = &clock.anchor {
        out.push_str(&format!("- Clock started by: {} reached {}\n", anchor.what, anchor.at));
    }
    if let Some(why) = &clock.not_applicable_rationale {
        out.push_str(&format!("- Marked not applicable: {}\n", cell(why)));
    }
    match parties {
        Ok(parties) => {
            match parties.dpo() {
                Some(dpo) => out.push_str(&format!("- Contact point (DPO): {}\n", cell(&dpo.line()))),
                None => missing.push("the DPO's contact point: add contacts.dpo to warroom.yaml".to_owned()),
            }
            if let Some(company) = &parties.parties.company {
                out.push_str(&format!("- Notifying organisation: {}\n", cell(company)));
            }
            if let Some(lead) = &parties.parties.lead_authority {
                out.push_str(&format!("- Lead supervisory authority: {}\n", cell(lead)));
            }
            for (tenant, controller) in &parties.parties.controllers {
                out.push_str(&format!("- Controller for tenant {}: {}\n", cell(tenant), cell(controller)));
            }
        }
        Err(why) => missing.push(format!("the contact points and parties: warroom.yaml cannot be used ({why})")),
    }
    let duty = incident.clocks.iter().find(|d| d.id == clock.id).map(|d| d.duty.clone()).unwrap_or_default();
    if !duty.is_empty() {
        out.push_str(&format!("\n## The duty\n\n> {}\n", cell(&duty)));
    }
    out.push_str("\n## Incident facts\n\n");
    for (label, name) in [
        ("Aware", "incident.aware_at"),
        ("Declared", "incident.declared_at"),
        ("Severity", "incident.severity"),
        ("Summary", "incident.summary"),
        ("Impact", "incident.impact"),
        ("Commander", "incident.commander"),
    ] {
        let value = facts.value(name).map_or_else(
            || {
                missing.push(format!("{label} ({name})"));
                format!("**[missing: {name}]**")
            },
            |v| cell(&v),
        );
        out.push_str(&format!("- {label}: {value}\n"));
    }
    out.push_str("\n## Required content\n\n");
    if clock.content.is_empty() {
        out.push_str("The catalog lists no required fields for this clock.\n");
    }
    for item in &clock.content {
        out.push_str(&format!("### {} — {}\n\n", item.id, cell(&item.required)));
        match &item.provided {
            Some(provided) => out.push_str(&format!("{}\n\n", text(provided))),
            None => {
                missing.push(format!("content item {}: {}", item.id, cell(&item.required)));
                out.push_str(&format!(
                    "**[missing: content.{}.{}]** — record it with `warroom clock provide`.\n\n",
                    clock.id, item.id
                ));
            }
        }
    }
    if let Some(p) = procedure {
        let rendered = render(&p.procedure, facts);
        out.push_str("## Procedure (from the runbook)\n\n");
        out.push_str(&rendered.text);
        if !rendered.text.ends_with('\n') {
            out.push('\n');
        }
    }
    out.push_str("\n## Submissions recorded\n\n");
    if clock.submissions.is_empty() {
        out.push_str("None yet.\n");
    }
    for s in &clock.submissions {
        out.push_str(&format!("- {} {} by {}, reference {}\n", s.at, s.phase, cell(&s.by), cell(&s.reference)));
    }
    out
}

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
