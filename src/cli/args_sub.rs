//! The command line's nested subcommands (`alert`, `effect`, `clock`) and the console's
//! listener flags.

use std::path::PathBuf;

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
    /// Declare an incident from an unrouted alert on the runbook you choose (its default
    /// severity and the alert's summary as title, unless given)
    Declare {
        key: String,
        #[arg(long)]
        runbook: String,
        #[arg(long)]
        severity: Option<String>,
        #[arg(long)]
        title: Option<String>,
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
pub(crate) enum OutboxCmd {
    /// Deliver the outbox (pages, escalations, retries) until stopped; waits while another
    /// process delivers
    Run {
        /// One pass, then exit (refused while another process delivers)
        #[arg(long)]
        once: bool,
    },
    /// Each message and how it stands, each role's paging, and which process delivers
    Status { incident: Option<String> },
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

/// The console can host the alert listener (its log goes to `listener.log` in the workspace).
#[derive(clap::Args, Debug, Default, Clone)]
pub(crate) struct HostListener {
    /// Console: also receive alerts at http://ADDR/alerts, as `warroom listen` does
    #[arg(long, value_name = "ADDR")]
    pub(crate) listen: Option<String>,
    /// Console with --listen: file holding the bearer token senders must present
    #[arg(long, value_name = "FILE", requires = "listen")]
    pub(crate) listen_token_file: Option<PathBuf>,
    /// Console with --listen: the largest request body accepted, in MiB
    #[arg(long, value_name = "MIB", default_value_t = DEFAULT_MAX_BODY_MIB, requires = "listen")]
    pub(crate) listen_max_body_mib: usize,
    /// Console with --listen: the service name alert events are recorded under (never the responder's)
    #[arg(long, value_name = "NAME", default_value = "listener", requires = "listen")]
    pub(crate) listen_as: String,
}

/// 64 MiB holds an Alertmanager group of tens of thousands of alerts.
pub(crate) const DEFAULT_MAX_BODY_MIB: usize = crate::listener::DEFAULT_MAX_BODY >> 20;

#[derive(Subcommand, Debug)]
pub enum StoreCmd {
    /// Create the schema, or migrate it to this warroom's version (refused when it is newer)
    Init {
        /// Let this role read and add evidence, never change or remove it (GRANT)
        #[arg(long, value_name = "ROLE")]
        grant: Option<String>,
    },
    /// Copy every log from one store to another, byte for byte, each chain verified before and
    /// after; run again, it finishes a copy cut short and leaves what is there alone
    Copy {
        /// A workspace directory, or a PostgreSQL URL
        #[arg(long, value_name = "DIR|URL")]
        from: String,
        /// A workspace directory (created if need be), or a PostgreSQL URL (after store init)
        #[arg(long, value_name = "DIR|URL")]
        to: String,
    },
}
