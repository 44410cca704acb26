//! The regulatory annex: every clock of the incident, applicable or not and why, the decision
//! that started it, its due time and legal limit, what was submitted when, and the required
//! content with what was provided.

use serde::Serialize;

use super::markdown::{cell, text};
use crate::domain::clock::{Anchor, ClockFacts, ClockState, ClockStatus, Decision, DecisionRecord};
use crate::domain::placeholder::{Facts, time};

#[derive(Serialize)]
pub struct ClockAnnex {
    pub id: String,
    pub title: String,
    pub citation: String,
    pub recipient: String,
    pub applicable: bool,
    pub not_applicable_rationale: Option<String>,
    pub state: &'static str,
    /// What a submitted clock still owes: the complete report after phases, or content.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owed: Option<String>,
    pub anchor: Option<AnchorRecord>,
    /// The decision that caps it (DORA initial: awareness + 24 h), as recorded for its regime.
    pub capped_by: Option<AnchorRecord>,
    pub due_at: Option<String>,
    /// The legal limit it would have without the delays recorded for it.
    pub limit_without_delay: Option<String>,
    pub legal_limit_at: Option<String>,
    /// False for "without undue delay": `due_at` is an internal target.
    pub fixed_limit: bool,
    pub submissions: Vec<SubmissionRecord>,
    pub late_reason: Option<String>,
    pub content: Vec<ContentRecord>,
    /// Every correction of the decision that starts it, oldest first.
    pub corrections: Vec<CorrectionRecord>,
    /// Every delay its law allows that was recorded, oldest first.
    pub delays: Vec<DelayRecord>,
    /// For a clock that holds changes to the AI system: each altering action its authority was
    /// informed of before it was taken (AI Act Art. 73(6)).
    pub informed_before_altering: Vec<InformedRecord>,
}

#[derive(Serialize)]
pub struct InformedRecord {
    pub step: String,
    pub at: String,
    pub by: String,
    pub reference: String,
    pub channel: Option<String>,
}

#[derive(Serialize)]
pub struct DelayRecord {
    pub seq: u64,
    pub from: String,
    pub until: String,
    pub ends_at: String,
    pub basis: String,
    pub reason: String,
    pub by: String,
    /// Who ended it early, when and why.
    pub ended_early: Option<String>,
    /// The later delay that replaced it.
    pub replaced_by: Option<u64>,
}

#[derive(Serialize)]
pub struct CorrectionRecord {
    pub seq: u64,
    pub by: String,
    pub recorded_at: String,
    pub was: String,
    pub now: String,
    pub reason: Option<String>,
}

#[derive(Serialize)]
pub struct AnchorRecord {
    pub what: String,
    pub at: String,
    pub by: String,
    pub recorded_at: String,
    pub evidence: Option<String>,
    /// Recorded by warroom from an alert, for the commander to confirm or correct.
    pub auto: bool,
}

#[derive(Serialize)]
pub struct SubmissionRecord {
    pub at: String,
    pub recorded_at: String,
    pub by: String,
    pub phase: &'static str,
    pub reference: String,
    pub channel: Option<String>,
}

#[derive(Serialize)]
pub struct ContentRecord {
    pub id: String,
    pub required: String,
    pub provided: Option<String>,
}

/// Every clock of the incident, in the order the incident lists them.
pub fn annex(facts: &Facts<'_>) -> Vec<ClockAnnex> {
    statuses(facts).into_iter().map(|status| clock(facts, status)).collect()
}

/// The status of every clock of the incident, in the order the incident lists them.
pub fn statuses<'f, 'a>(facts: &'f Facts<'a>) -> Vec<&'f ClockStatus<'a>> {
    facts.incident.clocks.iter().filter_map(|def| facts.clocks.iter().find(|s| s.def.id == def.id)).collect()
}

fn clock(facts: &Facts<'_>, status: &ClockStatus<'_>) -> ClockAnnex {
    let incident = facts.incident;
    let def = status.def;
    let recorded = &incident.clock_facts;
    let decision_record = |decision: Decision| {
        recorded.decided_in(decision, def.regime.as_deref()).map(|d| AnchorRecord {
            what: format!("decision {}", d.label()),
            at: time(d.at),
            by: d.by.clone(),
            recorded_at: time(d.recorded_at),
            evidence: d.evidence.clone(),
            auto: d.auto,
        })
    };
    let anchor = match &def.anchor {
        Anchor::Decision(decision) => decision_record(*decision),
        Anchor::Submitted(_) | Anchor::LatestSubmitted(_) | Anchor::LatestSubmittedOf(_) => {
            let submission = match &def.anchor {
                Anchor::Submitted(other) => recorded.first_submission(other),
                _ => def
                    .chained_on()
                    .into_iter()
                    .filter_map(|o| recorded.latest_submission(o))
                    .max_by_key(|s| (s.at, s.seq)),
            };
            let other = submission.map_or("", |s| s.clock.as_str());
            submission.map(|s| AnchorRecord {
                what: format!("submission for {other}"),
                at: time(s.at),
                by: s.by.clone(),
                recorded_at: time(s.recorded_at),
                evidence: Some(s.reference.clone()),
                auto: false,
            })
        }
    };
    let provided = recorded.provided.get(&def.id);
    let mut corrections = match &def.anchor {
        Anchor::Decision(decision) => corrections_of(recorded, *decision, def.regime.as_deref()),
        _ => Vec::new(),
    };
    if let Some(cap) = &def.cap {
        corrections.extend(corrections_of(recorded, cap.decision, def.regime.as_deref()));
        corrections.sort_by_key(|c| c.seq);
    }
    let pauses = status.pauses;
    let limit_without_delay = (!pauses.is_empty())
        .then(|| crate::domain::clock::status::undelayed(def, recorded).deadline.map(|d| time(d.legal_limit_at)))
        .flatten();
    ClockAnnex {
        corrections,
        id: def.id.clone(),
        title: def.title.clone(),
        citation: def.citation.clone(),
        recipient: def.recipient.clone(),
        applicable: status.waiver.is_none(),
        not_applicable_rationale: status.waiver.map(|w| format!("{} ({}, {})", w.rationale, w.by, time(w.at))),
        state: status.state.name(),
        owed: status.still_owed(),
        capped_by: def.cap.as_ref().and_then(|cap| decision_record(cap.decision)),
        limit_without_delay,
        informed_before_altering: recorded
            .informed
            .iter()
            .filter(|(_, i)| i.clocks.contains(&def.id))
            .map(|(step, i)| InformedRecord {
                step: step.clone(),
                at: time(i.at),
                by: i.by.clone(),
                reference: i.reference.clone(),
                channel: i.channel.clone(),
            })
            .collect(),
        delays: pauses
            .iter()
            .enumerate()
            .map(|(i, p)| DelayRecord {
                replaced_by: pauses.get(i + 1).map(|next| next.seq),
                seq: p.seq,
                from: time(p.from),
                until: time(p.until),
                ends_at: time(p.ends_at()),
                basis: p.basis.clone(),
                reason: p.reason.clone(),
                by: p.by.clone(),
                ended_early: p.resumed.as_ref().map(|r| format!("{} by {}: {}", time(r.at), r.by, r.reason)),
            })
            .collect(),
        anchor,
        due_at: status.deadline.map(|d| time(d.due_at)),
        legal_limit_at: status.deadline.map(|d| time(d.legal_limit_at)),
        fixed_limit: status.deadline.is_none_or(|d| d.fixed),
        submissions: recorded
            .submissions_for(&def.id)
            .map(|s| SubmissionRecord {
                at: time(s.at),
                recorded_at: time(s.recorded_at),
                by: s.by.clone(),
                phase: s.phase.name(),
                reference: s.reference.clone(),
                channel: s.channel.clone(),
            })
            .collect(),
        late_reason: status.submitted.and_then(|s| s.late_reason.clone()),
        content: def
            .content
            .iter()
            .map(|c| ContentRecord {
                id: c.id.clone(),
                required: c.text.clone(),
                provided: provided.and_then(|p| p.get(&c.id)).cloned(),
            })
            .collect(),
    }
}

/// Corrections of the decision as this clock's regime sees it: its own record and the one for
/// every regime.
fn corrections_of(recorded: &ClockFacts, decision: Decision, regime: Option<&str>) -> Vec<CorrectionRecord> {
    // The shared record counts for this clock until the regime has its own.
    let own_from = recorded
        .decision_log
        .iter()
        .find(|d| d.decision == decision && regime.is_some() && d.regime.as_deref() == regime)
        .map_or(u64::MAX, |d| d.seq);
    let log: Vec<&DecisionRecord> = recorded
        .decision_log
        .iter()
        .filter(|d| d.decision == decision)
        .filter(|d| (d.regime.is_none() && d.seq < own_from) || (d.regime.is_some() && d.regime.as_deref() == regime))
        .collect();
    log.iter()
        .filter_map(|d| {
            let general_before = || log.iter().rev().find(|p| p.regime.is_none() && p.seq < d.seq);
            let was = match d.corrects {
                Some(seq) => log.iter().find(|p| p.seq == seq)?,
                None if d.regime.is_some() => general_before()?,
                None => return None,
            };
            Some(CorrectionRecord {
                seq: d.seq,
                by: d.by.clone(),
                recorded_at: time(d.recorded_at),
                was: time(was.at),
                now: time(d.at),
                reason: d.reason.clone(),
            })
        })
        .collect()
}

pub fn markdown(incident_id: &str, clocks: &[ClockAnnex]) -> String {
    let mut out = format!("# Regulatory annex — {incident_id}\n\n");
    if clocks.is_empty() {
        out.push_str("No regulatory clock applies to this incident.\n");
    }
    for c in clocks {
        out.push_str(&format!("## {} — {} ({})\n\n", c.id, cell(&c.title), cell(&c.citation)));
        let mut rows: Vec<(&str, String)> = vec![("Recipient", cell(&c.recipient))];
        rows.push((
            "Applicable",
            match &c.not_applicable_rationale {
                None => "yes".to_owned(),
                Some(why) => format!("no — {}", cell(why)),
            },
        ));
        rows.push((
            "State",
            c.owed.as_ref().map_or_else(|| c.state.to_owned(), |owed| format!("{} — {owed}", c.state)),
        ));
        rows.push((
            "Started by",
            c.anchor.as_ref().map_or_else(
                || "not started (no anchor recorded)".to_owned(),
                |a| {
                    format!(
                        "{} reached {} by {}, recorded {}{}{}",
                        a.what,
                        a.at,
                        cell(&a.by),
                        a.recorded_at,
                        a.evidence.as_ref().map(|e| format!("; evidence: {}", cell(e))).unwrap_or_default(),
                        if a.auto { " (auto-recorded from an alert)" } else { "" }
                    )
                },
            ),
        ));
        if let Some(cap) = &c.capped_by {
            let text = format!("{} reached {} by {}, recorded {}", cap.what, cap.at, cell(&cap.by), cap.recorded_at);
            rows.push(("Capped by", text));
        }
        let target = if c.fixed_limit { "due" } else { "internal target (the law says without undue delay)" };
        rows.push(("Due", c.due_at.as_ref().map_or("—".to_owned(), |d| format!("{d} ({target})"))));
        let limit = match &c.legal_limit_at {
            Some(_) if !c.fixed_limit => "none: without undue delay".to_owned(),
            Some(limit) => limit.clone(),
            None => "—".to_owned(),
        };
        rows.push(("Legal limit", limit));
        if let Some(without) = &c.limit_without_delay {
            rows.push(("Limit without the delay", without.clone()));
        }
        rows.push((
            "Submitted",
            if c.submissions.is_empty() {
                "not submitted".to_owned()
            } else {
                c.submissions
                    .iter()
                    .map(|s| {
                        format!(
                            "{} {} by {}, reference {}{}{}",
                            s.at,
                            s.phase,
                            cell(&s.by),
                            cell(&s.reference),
                            s.channel.as_ref().map(|ch| format!(" via {}", cell(ch))).unwrap_or_default(),
                            if s.recorded_at == s.at { String::new() } else { format!(", recorded {}", s.recorded_at) }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            },
        ));
        if let Some(late) = &c.late_reason {
            rows.push(("Late reason", cell(late)));
        }
        for i in &c.informed_before_altering {
            let via = i.channel.as_ref().map(|c| format!(" via {}", cell(c))).unwrap_or_default();
            let text = format!("{} at {} by {}, ref {}{via}", cell(&i.step), i.at, cell(&i.by), cell(&i.reference));
            rows.push(("Authority informed before altering", text));
        }
        for d in &c.delays {
            let early = d.ended_early.as_ref().map(|e| format!("; ended early {}", cell(e))).unwrap_or_default();
            let early = match d.replaced_by {
                Some(seq) => format!("{early}; replaced by #{seq}"),
                None => early,
            };
            rows.push((
                "Delay",
                format!(
                    "#{} {} → {} under {} by {}: {}{early}",
                    d.seq,
                    d.from,
                    d.until,
                    cell(&d.basis),
                    cell(&d.by),
                    cell(&d.reason)
                ),
            ));
        }
        for k in &c.corrections {
            let change = if k.now == k.was { "confirmed".to_owned() } else { format!("{} → {}", k.was, k.now) };
            let why = k.reason.as_ref().map(|r| format!("; reason: {}", cell(r))).unwrap_or_default();
            rows.push((
                "Correction",
                format!("#{} {change} by {}, recorded {}{why}", k.seq, cell(&k.by), k.recorded_at),
            ));
        }
        out.push_str("| | |\n|---|---|\n");
        for (name, value) in rows {
            out.push_str(&format!("| {name} | {value} |\n"));
        }
        if !c.content.is_empty() {
            out.push_str("\nRequired content:\n\n");
            for item in &c.content {
                match &item.provided {
                    Some(p) => out.push_str(&format!("- [x] **{}** {}: {}\n", item.id, cell(&item.required), cell(p))),
                    // A clock found not to apply owes no report, so nothing of one is missing.
                    None if c.state == ClockState::NotApplicable.name() => {
                        out.push_str(&format!(
                            "- **{}** {}: not owed (the clock does not apply)\n",
                            item.id,
                            cell(&item.required)
                        ));
                    }
                    None => out.push_str(&format!("- [ ] **{}** {}: **missing**\n", item.id, cell(&item.required))),
                }
            }
        }
        out.push('\n');
    }
    text(&out)
}
