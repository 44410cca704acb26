//! The flags every command takes: where the evidence is kept, who acts, with which keys.

use std::path::PathBuf;

#[derive(clap::Args, Debug, Default, Clone)]
pub struct Globals {
    /// Workspace directory (default: the platform data directory)
    #[arg(long, global = true, env = "WARROOM_DIR", value_name = "DIR")]
    pub(crate) dir: Option<PathBuf>,

    /// Acting responder, stamped on every event (default: the login name)
    #[arg(long = "as", global = true, env = "WARROOM_USER", value_name = "NAME")]
    pub(crate) actor: Option<String>,

    /// PostgreSQL store (`postgres://…` or `host=… dbname=…`, several hosts with
    /// target_session_attrs=read-write) in place of the workspace's incidents/; the workspace
    /// directory still holds warroom.yaml, allowed_signers, runbooks, exports and actions
    #[arg(long = "store", global = true, env = "WARROOM_STORE", value_name = "URL")]
    pub(crate) store: Option<String>,

    /// Private key file to sign events with (repeatable), beside the keys in your ssh-agent
    /// (SSH_AUTH_SOCK); used when the workspace has an allowed_signers file
    #[arg(long = "key", global = true, env = "WARROOM_KEY", value_name = "PATH")]
    pub(crate) keys: Vec<PathBuf>,

    /// Directory on another disk or host to leave a checkpoint in after every append, and
    /// for `verify` to compare logs with (repeatable; a bundle directory works for verify)
    #[arg(long = "witness", global = true, env = "WARROOM_WITNESS", value_name = "DIR")]
    pub(crate) witnesses: Vec<PathBuf>,

    /// Act in the commander's stead for a commander-only command (resolve, close, waive, an
    /// evidence-hold override, a deadline moved later), saying why: recorded as such
    #[arg(long = "in-stead", global = true, value_name = "REASON")]
    pub(crate) in_stead: Option<String>,

    /// Runbook directory (default: the workspace's runbooks/, else the shipped runbooks)
    #[arg(long, global = true, env = "WARROOM_RUNBOOKS", value_name = "DIR")]
    pub(crate) runbooks: Option<PathBuf>,

    /// Console theme: default, light, high-contrast, colour-blind, or a file in the config dir
    #[arg(long, global = true, env = "WARROOM_THEME", value_name = "NAME")]
    pub(crate) theme: Option<String>,

    /// Time zone for display beside UTC (default: TZ, else UTC)
    #[arg(long, global = true, value_name = "ZONE")]
    pub(crate) tz: Option<String>,
}
