//! The worksheet of one regulatory clock: the internal side of its filing. What to record
//! before filing and the command for each, the clock and what started it, who holds which
//! role, the runbook's procedure and the submissions made. Never sent.

use super::annex::ClockAnnex;
use super::filing::{DRILL, Gap, when_text};
use super::markdown::{one_line, text};
use crate::domain::placeholder::{Facts, render};

pub fn markdown(facts: &Facts<'_>, clock: &ClockAnnex, gaps: &[Gap]) -> String {
    let incident = facts.incident;
    let mut out = String::new();
    if incident.drill {
        out.push_str(DRILL);
    }
    out.push_str(&format!(
        "# Worksheet: {} ({}) — {}\n\n",
        one_line(&clock.title),
        one_line(&clock.citation),
        incident.id
    ));
    out.push_str(&format!(
        "Internal: not for the recipient. The filing is `filings/{}.md`; this sheet is how the room gets it ready.\n\n",
        clock.id
    ));
    out.push_str("## To record before filing\n\n");
    if clock.not_applicable_rationale.is_some() {
        out.push_str("Nothing: the clock is marked not applicable.\n");
    } else if gaps.is_empty() {
        out.push_str("Nothing: the filing states every fact its form asks.\n");
    }
    for g in gaps {
        out.push_str(&format!("- {}: `{}`\n", g.what, one_line(&g.record)));
    }
    out.push_str("\n## The clock\n\n");
    out.push_str(&format!("- State: {}\n", clock.state));
    let due = clock.due_at.as_deref().map_or_else(|| "not started (no anchor recorded)".to_owned(), when_text);
    out.push_str(&format!("- Due: {due}\n"));
    match &clock.legal_limit_at {
        Some(_) if !clock.fixed_limit => {
            out.push_str("- Legal limit: none (without undue delay); the due time is a target\n")
        }
        Some(limit) => out.push_str(&format!("- Legal limit: {}\n", when_text(limit))),
        None => {}
    }
    if let Some(without) = &clock.limit_without_delay {
        out.push_str(&format!("- Legal limit without the delay: {}\n", when_text(without)));
    }
    for d in clock.delays.iter().filter(|d| d.replaced_by.is_none()) {
        let basis = one_line(&d.basis);
        out.push_str(&format!("- Delayed until {} under {basis}: {}\n", when_text(&d.ends_at), one_line(&d.reason)));
    }
    if let Some(cap) = &clock.capped_by {
        out.push_str(&format!("- Capped by: {} reached {}\n", cap.what, when_text(&cap.at)));
    }
    if let Some(anchor) = &clock.anchor {
        out.push_str(&format!(
            "- Started by: {} reached {}, recorded by {} at {}{}\n",
            anchor.what,
            when_text(&anchor.at),
            one_line(&anchor.by),
            when_text(&anchor.recorded_at),
            if anchor.auto { " (auto-recorded from an alert: confirm or correct it)" } else { "" }
        ));
    }
    if let Some(why) = &clock.not_applicable_rationale {
        out.push_str(&format!("- Marked not applicable: {}\n", one_line(why)));
    }
    let duty = incident.clocks.iter().find(|d| d.id == clock.id).map(|d| d.duty.clone()).unwrap_or_default();
    if !duty.is_empty() {
        out.push_str(&format!("\n## The duty\n\n> {}\n", one_line(&duty)));
    }
    out.push_str("\n## Who\n\n");
    if incident.roles.is_empty() {
        out.push_str("No role assigned.\n");
    }
    for (role, person) in &incident.roles {
        out.push_str(&format!("- {}: {}\n", one_line(role), one_line(person)));
    }
    if let Some(p) = incident.runbook.regulator.iter().find(|r| r.clock == clock.id) {
        let rendered = render(&p.procedure, facts);
        out.push_str(&format!("\n## Procedure (from the runbook)\n\n- Channel: {}\n\n", one_line(&p.channel)));
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
        let at = when_text(&s.at);
        out.push_str(&format!("- {at} {} by {}, reference {}\n", s.phase, one_line(&s.by), one_line(&s.reference)));
    }
    text(&out)
}
