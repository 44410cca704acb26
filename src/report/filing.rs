//! The filing of one regulatory clock: only what goes to the recipient, in the order its form
//! asks, stated from the incident and the workspace's `warroom.yaml`. What it still lacks is
//! listed first; how to record each gap is the worksheet's business, not the recipient's.

use chrono::{DateTime, Utc};

use super::markdown::{one_line, prose, text};
use crate::domain::clock::def::Asked;
use crate::domain::clock::{ClockStatus, Decision, SubmissionPhase};
use crate::domain::parties::WorkspaceParties;
use crate::domain::placeholder::Facts;

pub const DRILL: &str = "> **DRILL — NOT A REAL INCIDENT. Do not send.**\n\n";

/// Something the filing cannot state yet, and the command that records it.
pub struct Gap {
    pub what: String,
    pub record: String,
}

pub struct Filing {
    pub markdown: String,
    pub gaps: Vec<Gap>,
}

pub use crate::domain::placeholder::human_time as when;

/// An RFC 3339 time as [`when`] writes it; anything else as it is.
pub fn when_text(rfc3339: &str) -> String {
    DateTime::parse_from_rfc3339(rfc3339).map_or_else(|_| rfc3339.to_owned(), |t| when(t.with_timezone(&Utc)))
}

/// The filing of `status`'s clock on `dated`; `sending`: the phase about to be submitted (the
/// copy kept with a submission), else the phase that comes next.
pub fn filing(
    facts: &Facts<'_>,
    status: &ClockStatus<'_>,
    parties: &Result<WorkspaceParties, String>,
    dated: DateTime<Utc>,
    sending: Option<SubmissionPhase>,
) -> Filing {
    let mut gaps = Vec::new();
    let def = status.def;
    let mut out = String::new();
    if facts.incident.drill {
        out.push_str(DRILL);
    }
    out.push_str(&format!("# {} ({})\n\n", one_line(&def.title), one_line(&def.citation)));
    if let Some(waiver) = status.waiver {
        out.push_str(&format!(
            "> **NOT APPLICABLE: nothing to file.** Marked not applicable by {} at {}: {}\n",
            one_line(&waiver.by),
            when(waiver.at),
            one_line(&waiver.rationale)
        ));
        return Filing { markdown: text(&out), gaps };
    }
    let body = body(facts, status, parties, (dated, sending), &mut gaps);
    if !gaps.is_empty() {
        out.push_str("## Missing before filing\n\n");
        for gap in &gaps {
            out.push_str(&format!("- {}\n", gap.what));
        }
        out.push('\n');
    }
    out.push_str(&body);
    Filing { markdown: text(&out), gaps }
}

/// The alert label naming the tenant whose data an incident exposed (the controller's).
const AFFECTED_TENANT: &str = "tenant";

fn gap(gaps: &mut Vec<Gap>, what: impl Into<String>, record: impl Into<String>) -> String {
    let what = what.into();
    let marker = format!("**[missing: {what}]**");
    gaps.push(Gap { what, record: record.into() });
    marker
}

fn body(
    facts: &Facts<'_>,
    status: &ClockStatus<'_>,
    parties: &Result<WorkspaceParties, String>,
    (dated, sending): (DateTime<Utc>, Option<SubmissionPhase>),
    gaps: &mut Vec<Gap>,
) -> String {
    let incident = facts.incident;
    let def = status.def;
    let id = &incident.id;
    let asks = |a: &Asked| def.asks.contains(a);
    let fix_config = |what: &str| match parties {
        Ok(_) => format!("add {what} to warroom.yaml"),
        Err(why) => format!("repair warroom.yaml ({why}), then add {what}"),
    };
    let workspace = parties.as_ref().ok();
    let procedure = incident.runbook.regulator.iter().find(|r| r.clock == def.id);
    let mut out = String::new();
    let mut to = one_line(procedure.map_or(&def.recipient, |p| &p.recipient));
    let lead = workspace.and_then(|w| w.parties.lead_authority.as_deref()).filter(|_| asks(&Asked::CrossBorder));
    if let Some(lead) = lead {
        to = one_line(lead);
    } else if let Some(state) = def.localized.as_ref().and_then(|l| l.member_state.as_ref()) {
        to = format!("{to} ({state})");
    }
    out.push_str(&format!("- To: {to}\n"));
    let company = workspace.and_then(|w| w.parties.company.clone());
    let from = company
        .map_or_else(|| gap(gaps, "the notifying organisation", fix_config("parties.company")), |c| one_line(&c));
    out.push_str(&format!("- From: {from}\n"));
    out.push_str(&format!("- Our reference: {id}\n- Date: {}\n", dated.format("%Y-%m-%d")));
    if asks(&Asked::Phases) {
        out.push_str(&format!("- {}\n", phase(status, sending)));
    }

    if asks(&Asked::ContactPoint) {
        let dpo = workspace.and_then(WorkspaceParties::dpo).map(|c| one_line(&c.line()));
        let dpo = dpo.unwrap_or_else(|| gap(gaps, "the DPO or other contact point", fix_config("contacts.dpo")));
        out.push_str(&format!("\n## Contact point\n\n- Data protection officer: {dpo}\n"));
    }
    if asks(&Asked::Controllers) || asks(&Asked::CrossBorder) {
        out.push_str("\n## Parties\n\n");
    }
    if asks(&Asked::CrossBorder) && !asks(&Asked::Controllers) {
        let company = workspace.and_then(|w| w.parties.company.as_deref()).map(one_line);
        let company = company.unwrap_or_else(|| "**[missing: the notifying organisation]**".to_owned());
        out.push_str(&format!("- Controller: {company} (this notification is the controller's own)\n"));
    }
    if asks(&Asked::Controllers) {
        // The tenants whose data it is (the alerts' `tenant`), not every controller configured.
        let tenants = incident.label_values(AFFECTED_TENANT);
        if tenants.is_empty() {
            let record = format!("state it: warroom label {id} {AFFECTED_TENANT}=NAME");
            let missing = gap(gaps, "which tenants' data was affected", record);
            out.push_str(&format!("- Controller: {missing}\n"));
        }
        for tenant in tenants {
            let controller = workspace.and_then(|w| w.parties.controllers.get(tenant)).map(|c| one_line(c));
            let controller = controller.unwrap_or_else(|| {
                let what = format!("the controller of tenant {}", one_line(tenant));
                gap(gaps, what, fix_config(&format!("parties.controllers.{}", one_line(tenant))))
            });
            out.push_str(&format!("- Controller for tenant {}: {controller}\n", one_line(tenant)));
        }
    }
    if asks(&Asked::CrossBorder) {
        let lead = workspace.and_then(|w| w.parties.lead_authority.clone());
        let line = match workspace.and_then(|w| w.parties.cross_border) {
            Some(false) => "no".to_owned(),
            Some(true) => match lead {
                Some(lead) => format!("yes; lead supervisory authority: {}", one_line(&lead)),
                None => format!(
                    "yes; lead supervisory authority: {}",
                    gap(gaps, "the lead supervisory authority", fix_config("parties.lead_authority"))
                ),
            },
            None => gap(gaps, "whether processing is cross-border", fix_config("parties.cross_border")),
        };
        out.push_str(&format!("- Cross-border processing: {line}\n"));
    }

    out.push_str("\n## What happened\n\n");
    match facts.value("incident.summary") {
        Some(summary) => out.push_str(&format!("{}\n", prose(&summary))),
        None => {
            let missing = gap(gaps, "a summary of what happened", format!("warroom note {id} \"SUMMARY: …\""));
            out.push_str(&format!("{missing}\n"));
        }
    }
    if let Some(impact) = facts.value("incident.impact") {
        out.push_str(&format!("\nImpact: {}\n", prose(&impact)));
    }

    out.push_str("\n## When\n\n");
    let decided = |d: Decision| incident.clock_facts.decided(d);
    if asks(&Asked::BreachWindow) {
        let began = decided(Decision::BreachStarted).map(|d| when(d.at));
        let began = began.unwrap_or_else(|| {
            gap(gaps, "when the breach began", format!("warroom decide {id} breach-started --at TIME --evidence …"))
        });
        out.push_str(&format!("- Began: {began}\n"));
        let ended = match decided(Decision::BreachEnded) {
            Some(d) => when(d.at),
            None if incident.resolved_at.is_none() => "ongoing at the date of this notification".to_owned(),
            None => {
                gap(gaps, "when the breach ended", format!("warroom decide {id} breach-ended --at TIME --evidence …"))
            }
        };
        out.push_str(&format!("- Ended: {ended}\n"));
    }
    // The decision the recipient's clock runs from (discovery for HIPAA, materiality for the
    // SEC), and awareness where that is what it runs from or the form asks how it was found.
    let starts_on = match &def.anchor {
        crate::domain::clock::Anchor::Decision(d) if *d != Decision::Aware => Some(*d),
        _ => None,
    };
    if let Some(decision) = starts_on {
        let record = incident.clock_facts.decided_in(decision, def.regime.as_deref());
        let text = record.map_or_else(
            || gap(gaps, decision.reached(), format!("warroom decide {id} {} --at TIME --evidence …", decision.name())),
            |r| when(r.at),
        );
        out.push_str(&format!("- {}: {text}\n", capitalized(decision.reached())));
    }
    let aware = incident.clock_facts.decided_in(Decision::Aware, status.def.regime.as_deref());
    match aware {
        Some(aware) => out.push_str(&format!("- We became aware: {}\n", when(aware.at))),
        None if starts_on.is_some() => {}
        None => {
            let missing =
                gap(gaps, "when we became aware", format!("warroom decide {id} aware --at TIME --evidence …"));
            out.push_str(&format!("- We became aware: {missing}\n"));
        }
    }
    if asks(&Asked::Discovery) {
        let evidence = aware.and_then(|d| d.evidence.clone());
        let how = evidence.map_or_else(
            || gap(gaps, "how it was discovered", format!("warroom decide {id} aware --at TIME --evidence \"how\"")),
            |e| one_line(&e),
        );
        out.push_str(&format!("- How it was discovered: {how}\n"));
    }
    if let Some(late) = late(status, dated) {
        let reasons = late.map_or_else(
            || gap(gaps, "the reasons for the delay", format!("warroom notify {id} {} … --late-reason \"…\"", def.id)),
            |r| one_line(&r),
        );
        out.push_str(&format!("- Reasons for the delay: {reasons}\n"));
    }
    // The recipient reads the provision, not our internal references in the recorded basis.
    if let (Some(rule), Some(delay)) = (&def.pause, incident.clock_facts.standing_delay(&def.id))
        && delay.ends_at() > delay.from
    {
        let (from, to) = (when(delay.from), when(delay.ends_at()));
        out.push_str(&format!("- Notice delayed from {from} to {to} under {}\n", one_line(&rule.basis)));
    }

    let provided = incident.clock_facts.provided.get(&def.id);
    for item in &def.content {
        out.push_str(&format!("\n## {}\n\n", one_line(&item.text)));
        match provided.and_then(|p| p.get(&item.id)) {
            Some(value) => out.push_str(&format!("{}\n", prose(value))),
            None => {
                let record = format!("warroom clock provide {id} {} {} \"…\"", def.id, item.id);
                gaps.push(Gap { what: one_line(&item.text), record });
                out.push_str("**[missing]**\n");
            }
        }
    }

    for asked in &def.asks {
        if let Asked::SubjectsInformed(clock) = asked {
            out.push_str(&format!("\n## Data subjects informed\n\n{}\n", subjects_informed(facts, clock, gaps)));
        }
    }
    out
}

/// Which report this is and what follows it.
fn phase(status: &ClockStatus<'_>, sending: Option<SubmissionPhase>) -> String {
    if let Some(phase) = sending {
        let follows = if phase == SubmissionPhase::Complete {
            String::new()
        } else {
            "; further information will follow in phases without undue further delay".to_owned()
        };
        return match status.latest_submission {
            Some(last) => format!(
                "Phase: {} notification, following the {} notification of {} (reference {}){follows}",
                phase.name(),
                last.phase.name(),
                when(last.at),
                one_line(&last.reference)
            ),
            None => format!("Phase: {} notification{follows}", phase.name()),
        };
    }
    match status.latest_submission {
        None => "Phase: initial notification; further information will follow in phases without undue further delay"
            .to_owned(),
        Some(last) if status.in_full => {
            let first = status.submitted.filter(|f| f.seq != last.seq).map_or_else(String::new, |f| {
                format!(
                    ", following the {} notification of {} (reference {})",
                    f.phase.name(),
                    when(f.at),
                    one_line(&f.reference)
                )
            });
            format!("Phase: complete, submitted {} (reference {}){first}", when(last.at), one_line(&last.reference))
        }
        Some(last) => format!(
            "Phase: complete notification, following the {} notification of {} (reference {})",
            last.phase.name(),
            when(last.at),
            one_line(&last.reference)
        ),
    }
}

/// `Some(reason, if recorded)` when the report is or will be made after the legal limit.
fn late(status: &ClockStatus<'_>, dated: DateTime<Utc>) -> Option<Option<String>> {
    let limit = status.deadline.filter(|d| d.fixed)?.legal_limit_at;
    let first = status.submitted;
    let made_at = first.map_or(dated, |s| s.at);
    (made_at > limit).then(|| first.and_then(|s| s.late_reason.clone()))
}

fn subjects_informed(facts: &Facts<'_>, clock: &str, gaps: &mut Vec<Gap>) -> String {
    let id = &facts.incident.id;
    let Some(status) = facts.clocks.iter().find(|s| s.def.id == clock) else {
        let record = format!("warroom clock add {id} {clock}, or state the reason in a content item");
        return gap(gaps, "whether the data subjects were told", record);
    };
    if let Some(waiver) = status.waiver {
        return format!("No. {}", one_line(&waiver.rationale));
    }
    if let Some(first) = status.submitted {
        let phase =
            if first.phase == SubmissionPhase::Complete { String::new() } else { format!(" ({})", first.phase.name()) };
        return format!("Yes, on {}{phase}.", when(first.at));
    }
    match status.deadline {
        Some(deadline) => format!("Not yet; they will be told by {}.", when(deadline.due_at)),
        None => {
            let record = format!("warroom decide {id} high-risk …, or warroom waive {id} {clock} --rationale \"…\"");
            gap(gaps, "whether the data subjects will be told, and if not why (Art. 34(3))", record)
        }
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}
