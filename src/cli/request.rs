//! A parsed command line as the application's request: a recording use case (`Call`) or a
//! view. The CLI and the console's `:` line both go through here, so they cannot differ.

use chrono::{DateTime, Utc};

use super::args::{AlertCmd, ClockCmd, Cmd, EffectCmd, OutboxCmd};
use super::context::CliError;
use super::{clocks, time_arg};
use crate::app::Call;
use crate::app::declare::Declaration;
use crate::domain::actions::EffectState;
use crate::domain::clock::ClockDef;
use crate::domain::{Command, sanitize};
use crate::ingest::drill::DrillPlan;

pub enum Request {
    Call(Call),
    /// Everything that only reads, or runs a service or the console.
    View(View),
}

/// The subcommands that are not recording use cases.
pub enum View {
    Console(super::args::HostListener),
    /// Alerts recorded as the service that sent them.
    Ingest(Vec<crate::domain::alert::Alert>),
    Listen {
        addr: String,
        token_file: Option<std::path::PathBuf>,
        log_file: Option<std::path::PathBuf>,
        max_body_mib: usize,
    },
    Status {
        incident: Option<String>,
        json: bool,
        all: bool,
    },
    Verify(Option<String>),
    Lint(Option<std::path::PathBuf>),
    Runbooks {
        json: bool,
    },
    Drills {
        json: bool,
    },
    Search {
        text: String,
        json: bool,
    },
    Inbox {
        json: bool,
    },
    ClockList {
        incident: Option<String>,
        json: bool,
    },
    Run {
        incident: String,
        step: String,
        yes: bool,
        undo: bool,
        options: crate::app::action::RunOptions,
    },
    Approve {
        incident: String,
        step: String,
        request: bool,
        yes: bool,
    },
    Generate(super::generate::Workload),
    OutboxRun {
        once: bool,
    },
    OutboxStatus {
        incident: Option<String>,
    },
    UpdateDraft {
        incident: String,
        audience: String,
    },
}

/// A catalog clock by id, localized to a member state when one is named.
pub type ClockLookup<'a> = dyn Fn(&str, Option<&str>) -> Result<ClockDef, CliError> + 'a;

pub fn request(cmd: Cmd, now: DateTime<Utc>, clock_def: &ClockLookup<'_>) -> Result<Request, CliError> {
    let record = |incident: String, command: Command| Ok(Request::Call(Call::Record { incident, command }));
    let time = |t: Option<String>| t.map(|t| time_arg::parse(&t, now)).transpose();
    let view = |v: View| Ok(Request::View(v));
    match cmd {
        Cmd::Declare { runbook, severity, title, aware_at, drill, member_state, label } => {
            let aware_at = time(aware_at)?;
            let labels = label.iter().map(|l| label_arg(l)).collect::<Result<_, _>>()?;
            let declaration = Declaration { runbook, severity, title, aware_at, drill, member_state, labels };
            Ok(Request::Call(Call::Declare(declaration)))
        }
        Cmd::Label { incident, label } => {
            let (label, value) = label_arg(&label)?;
            record(incident, Command::Label { label, value })
        }
        Cmd::Tick { incident, step, note, force, override_hold } => {
            record(incident, Command::Tick { step, note, force, override_hold })
        }
        Cmd::Skip { incident, step, reason } => record(incident, Command::Skip { step, reason }),
        Cmd::Reopen { incident, step, reason } => record(incident, Command::Reopen { step, reason }),
        Cmd::Note { incident, text, at: None } => record(incident, Command::Note { text }),
        Cmd::Note { incident, text, at: Some(at) } => {
            record(incident, Command::Fact { text, at: time_arg::parse(&at, now)? })
        }
        Cmd::Severity { incident, severity, reason } => record(incident, Command::Severity { to: severity, reason }),
        Cmd::Assign { incident, role, name } => record(incident, Command::Assign { role, name }),
        Cmd::Accept { incident } => record(incident, Command::AcceptCommand),
        Cmd::Update { incident, audience, text: None } => view(View::UpdateDraft { incident, audience }),
        Cmd::Update { incident, audience, text: Some(text) } => {
            Ok(Request::Call(Call::Update { incident, audience, text }))
        }
        Cmd::Ack { incident, role } => record(incident, Command::Acknowledge { role, via: None, answered_by: None }),
        Cmd::Outbox { action: OutboxCmd::Run { once } } => view(View::OutboxRun { once }),
        Cmd::Outbox { action: OutboxCmd::Status { incident } } => view(View::OutboxStatus { incident }),
        Cmd::Resolve { incident } => record(incident, Command::Resolve),
        Cmd::Close { incident, force, reason, redact } => {
            Ok(Request::Call(Call::Close { incident, force, reason, redact }))
        }
        Cmd::Archive { incident, reason, redact } => Ok(Request::Call(Call::Archive { incident, reason, redact })),
        Cmd::Export { incident, out, redact } => Ok(Request::Call(Call::Export { incident, out, redact })),
        Cmd::Decide { incident, decision, at, evidence, reason, confirm, regime } => {
            let decision = clocks::decision(&decision)?;
            record(incident, Command::Decide { decision, regime, at: time(at)?, evidence, reason, confirm })
        }
        Cmd::Notify { incident, clock, reference, at, phase, channel, late_reason } => record(
            incident,
            Command::Notify {
                phase: match phase {
                    Some(phase) => clocks::phase(&phase)?,
                    None => clocks::default_phase(clock_def(&clock, None).ok().as_ref()),
                },
                clock,
                reference,
                at: time(at)?,
                channel,
                late_reason,
                filed: None,
            },
        ),
        Cmd::Inform { incident, step, reference, channel, at } => {
            record(incident, Command::Inform { step, reference, channel, at: time(at)? })
        }
        Cmd::Waive { incident, clock, rationale } => record(incident, Command::Waive { clock, rationale }),
        Cmd::Clock { action: ClockCmd::Add { incident, clock, reason, member_state } } => {
            record(incident, Command::AddClock { clock: Box::new(clock_def(&clock, member_state.as_deref())?), reason })
        }
        Cmd::Clock { action: ClockCmd::Drop { incident, clock, reason } } => {
            record(incident, Command::DropClock { clock, reason })
        }
        Cmd::Clock { action: ClockCmd::Pause { incident, clock, until, basis, reason, at } } => {
            let from = time(at)?;
            let until =
                time_arg::parse(&until, if until.trim_start().starts_with('+') { from.unwrap_or(now) } else { now })?;
            record(incident, Command::PauseClock { clock, from, until, basis, reason })
        }
        Cmd::Clock { action: ClockCmd::Resume { incident, clock, reason, at } } => {
            record(incident, Command::ResumeClock { clock, at: time(at)?, reason })
        }
        Cmd::Clock { action: ClockCmd::Provide { incident, clock, item, text } } => {
            record(incident, Command::Provide { clock, item, text })
        }
        Cmd::Clock { action: ClockCmd::List { incident, json } } => view(View::ClockList { incident, json }),
        Cmd::Approve { incident, step, request, yes } => view(View::Approve { incident, step, request, yes }),
        Cmd::Effect { action: EffectCmd::Add { incident, id, what, place, count, owner, state, evidence } } => record(
            incident,
            Command::AddEffect { id, what, place, count, owner, state: effect_state(&state)?, evidence },
        ),
        Cmd::Effect { action: EffectCmd::Update { incident, id, state, evidence, count, owner } } => {
            record(incident, Command::UpdateEffect { id, state: effect_state(&state)?, evidence, count, owner })
        }
        Cmd::Preserve { incident, step, identifier, location, digest } => {
            record(incident, Command::Preserve { step, identifier, location, digest })
        }
        Cmd::Alert { action: AlertCmd::Ingest { source } } => {
            let alerts = super::alerts::read_payload(&source)?;
            view(View::Ingest(alerts))
        }
        Cmd::Alert { action: AlertCmd::Declare { key, runbook, severity, title } } => {
            Ok(Request::Call(Call::DeclareFromAlert { key, runbook, severity, title }))
        }
        Cmd::Alert { action: AlertCmd::Attach { key, incident } } => {
            Ok(Request::Call(Call::AttachAlert { key, incident }))
        }
        Cmd::Alert { action: AlertCmd::Dismiss { key, reason } } => {
            Ok(Request::Call(Call::DismissAlert { key, reason }))
        }
        Cmd::Alert { action: AlertCmd::Inbox { json } } => view(View::Inbox { json }),
        Cmd::Drill { runbook, speed, micro, alert } => {
            let alert = alert.as_deref().map(super::alerts::read_first).transpose()?;
            Ok(Request::Call(Call::Drill(DrillPlan { runbook, speed, micro, alert })))
        }
        Cmd::Console { host } => view(View::Console(host)),
        Cmd::Listen { addr, token_file, log_file, max_body_mib } => {
            view(View::Listen { addr, token_file, log_file, max_body_mib })
        }
        Cmd::Status { incident, json, all } => view(View::Status { incident, json, all }),
        Cmd::Verify { target } => view(View::Verify(target)),
        Cmd::Lint { path } => view(View::Lint(path)),
        Cmd::Runbooks { json } => view(View::Runbooks { json }),
        Cmd::Drills { json } => view(View::Drills { json }),
        Cmd::Search { text, json } => view(View::Search { text, json }),
        Cmd::Run { incident, step, yes, undo, force, override_hold } => view(View::Run {
            incident,
            step,
            yes,
            undo,
            options: crate::app::action::RunOptions { force, override_hold, in_stead: None },
        }),
        Cmd::Generate { what } => view(View::Generate(what)),
        Cmd::Store { .. } => Err(CliError::usage("store init runs from a shell, not the console")),
        Cmd::WatchAction { .. } => Err(CliError::usage("watch-action is warroom's own; it is not typed")),
    }
}

fn effect_state(text: &str) -> Result<EffectState, CliError> {
    EffectState::parse(text).ok_or_else(|| {
        CliError::usage(format!("--state {:?}: use pending, compensated or irreversible", sanitize::line(text)))
    })
}

/// `NAME=VALUE` as a stated alert label, checked before anything is recorded.
fn label_arg(text: &str) -> Result<(String, String), CliError> {
    let Some((label, value)) = text.split_once('=') else {
        return Err(CliError::usage(format!(
            "{:?}: give the label as NAME=VALUE (agent=support-bot)",
            sanitize::line(text)
        )));
    };
    crate::domain::alert::stated_label(label, value).map_err(CliError::usage)
}
