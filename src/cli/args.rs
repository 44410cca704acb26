//! The command line's grammar: global flags and every subcommand (clap derive). The console's
//! `:` line parses the same grammar.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use super::generate;

#[derive(Parser, Debug)]
#[command(
    name = "warroom",
    version,
    about = "A war-room console for incidents caused by production AI agents",
    long_about = "A war-room console for incidents caused by production AI agents.\n\n\
        Every change is appended to a hash-chained evidence log in the workspace and acknowledged only once durable.\n\
        Run with no subcommand to see the workspace (a demo incident is declared in an empty default workspace)."
)]
pub struct Cli {
    #[command(flatten)]
    pub(crate) globals: Globals,

    /// With no subcommand: declare a demo drill incident if the workspace is empty (done
    /// anyway in the default workspace, so a newcomer sees a live incident)
    #[arg(long)]
    pub(crate) demo: bool,

    #[command(flatten)]
    pub(crate) host: HostListener,

    #[command(subcommand)]
    pub(crate) command: Option<Cmd>,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Cmd {
    /// Declare an incident from a runbook; prints the new incident id
    Declare {
        /// Runbook id (see `warroom runbooks`)
        #[arg(long)]
        runbook: String,
        /// Severity level of the runbook (default: the runbook's default)
        #[arg(long)]
        severity: Option<String>,
        /// Title (default: the runbook's title)
        #[arg(long)]
        title: Option<String>,
        /// When the organisation became aware (RFC 3339, "YYYY-MM-DD HH:MM" in UTC, or "-30m")
        #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
        aware_at: Option<String>,
        /// Mark the incident as a drill
        #[arg(long)]
        drill: bool,
        /// The EU/EEA member state (ISO 3166 code) whose holidays and zone its EU clocks
        /// follow, instead of warroom.yaml's member_state
        #[arg(long, value_name = "CC")]
        member_state: Option<String>,
        /// An alert label its actions need that no alert brings (agent=support-bot); repeatable
        #[arg(long, value_name = "NAME=VALUE")]
        label: Vec<String>,
    },
    /// Tick a runbook step as done
    Tick {
        incident: String,
        step: String,
        #[arg(long)]
        note: Option<String>,
        /// Tick although steps it depends on are still open
        #[arg(long)]
        force: bool,
        /// Commander only: alter the AI system although the AI Act evidence hold is on, for this reason
        #[arg(long, value_name = "REASON")]
        override_hold: Option<String>,
    },
    /// Skip a runbook step, with the reason
    Skip {
        incident: String,
        step: String,
        #[arg(long)]
        reason: String,
    },
    /// Reopen a done or skipped step, with the reason
    Reopen {
        incident: String,
        step: String,
        #[arg(long)]
        reason: String,
    },
    /// Add a note to the incident's log (start it with TODO: for an action item)
    Note {
        incident: String,
        text: String,
        /// When it happened, for a fact learned later ("02:01 first bad retrieval"); recorded
        /// beside the time it is noted
        #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
        at: Option<String>,
    },
    /// State an alert label by hand (agent=support-bot): actions read it as the alert's
    Label { incident: String, label: String },
    /// Change the severity, with the reason
    Severity {
        incident: String,
        severity: String,
        #[arg(long)]
        reason: String,
    },
    /// Assign a runbook role to a responder (commander handed to someone else waits for them to accept)
    Assign { incident: String, role: String, name: String },
    /// Accept command handed to you: you become the commander
    Accept { incident: String },
    /// A stakeholder update to an audience the runbook names (updates:): without --text,
    /// prints the draft its comms template gives; with it, records it and queues it to the
    /// audience's notifiers in warroom.yaml
    Update {
        incident: String,
        audience: String,
        /// The update as it goes out (start from the draft: warroom update INC AUDIENCE)
        #[arg(long)]
        text: Option<String>,
    },
    /// Acknowledge a page: its escalation stops (every role paged and unanswered, unless named)
    Ack { incident: String, role: Option<String> },
    /// Mark the incident resolved (impact over; follow-up steps may remain)
    Resolve { incident: String },
    /// Close the incident: operations over; its clocks, filings and post-mortem carry on
    /// (refused while required steps are open, unless forced)
    Close {
        incident: String,
        #[arg(long, requires = "reason")]
        force: bool,
        #[arg(long)]
        reason: Option<String>,
        /// Redact the post-mortem and timeline of the bundle too (drafts always are)
        #[arg(long)]
        redact: bool,
    },
    /// Archive a closed incident: every clock submitted in full, waived or not applicable and
    /// every required step done, or the reason why not; seals the log and writes the last bundle
    Archive {
        incident: String,
        /// Why it is archived with duties still open (required when any are)
        #[arg(long)]
        reason: Option<String>,
        /// Redact the post-mortem and timeline of the bundle too (drafts always are)
        #[arg(long)]
        redact: bool,
    },
    /// Write the export bundle of an incident (post-mortem, timeline, annex, drafts, evidence)
    Export {
        incident: String,
        /// Directory to create (default: exports/INC… in the workspace)
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Redact personal data in the post-mortem, timeline and annex too (drafts always are)
        #[arg(long)]
        redact: bool,
    },
    /// Record a decision that starts or changes regulatory clocks (aware, causal-link, material, …)
    Decide {
        incident: String,
        /// aware, high-risk, causal-link, classified-major, material, death-suspected, discovered,
        /// incident-determined, assessed-notifiable, breach-started, breach-ended,
        /// exploited-vulnerability, fix-available, notification-incident, services-disrupted,
        /// incident-handled, activities-recovered, information-available, breach-suspected,
        /// eligible-breach
        decision: String,
        /// When the decision was reached, if earlier than now (RFC 3339, "YYYY-MM-DD HH:MM" UTC, "-30m")
        #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
        at: Option<String>,
        /// What the decision rests on (trace id, ticket, document)
        #[arg(long)]
        evidence: Option<String>,
        /// Why a correction moves the decision later (required then: its deadlines move later)
        #[arg(long)]
        reason: Option<String>,
        /// Confirm a recorded decision as it is (for one warroom recorded from an alert)
        #[arg(long)]
        confirm: bool,
        /// Awareness for one regime alone (gdpr, uk-gdpr, nis2, dora, ai-act, …): anchors only
        /// its clocks; a plain aware anchors every regime not decided separately
        #[arg(long, value_name = "REGIME")]
        regime: Option<String>,
    },
    /// Record that the competent authority was informed of a step's action that alters the AI
    /// system, before it is taken (AI Act Art. 73(6)): that step's evidence hold lifts
    Inform {
        incident: String,
        step: String,
        /// The authority's reference or receipt
        #[arg(long = "ref", value_name = "REF")]
        reference: String,
        /// Channel (portal, e-mail, phone)
        #[arg(long)]
        channel: Option<String>,
        /// When it was informed, if earlier than now
        #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
        at: Option<String>,
    },
    /// Record a submission to a regulator or other recipient for a clock
    Notify {
        incident: String,
        clock: String,
        /// The recipient's reference number or receipt
        #[arg(long = "ref", value_name = "REF")]
        reference: String,
        /// When it was submitted, if earlier than now
        #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
        at: Option<String>,
        /// initial, intermediate or complete; by default initial where the clock's law allows
        /// reporting in phases, complete where it asks for one notice
        #[arg(long)]
        phase: Option<String>,
        /// How it was submitted (portal, e-mail, phone)
        #[arg(long)]
        channel: Option<String>,
        /// Required when the submission is after the legal limit
        #[arg(long)]
        late_reason: Option<String>,
    },
    /// Mark a clock not applicable to this incident, with the rationale kept for the audit
    Waive {
        incident: String,
        clock: String,
        #[arg(long, visible_alias = "reason")]
        rationale: String,
    },
    /// Run a step's action (shows the exact argv, asks to confirm, records everything)
    Run {
        incident: String,
        step: String,
        /// Run without asking (scripts; a two-person step still needs its approval)
        #[arg(long)]
        yes: bool,
        /// Run the step's undo instead: reverses its last run still in effect
        #[arg(long)]
        undo: bool,
        /// Run although steps it depends on are still open (recorded as forced)
        #[arg(long)]
        force: bool,
        /// Commander only: run although the AI Act evidence hold is on, for this reason
        #[arg(long, value_name = "REASON")]
        override_hold: Option<String>,
    },
    /// Two-person rule: approve a step another responder requested (shows what, asks), or --request it
    Approve {
        incident: String,
        step: String,
        /// Ask for the approval instead of giving it
        #[arg(long)]
        request: bool,
        /// Approve without asking (scripts)
        #[arg(long)]
        yes: bool,
    },
    /// The side-effect ledger: what the agent did in the world and its reversal
    Effect {
        #[command(subcommand)]
        action: EffectCmd,
    },
    /// Record what a forensic step preserved: an identifier, where it is, its hash or receipt
    Preserve {
        incident: String,
        step: String,
        #[arg(long = "id", value_name = "ID")]
        identifier: String,
        #[arg(long)]
        location: String,
        #[arg(long, value_name = "HASH_OR_RECEIPT")]
        digest: String,
    },
    /// Regulatory clocks: list them, add or drop one on an incident, record required content
    Clock {
        #[command(subcommand)]
        action: ClockCmd,
    },
    /// Alerts: ingest a payload (Alertmanager, PagerDuty v2, generic JSON), the unrouted inbox
    Alert {
        #[command(subcommand)]
        action: AlertCmd,
    },
    /// The outbox: pages and other messages leaving warroom, delivered with retries
    Outbox {
        #[command(subcommand)]
        action: OutboxCmd,
    },
    /// Receive alerts over HTTP (Alertmanager webhook, PagerDuty v2, generic JSON) at /alerts
    Listen {
        /// Address to bind; anything but loopback needs --token-file
        #[arg(long, default_value = "127.0.0.1:9093")]
        addr: String,
        /// File holding the bearer token senders must present
        #[arg(long, value_name = "FILE")]
        token_file: Option<PathBuf>,
        /// Append the log lines to this file instead of stderr
        #[arg(long, value_name = "FILE")]
        log_file: Option<PathBuf>,
        /// The largest request body accepted, in MiB (above it: 503, so the sender keeps the
        /// alerts and retries; cap Alertmanager's groups with max_alerts)
        #[arg(long, value_name = "MIB", default_value_t = DEFAULT_MAX_BODY_MIB)]
        max_body_mib: usize,
    },
    /// The war-room console (the default when no subcommand is given, on a terminal)
    Console {
        #[command(flatten)]
        host: HostListener,
    },
    /// Show open incidents, or one incident in full
    Status {
        incident: Option<String>,
        /// Machine-readable output (schema: docs/status-json.md)
        #[arg(long)]
        json: bool,
        /// Include closed incidents
        #[arg(long)]
        all: bool,
    },
    /// Verify the evidence log of an incident, a log file, or every incident
    Verify { target: Option<String> },
    /// Validate runbooks (a file or directory; default: the runbooks in effect)
    Lint { path: Option<PathBuf> },
    /// The runbooks in effect with their health: reviews, drills, step trouble, coverage gaps
    Runbooks {
        #[arg(long)]
        json: bool,
    },
    /// Start a drill: a DRILL incident from a sample alert, clocks N× faster
    Drill {
        runbook: String,
        /// Clocks run this many times faster (360: a 72-hour clock is due in 12 minutes)
        #[arg(long, default_value_t = 60)]
        speed: u32,
        /// A micro-drill: practise this many steps chosen at random (the rest are skipped)
        #[arg(long, value_name = "STEPS")]
        micro: Option<usize>,
        /// Start from this alert payload instead of a sample built from the runbook's trigger
        #[arg(long, value_name = "FILE")]
        alert: Option<PathBuf>,
    },
    /// Incidents that mention TEXT, closed and archived ones too: ids, titles, notes, step
    /// notes, alert labels and annotations (ignoring case), newest first
    Search {
        text: String,
        #[arg(long)]
        json: bool,
    },
    /// Drill reports: time to each step, skips and failures, clock outcomes, who did what
    Drills {
        #[arg(long)]
        json: bool,
    },
    /// The PostgreSQL store named by --store / WARROOM_STORE: create or migrate its schema
    Store {
        #[command(subcommand)]
        action: StoreCmd,
    },
    /// Write benchmark workloads (used by benches/ and BENCHMARKS.md)
    #[command(hide = true)]
    Generate {
        #[command(subcommand)]
        what: generate::Workload,
    },
    /// warroom's own watcher of a running action: ends its process group when the warroom
    /// process that started it dies or its time is up
    #[command(hide = true)]
    WatchAction {
        #[arg(long)]
        group: i32,
        #[arg(long)]
        parent: u32,
        #[arg(long)]
        seconds: u64,
    },
}

pub(crate) use super::args_global::Globals;
pub(crate) use super::args_sub::{
    AlertCmd, ClockCmd, DEFAULT_MAX_BODY_MIB, EffectCmd, HostListener, OutboxCmd, StoreCmd,
};
