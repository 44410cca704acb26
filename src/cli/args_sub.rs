//! The command line's nested subcommands: `alert`, `effect` and `clock`.

use clap::Subcommand;

#[derive(Subcommand, Debug)]
pub(crate) enum AlertCmd {
    /// Route the alerts of a payload (a file, or - for stdin) to incidents or the inbox
    Ingest { source: String },
    /// The unrouted alerts waiting for a decision
    Inbox {
        #[arg(long)]
        json: bool,
    },
    /// Declare an incident from an unrouted alert on the runbook you choose (its default severity)
    Declare {
        key: String,
        #[arg(long)]
        runbook: String,
    },
    /// Record an unrouted alert on an incident already open (later deliveries land there too)
    Attach { key: String, incident: String },
    /// Dismiss an unrouted alert, with the reason
    Dismiss {
        key: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum EffectCmd {
    /// Record a side effect: e-mails sent, payments made, records changed, tickets closed
    Add {
        incident: String,
        /// A short id for it (e.g. refunds)
        id: String,
        #[arg(long)]
        what: String,
        #[arg(long = "where", value_name = "WHERE")]
        place: String,
        #[arg(long, default_value_t = 1)]
        count: u64,
        /// Who owns its reversal
        #[arg(long)]
        owner: String,
        /// pending, compensated or irreversible
        #[arg(long, default_value = "pending")]
        state: String,
        #[arg(long)]
        evidence: Option<String>,
    },
    /// Change a side effect's state (compensated or irreversible need --evidence)
    Update {
        incident: String,
        id: String,
        #[arg(long)]
        state: String,
        #[arg(long)]
        evidence: Option<String>,
        #[arg(long)]
        count: Option<u64>,
        #[arg(long)]
        owner: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum ClockCmd {
    /// The clocks of an incident (most urgent first), or the catalog without one
    List {
        incident: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Add a catalog clock to an incident
    Add {
        incident: String,
        clock: String,
        #[arg(long)]
        reason: String,
        /// The EU/EEA member state (ISO 3166 code) whose holidays and zone it follows, instead
        /// of warroom.yaml's member_state
        #[arg(long, value_name = "CC")]
        member_state: Option<String>,
    },
    /// Drop a clock from an incident
    Drop {
        incident: String,
        clock: String,
        #[arg(long)]
        reason: String,
    },
    /// Record a delay the clock's law allows (HIPAA 164.412, Cal. Civ. Code 1798.82(c) law
    /// enforcement; SEC Item 1.05(c) national security): the notice waits until it ends
    Pause {
        incident: String,
        clock: String,
        /// When the delay ends (the period the official specified): RFC 3339, "YYYY-MM-DD HH:MM"
        /// UTC, or "+30d" after --at (after now without it)
        #[arg(long, value_name = "TIME")]
        until: String,
        /// The provision and the request it rests on ("164.412(a): FBI letter of 2026-11-24, ref 318-A")
        #[arg(long, value_name = "CITATION")]
        basis: String,
        #[arg(long)]
        reason: String,
        /// When the delay began (the official's statement), if before now
        #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
        at: Option<String>,
    },
    /// End a delay before its --until (the agency says notice no longer impedes it)
    Resume {
        incident: String,
        clock: String,
        #[arg(long)]
        reason: String,
        /// When it ended, if before now
        #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
        at: Option<String>,
    },
    /// Record an item of a notification's required content (see `clock list INC`)
    Provide { incident: String, clock: String, item: String, text: String },
}
