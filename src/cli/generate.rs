//! Benchmark workloads (hidden `warroom generate`): written straight through the line encoder,
//! without per-event fsync, so that they take seconds to make. See BENCHMARKS.md.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use clap::Subcommand;

use super::context::{CliError, Context};
use crate::domain::Command;
use crate::domain::clock::ClockDef;
use crate::domain::event::{Actor, Event};
use crate::domain::runbook::Runbook;
use crate::store::allowed_signers::AllowedSigners;
use crate::store::keyring::{Keyring, SigningKey};
use crate::store::line::{self, Digest32};

#[derive(Subcommand, Debug)]
pub enum Workload {
    /// One incident log of N events (a mix of notes, ticks, reopens, assignments)
    Log {
        #[arg(long, default_value_t = 1_000_000)]
        events: u64,
        #[arg(long)]
        out: PathBuf,
        /// Sign as alice with this ed25519 key file, the last line of every N (as writes do)
        #[arg(long, value_name = "KEY", requires = "sign_every")]
        sign_with: Option<PathBuf>,
        #[arg(long, value_name = "N")]
        sign_every: Option<u64>,
    },
    /// N acknowledged notes, one append each, printing `ack <seq> <text>` as each is durable
    Appends {
        incident: String,
        #[arg(long, default_value_t = 500)]
        count: u64,
        #[arg(long, default_value = "note")]
        prefix: String,
    },
    /// A workspace of archived (closed, then archived) and open incidents (in --dir)
    Workspace {
        #[arg(long, default_value_t = 10_000)]
        closed: u64,
        #[arg(long, default_value_t = 20)]
        open: u64,
    },
}

pub fn run(ctx: &Context, workload: Workload) -> Result<(), CliError> {
    if let Workload::Appends { incident, count, prefix } = workload {
        return appends(ctx, &incident, count, &prefix);
    }
    let runbook = ctx.runbook("cross-tenant-pii-leak")?.clone();
    let clocks: Vec<ClockDef> = runbook.clocks.iter().filter_map(|c| ctx.clocks().get(c).cloned()).collect();
    let steps = steps_without_approval(&runbook);
    match workload {
        Workload::Appends { .. } => Ok(()),
        Workload::Log { events, out, sign_with, sign_every } => {
            let mut w = Writer::create(&out, "INC-20261124-001")?;
            if let Some(key) = sign_with {
                w.signer = Some(Signer::new(&key, sign_every.unwrap_or(1).max(1), events, ctx.now)?);
            }
            w.declare(&runbook, &clocks, ctx.now)?;
            for i in 1..events {
                w.push(ctx.now + Duration::milliseconds(i as i64 * 250), mixed_event(i, &steps))?;
            }
            w.finish()
        }
        Workload::Workspace { closed, open } => {
            let root = &ctx.dir;
            for n in 0..closed + open {
                let day = ctx.now - Duration::days(i64::try_from(closed + open - n).unwrap_or(0) / 5);
                let id = format!("INC-{}-{:03}", day.format("%Y%m%d"), n % 5 + 1);
                let mut w = Writer::create(&root.join("incidents").join(format!("{id}.jsonl")), &id)?;
                w.declare(&runbook, &clocks, day)?;
                for (i, step) in runbook.step_ids().map(str::to_owned).enumerate() {
                    let event = if steps.contains(&step) {
                        Event::StepTicked { step, note: None, forced: false, hold_override: None }
                    } else {
                        Event::StepSkipped { step, reason: "generated history: no second responder".into() }
                    };
                    w.push(day + Duration::minutes(i as i64 * 7), event)?;
                }
                if n < closed {
                    w.push(day + Duration::hours(4), Event::Resolved {})?;
                    w.push(
                        day + Duration::hours(30),
                        Event::Closed {
                            forced: false,
                            reason: None,
                            open_steps: vec![],
                            open_clocks: vec![],
                            never_undone: vec![],
                        },
                    )?;
                    let archived = Event::Archived { reason: Some("generated history".into()), open_duties: vec![] };
                    w.push(day + Duration::hours(31), archived)?;
                } else {
                    write_marker(&root.join("open").join(&id))?;
                }
                w.finish()?;
            }
            Ok(())
        }
    }
}

/// The runbook's steps one responder may tick alone: ticking a two-person step (or the step
/// that undoes one) takes an approval first, so a generated log leaves them out to obey the
/// rules `verify` checks.
fn steps_without_approval(runbook: &Runbook) -> Vec<String> {
    let two_person: Vec<&str> =
        runbook.phases.iter().flat_map(|p| &p.steps).filter(|s| s.two_person).map(|s| s.id.as_str()).collect();
    runbook
        .phases
        .iter()
        .flat_map(|p| &p.steps)
        .filter(|s| !s.two_person)
        .filter(|s| s.action.as_ref().and_then(|a| a.undoes.as_deref()).is_none_or(|u| !two_person.contains(&u)))
        .map(|s| s.id.clone())
        .collect()
}

fn appends(ctx: &Context, incident: &str, count: u64, prefix: &str) -> Result<(), CliError> {
    let id = ctx.incident_id(incident)?;
    for i in 0..count {
        let text = format!("{prefix}-{i}");
        let written = ctx.store.execute(&id, &ctx.actor, ctx.clock.now(), Command::Note { text: text.clone() })?;
        for envelope in written {
            if matches!(envelope.event, Event::NoteAdded { .. }) {
                println!("ack {} {text}", envelope.seq);
            }
        }
    }
    Ok(())
}

fn mixed_event(i: u64, steps: &[String]) -> Event {
    let step = steps[(i as usize / 2) % steps.len()].clone();
    match i % 10 {
        0 | 1 => Event::NoteAdded {
            text: format!(
                "Trace {i:08x}: tenant acme-{} saw 3 records of tenant globex-{}; pinned, café ☕ checked ({})",
                i % 97,
                i % 89,
                if i.is_multiple_of(1000) { "\u{1b}[31mred\u{1b}[0m" } else { "ok" }
            ),
        },
        2 | 4 | 6 => Event::StepTicked {
            step,
            note: Some(format!("done per trace {i:08x}")),
            forced: false,
            hold_override: None,
        },
        3 | 5 | 7 => Event::StepReopened { step, reason: "re-run after the filter change".to_owned() },
        8 => Event::RoleAssigned { role: "scribe".to_owned(), name: format!("responder-{}", i % 12), previous: None },
        _ => Event::SeverityChanged { from: "SEV1".into(), to: "SEV2".into(), reason: format!("scope update {i}") },
    }
}

struct Writer {
    path: PathBuf,
    id: String,
    out: BufWriter<File>,
    prev: Digest32,
    seq: u64,
    buf: Vec<u8>,
    actor: Actor,
    signer: Option<Signer>,
}

/// Signs as alice with a key file, the last line of every `every`.
struct Signer {
    keyring: Keyring,
    key: SigningKey,
    every: u64,
    last: u64,
}

impl Signer {
    fn new(path: &Path, every: u64, last: u64, now: DateTime<Utc>) -> Result<Self, CliError> {
        let keyring = Keyring::new(&[path.to_owned()], None).map_err(CliError::usage)?;
        let public = fs::read_to_string(path.with_extension("pub")).map_err(|e| io_error(path, &e))?;
        let allowed = AllowedSigners::parse(&format!("alice {public}"), "key").map_err(CliError::usage)?;
        let key = keyring.find(&allowed, "alice", now).map_err(CliError::usage)?;
        Ok(Self { keyring, key, every, last })
    }
}

impl Writer {
    fn create(path: &Path, id: &str) -> Result<Self, CliError> {
        let file = File::create(path).map_err(|e| io_error(path, &e))?;
        Ok(Self {
            path: path.to_owned(),
            id: id.to_owned(),
            out: BufWriter::with_capacity(1 << 20, file),
            prev: line::genesis(id),
            seq: 0,
            buf: Vec::with_capacity(64 << 10),
            signer: None,
            actor: Actor {
                name: "alice".into(),
                login: "oncall".into(),
                host: "warroom-01".into(),
                pid: 4242,
                fixed_clock: false,
                service: false,
            },
        })
    }

    fn declare(&mut self, runbook: &Runbook, clocks: &[ClockDef], at: DateTime<Utc>) -> Result<(), CliError> {
        let event = Event::Declared {
            incident: self.id.clone(),
            title: runbook.title.clone(),
            severity: runbook.severity.default.clone(),
            runbook: Box::new(runbook.clone()),
            aware_at: Some(at),
            drill: false,
            clocks: clocks.to_vec(),
            from_alert: false,
        };
        self.push(at, event)
    }

    fn push(&mut self, at: DateTime<Utc>, event: Event) -> Result<(), CliError> {
        self.seq += 1;
        self.buf.clear();
        self.prev = line::encode(&mut self.buf, self.seq, &self.prev, at, &self.actor, &event)
            .map_err(|e| CliError::internal(e.to_string()))?;
        if let Some(signer) = self.signer.as_ref().filter(|s| self.seq.is_multiple_of(s.every) || self.seq == s.last) {
            let message = crate::store::signature::message(&self.id, self.seq, &self.prev);
            let sig = signer.keyring.sign(&signer.key, message.as_bytes()).map_err(CliError::internal)?;
            line::attach_signature(&mut self.buf, &crate::store::signature::to_line(&sig).map_err(CliError::internal)?);
        }
        self.out.write_all(&self.buf).map_err(|e| io_error(&self.path, &e))
    }

    fn finish(mut self) -> Result<(), CliError> {
        self.out.flush().map_err(|e| io_error(&self.path, &e))
    }
}

fn write_marker(path: &Path) -> Result<(), CliError> {
    fs::write(path, b"").map_err(|e| io_error(path, &e))
}

fn io_error(path: &Path, e: &std::io::Error) -> CliError {
    CliError::not_saved(format!("cannot write {}: {e}", path.display()))
}
