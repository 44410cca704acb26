//! One line saying what an event recorded: the log pane, the CLI's acknowledgements and the
//! exported timeline all use it. Unsanitised: callers show it through the sanitiser.

use super::actions::quoted;
use chrono::{DateTime, SecondsFormat, Utc};

use super::event::{Envelope, Event, MovedDeadline};

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub fn describe(envelope: &Envelope) -> String {
    let by = &envelope.actor.name;
    match &envelope.event {
        Event::Declared { title, severity, runbook, drill, .. } => format!(
            "{by} declared {}{severity} \"{title}\" from runbook {} v{}",
            if *drill { "DRILL " } else { "" },
            runbook.id,
            runbook.version
        ),
        Event::StepTicked { step, note, forced, hold_override } => format!(
            "{by} ticked {step}{}{}{}",
            if *forced { " (forced past open dependencies)" } else { "" },
            hold_override.as_ref().map(|r| format!(" (overriding the AI Act evidence hold: {r})")).unwrap_or_default(),
            note.as_ref().map(|n| format!(": {n}")).unwrap_or_default()
        ),
        Event::StepSkipped { step, reason } => format!("{by} skipped {step}: {reason}"),
        Event::DrillConfigured { speed, focus } => format!(
            "{by} set the drill to run clocks {speed}× faster{}",
            focus.as_ref().map(|f| format!(", practising {} steps: {}", f.len(), f.join(", "))).unwrap_or_default()
        ),
        Event::ApprovalRequested { step, expires_at, argv } => format!(
            "{by} requested a second responder's approval for {step}{} (expires {})",
            argv.as_ref().map(|argv| format!(" to run {}", quoted(argv))).unwrap_or_default(),
            rfc3339(*expires_at)
        ),
        Event::ApprovalGranted { step, requested_seq } => format!("{by} approved {step} (request #{requested_seq})"),
        Event::ActionStarted { step, argv, approval, forced, hold_override, drill, undoes, .. } => format!(
            "{}{by} {} {step}: {}{}{}{}{}",
            drill.map(|d| format!("[{}] ", d.describe())).unwrap_or_default(),
            if drill.is_some_and(|d| d == super::actions::DrillRun::DryRun) { "simulated" } else { "ran" },
            quoted(argv),
            undoes.map(|seq| format!(" (undoing #{seq})")).unwrap_or_default(),
            approval.map(|seq| format!(" (approved, request #{seq})")).unwrap_or_default(),
            if *forced { " (FORCED: steps it depends on were open)" } else { "" },
            hold_override.as_ref().map(|r| format!(" (past the AI Act evidence hold: {r})")).unwrap_or_default()
        ),
        Event::ActionFinished { step, started_seq, outcome } if outcome.simulated => {
            format!("{step} action (#{started_seq}) simulated in a drill: nothing ran")
        }
        Event::ActionFinished { step, started_seq, outcome } => format!(
            "{step} action (#{started_seq}) {} after {}s; output {} bytes in {} (sha256 {})",
            match (outcome.timed_out, outcome.exit_code) {
                (_, None) if outcome.abandoned => "ABANDONED (its warroom process died)".to_owned(),
                (true, _) => "TIMED OUT and was killed".to_owned(),
                (false, Some(0)) => "succeeded".to_owned(),
                (false, Some(code)) => format!("FAILED with exit {code}"),
                (false, None) => "FAILED: killed by a signal".to_owned(),
            },
            (outcome.ended_at - outcome.started_at).num_seconds(),
            outcome.output_bytes,
            outcome.output_file,
            &outcome.output_sha256.get(..12).unwrap_or_default()
        ),
        Event::EffectRecorded { id, what, place, count, owner, state, .. } => {
            format!("{by} recorded side effect {id}: {count} × {what} in {place}, {} (owner {owner})", state.name())
        }
        Event::EffectUpdated { id, state, evidence, .. } => format!(
            "{by} marked side effect {id} {}{}",
            state.name(),
            evidence.as_ref().map(|e| format!(": {e}")).unwrap_or_default()
        ),
        Event::EvidencePreserved { step, identifier, location, digest } => {
            format!("{by} preserved {identifier} at {location} ({digest}) for {step}")
        }
        Event::StepReopened { step, reason } => format!("{by} reopened {step}: {reason}"),
        Event::NoteAdded { text } => format!("{by} noted: {text}"),
        Event::FactNoted { text, at } => format!("{by} noted what happened at {}: {text}", rfc3339(*at)),
        Event::LabelStated { label, value } => format!("{by} stated the alert label {label} = {value}"),
        Event::SeverityChanged { from, to, reason } => format!("{by} changed severity {from} → {to}: {reason}"),
        Event::RoleAssigned { role, name, previous } => match previous {
            Some(previous) if role == "commander" && previous == name => {
                format!("{by} withdrew the handover of command: {name} keeps it")
            }
            Some(previous) if super::handover::is_offer(role, name, previous.as_str(), by) => {
                format!("{by} handed command to {name} (was {previous}; {previous} keeps it until {name} accepts)")
            }
            Some(previous) => format!("{by} assigned {role} to {name} (was {previous})"),
            None => format!("{by} assigned {role} to {name}"),
        },
        Event::CommandAccepted { from } => format!("{by} accepted command from {from}"),
        Event::ActedInStead { commander, what, reason } => {
            format!(
                "{by} acted in the commander's stead ({commander} holds command) for the next entry: {what}; why: {reason}"
            )
        }
        Event::Resolved {} => format!("{by} resolved the incident"),
        Event::Closed { forced, reason, open_steps, open_clocks, never_undone } => {
            let mut closed = match (forced, reason) {
                (true, Some(reason)) => {
                    format!("{by} closed the incident with {} required steps open: {reason}", open_steps.len())
                }
                _ => format!("{by} closed the incident"),
            };
            if !open_clocks.is_empty() {
                closed.push_str(&format!("; clocks still running, kept for follow-up: {}", open_clocks.join(", ")));
            }
            if never_undone.is_empty() {
                closed
            } else {
                let runs = never_undone.iter().map(|s| format!("#{s}")).collect::<Vec<_>>().join(", ");
                format!("{closed}. WARNING: actions never undone, still in effect: {runs}")
            }
        }
        Event::Archived { reason, open_duties } => match reason {
            Some(reason) if !open_duties.is_empty() => {
                format!("{by} archived the incident with {} open: {reason}", open_duties.join(", "))
            }
            Some(reason) => format!("{by} archived the incident: {reason}"),
            None => format!("{by} archived the incident, every duty done"),
        },
        Event::DecisionRecorded { decision, at, evidence, corrects, auto, reason, moved, confirms, regime } => format!(
            "{}{by} recorded decision {} reached at {}{}{}{}{}",
            if *auto { "warroom (auto) for " } else { "" },
            crate::domain::clock::label(*decision, regime.as_deref()),
            rfc3339(*at),
            corrects
                .map(|seq| format!(", {} #{seq}", if *confirms { "confirming" } else { "correcting" }))
                .unwrap_or_default(),
            evidence.as_ref().map(|e| format!(" (evidence: {e})")).unwrap_or_default(),
            reason.as_ref().map(|r| format!("; reason: {r}")).unwrap_or_default(),
            moved_text(moved)
        ),
        Event::SubmissionRecorded { clock, reference, at, phase, channel, late_reason, .. } => format!(
            "{by} recorded the {} submission for {clock} at {} ref {reference}{}{}",
            phase.name(),
            rfc3339(*at),
            channel.as_ref().map(|c| format!(" via {c}")).unwrap_or_default(),
            late_reason.as_ref().map(|r| format!("; late because: {r}")).unwrap_or_default()
        ),
        Event::AuthorityInformed { step, clocks, reference, channel, at } => format!(
            "{by} recorded that the authority ({}) was informed at {} of step {step}, which alters the AI system, \
             ref {reference}{}",
            clocks.join(", "),
            rfc3339(*at),
            channel.as_ref().map(|c| format!(" via {c}")).unwrap_or_default()
        ),
        Event::ClockPaused { clock, from, until, basis, reason, moved } => format!(
            "{by} recorded a delay of {clock} from {} until {} under {basis}: {reason}{}",
            rfc3339(*from),
            rfc3339(*until),
            moved_text(moved)
        ),
        Event::ClockResumed { clock, at, reason, moved } => {
            format!("{by} ended the delay of {clock} at {}: {reason}{}", rfc3339(*at), moved_text(moved))
        }
        Event::ClockWaived { clock, rationale } => format!("{by} marked {clock} not applicable: {rationale}"),
        Event::ClockAdded { clock, reason } => format!("{by} added clock {}: {reason}", clock.id),
        Event::ClockDropped { clock, reason } => format!("{by} dropped clock {clock}: {reason}"),
        Event::ContentProvided { clock, item, .. } => format!("{by} provided {clock} content item {item}"),
        Event::ResponderSwitched { from } => format!("{from} handed the keyboard to {by}"),
        Event::AlertReceived { alert, widens, attached } if !widens.is_empty() || *attached => format!(
            "{}{}alert {} {} (key {}){}",
            if widens.is_empty() {
                String::new()
            } else {
                format!(
                    "SCOPE GROWTH {}: ",
                    widens.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ")
                )
            },
            if *attached { format!("{by} attached unrouted ") } else { String::new() },
            alert.name(),
            alert_status(alert.status),
            alert.key,
            alert.summary().map(|s| format!(": {s}")).unwrap_or_default()
        ),
        Event::AlertReceived { alert, .. } | Event::AlertUnrouted { alert } => format!(
            "alert {} {} ({}via {:?}, key {}){}",
            alert.name(),
            alert_status(alert.status),
            alert.labels.get("severity").map_or(String::new(), |s| format!("{s:?} ")),
            alert.source,
            alert.key,
            alert.summary().map(|s| format!(": {s}")).unwrap_or_default()
        ),
        Event::UnroutedDismissed { key, reason } => format!("{by} dismissed unrouted alert {key}: {reason}"),
        Event::UnroutedDeclared { key, incident } => format!("{by} declared {incident} from unrouted alert {key}"),
        Event::UnroutedAttached { key, incident } => format!("{by} attached unrouted alert {key} to {incident}"),
        Event::TornTailQuarantined { file, bytes, .. } => {
            format!("recovery quarantined a torn tail of {bytes} bytes to {file}")
        }
        Event::UpdateSent { audience, text } => format!("{by} recorded an update for {audience}: {text}"),
        Event::MessageQueued { message } => super::outbound::describe_queued(by, message),
        Event::DeliveryFailed { key, attempt, why, retry_at } => match retry_at {
            Some(at) => {
                format!("{by}: attempt {attempt} to send {key} failed: {why}; trying again at {}", rfc3339(*at))
            }
            None => format!("{by} gave up sending {key} after attempt {attempt}: {why}"),
        },
        Event::MessageDelivered { key, attempt, receipt } => format!(
            "{by} delivered {key} (attempt {attempt}){}",
            receipt.as_ref().map(|r| format!(": {r}")).unwrap_or_default()
        ),
        Event::MessageWithdrawn { key, why } => format!("{by} withdrew {key}, not sent: {why}"),
        Event::PageAcknowledged { role, via, answered_by: Some(who) } => format!(
            "{by} recorded that {who} answered the page for {role}{}",
            via.as_ref().map(|v| format!(" in {v}")).unwrap_or_default()
        ),
        Event::PageAcknowledged { role, via, answered_by: None } => format!(
            "{by} acknowledged the page for {role}{}",
            via.as_ref().map(|v| format!(" (via {v})")).unwrap_or_default()
        ),
    }
}

/// `; gdpr-33 due 2026-11-27T02:10:00Z → 2026-11-27T11:00:00Z`, for each deadline moved.
fn moved_text(moved: &[MovedDeadline]) -> String {
    let due = |t: Option<DateTime<Utc>>| t.map_or_else(|| "not started".to_owned(), rfc3339);
    moved.iter().map(|m| format!("; {} due {} → {}", m.clock, due(m.before), due(m.after))).collect()
}

const fn alert_status(status: crate::domain::alert::Status) -> &'static str {
    match status {
        crate::domain::alert::Status::Firing => "firing",
        crate::domain::alert::Status::Acknowledged => "acknowledged",
        crate::domain::alert::Status::Resolved => "resolved",
    }
}
