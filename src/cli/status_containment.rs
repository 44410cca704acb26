//! `status --json`: the actions run on an incident (how, in a drill; forced; what reversed
//! them) and the approvals of the two-person rule (asked, approved, spent).

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::clock_view::rfc3339;
use crate::domain::actions::DrillRun;
use crate::domain::incident::Incident;

#[derive(Serialize)]
pub struct ActionJson<'a> {
    step: &'a str,
    argv: &'a [String],
    by: &'a str,
    started_seq: u64,
    started_at: String,
    exit_code: Option<i32>,
    timed_out: bool,
    output_file: Option<&'a str>,
    output_sha256: Option<&'a str>,
    output_bytes: Option<u64>,
    abandoned: bool,
    /// The last 4 KiB of the output, as the log keeps it.
    output_tail: Option<&'a str>,
    /// In a drill: `dry_run` (nothing ran), `run` or `instead`.
    drill: Option<DrillRun>,
    simulated: bool,
    forced: bool,
    hold_override: Option<&'a str>,
    /// The run this one reversed.
    undoes: Option<u64>,
    /// The run that reversed this one.
    undone_by: Option<u64>,
    /// It ran for real, succeeded, and nothing reversed it.
    in_effect: bool,
}

#[derive(Serialize)]
pub struct ApprovalJson<'a> {
    step: &'a str,
    requested_seq: u64,
    requested_by: &'a str,
    requested_at: String,
    expires_at: String,
    /// The exact argv it allows (none: ticking the step by hand).
    argv: Option<&'a [String]>,
    approved_by: Option<&'a str>,
    approved_at: Option<String>,
    /// The seq of the run or tick that spent it.
    spent_by: Option<u64>,
    /// Why the grant does not count (under a signing policy, its approver's signature does
    /// not cover it); the request still waits for one that does.
    unproven: Option<&'a str>,
    /// `waiting`, `approved`, `unproven`, `spent` or `expired`.
    state: &'static str,
}

pub fn actions(incident: &Incident) -> Vec<ActionJson<'_>> {
    incident
        .containment
        .runs
        .iter()
        .map(|r| {
            let outcome = r.outcome.as_ref();
            ActionJson {
                step: &r.step,
                argv: &r.argv,
                by: &r.by,
                started_seq: r.started_seq,
                started_at: rfc3339(r.started_at),
                exit_code: outcome.and_then(|o| o.exit_code),
                timed_out: outcome.is_some_and(|o| o.timed_out),
                output_file: outcome.map(|o| o.output_file.as_str()).filter(|f| !f.is_empty()),
                output_sha256: outcome.map(|o| o.output_sha256.as_str()).filter(|h| !h.is_empty()),
                output_bytes: outcome.map(|o| o.output_bytes),
                abandoned: outcome.is_some_and(|o| o.abandoned),
                output_tail: outcome.map(|o| o.output_tail.as_str()),
                drill: r.drill,
                simulated: outcome.is_some_and(|o| o.simulated),
                forced: r.forced,
                hold_override: r.hold_override.as_deref(),
                undoes: r.undoes,
                undone_by: r.undone_by,
                in_effect: r.in_effect(),
            }
        })
        .collect()
}

pub fn approvals(incident: &Incident, now: DateTime<Utc>) -> Vec<ApprovalJson<'_>> {
    incident
        .containment
        .approvals
        .iter()
        .map(|a| ApprovalJson {
            step: &a.step,
            requested_seq: a.requested_seq,
            requested_by: &a.requested_by,
            requested_at: rfc3339(a.requested_at),
            expires_at: rfc3339(a.expires_at),
            argv: a.argv.as_deref(),
            approved_by: a.granted_by.as_deref(),
            approved_at: a.granted_at.map(rfc3339),
            spent_by: a.spent_by,
            unproven: a.unproven.as_deref(),
            state: match (&a.granted_by, a.spent_by) {
                (_, Some(_)) => "spent",
                _ if now >= a.expires_at => "expired",
                (Some(_), None) if a.unproven.is_some() => "unproven",
                (Some(_), None) => "approved",
                (None, None) => "waiting",
            },
        })
        .collect()
}
