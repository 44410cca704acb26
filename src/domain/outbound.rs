//! What leaves warroom (pages, stakeholder updates): the workspace's notifiers and rotations,
//! each message as the log records it, and when to try again. Sending is the outbound
//! adapter's job; what became of each message is the outbox's fold.

use chrono::Duration;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NotifierKind {
    /// PagerDuty Events API v2.
    Pagerduty,
    /// A JSON POST, signed with HMAC-SHA256 when the notifier has a secret.
    Webhook,
    /// A Slack incoming webhook.
    Slack,
    Smtp,
}

impl NotifierKind {
    pub const fn name(self) -> &'static str {
        match self {
            Self::Pagerduty => "pagerduty",
            Self::Webhook => "webhook",
            Self::Slack => "slack",
            Self::Smtp => "smtp",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tls {
    None,
    Starttls,
    #[default]
    Tls,
}

/// A way out, as `warroom.yaml` names it under `notifiers:`. Secrets are files (0600), never
/// values here: the log and the exports quote this configuration.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notifier {
    pub kind: NotifierKind,
    #[serde(default)]
    pub url: Option<String>,
    /// A file holding the URL, where the URL is itself the secret (a Slack incoming webhook).
    #[serde(default)]
    pub url_file: Option<String>,
    /// The HMAC-SHA256 key a webhook signs its body with.
    #[serde(default)]
    pub secret_file: Option<String>,
    /// PagerDuty's v3 webhook subscription secret: its answers to pages, posted to `warroom
    /// listen`'s `/pagerduty`, are taken when signed with it.
    #[serde(default)]
    pub webhook_secret_file: Option<String>,
    #[serde(default)]
    pub host: Option<String>,
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub tls: Tls,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password_file: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    /// A PEM certificate trusted besides the public roots (a private relay's CA).
    #[serde(default)]
    pub ca_file: Option<String>,
    /// It may receive drill traffic; drills only record what they would send elsewhere.
    #[serde(default)]
    pub drill_safe: bool,
    /// How long one attempt may take (default 10 s).
    #[serde(default)]
    pub timeout_seconds: Option<u64>,
}

/// One destination of a rotation: a notifier and, for it, a routing key or a mailbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub notifier: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// The rotation a runbook's on-call `page:` names: its first word
/// (`privacy-oncall (DPO delegate rotation)` → `privacy-oncall`).
pub fn rotation_of(page: &str) -> &str {
    page.split_whitespace().next().unwrap_or("")
}

/// Why a message is sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Purpose {
    /// Paging a role's on-call rotation: `rung` 0 first, each later one an escalation.
    Page {
        role: String,
        rung: usize,
        rotation: String,
        /// How hard a pager should alert: the incident's severity's place on its runbook's scale.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        urgency: Option<Urgency>,
    },
    /// Telling a paging service that `role`'s page was answered or its incident is over, so it
    /// stops paging (PagerDuty's acknowledge and resolve, under the page's dedup_key).
    Settle { role: String, action: Settle },
    /// A stakeholder update to `audience` (logged as `update_sent` just before).
    Update { audience: String },
}

/// A page's urgency, in the four steps pagers know (PagerDuty's `critical` … `info`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Critical,
    Error,
    Warning,
    Info,
}

impl Urgency {
    /// The most severe level of a runbook's scale is critical, the next error, then warning;
    /// every level below, and a severity the scale does not know, info.
    pub fn of(scale: &super::runbook::SeverityScale, severity: &str) -> Self {
        match scale.levels.iter().position(|level| level.id == severity) {
            Some(0) => Self::Critical,
            Some(1) => Self::Error,
            Some(2) => Self::Warning,
            _ => Self::Info,
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            Self::Critical => "critical",
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Settle {
    Acknowledge,
    Resolve,
}

impl Settle {
    pub const fn name(self) -> &'static str {
        match self {
            Self::Acknowledge => "acknowledge",
            Self::Resolve => "resolve",
        }
    }
}

impl Purpose {
    /// The role the message is about (none for an update).
    pub fn role(&self) -> Option<&str> {
        match self {
            Self::Page { role, .. } | Self::Settle { role, .. } => Some(role),
            Self::Update { .. } => None,
        }
    }
}

/// A message as it is queued: to whom, why, what it says, and its idempotency key (stable
/// across retries and processes, so a receiver that gets it twice can tell).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outbound {
    pub key: String,
    pub notifier: String,
    pub kind: NotifierKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    pub purpose: Purpose,
    pub subject: String,
    pub body: String,
    /// A drill's message to a notifier not marked drill-safe: recorded, never sent.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub simulated: bool,
}

/// The log's line for a queued message: who paged which role, through what, to whom.
pub fn describe_queued(by: &str, message: &Outbound) -> String {
    let (role, rung, rotation) = match &message.purpose {
        Purpose::Page { role, rung, rotation, .. } => (role, rung, rotation),
        Purpose::Update { audience } => {
            let to = message.to.as_ref().map(|to| format!(" to {to}")).unwrap_or_default();
            let simulated = if message.simulated { " — DRILL: recorded, not sent" } else { "" };
            return format!(
                "{by} queued the update for {audience}: {} {}{to} as {}{simulated}",
                message.kind.name(),
                message.notifier,
                message.key
            );
        }
        Purpose::Settle { role, action } => {
            let to = message.to.as_ref().map(|to| format!(" ({to})")).unwrap_or_default();
            return format!(
                "{by} told {} {}{to} to {} the page for {role} as {}",
                message.kind.name(),
                message.notifier,
                action.name(),
                message.key
            );
        }
    };
    let level = if *rung > 0 { format!(" (escalation, level {})", rung + 1) } else { String::new() };
    let to = message.to.as_ref().map(|to| format!(" to {to}")).unwrap_or_default();
    let simulated =
        if message.simulated { " — DRILL: recorded, not sent (the notifier is not drill-safe)" } else { "" };
    format!(
        "{by} paged {role} via rotation {rotation}{level}: {} {}{to} as {}{simulated}",
        message.kind.name(),
        message.notifier,
        message.key
    )
}

/// How long to wait after failed attempt number `attempt` (1 for the first): doubling from
/// 2 s, at most 5 minutes, so a receiver back after an outage hears within 5 minutes.
pub fn retry_after(attempt: u32) -> Duration {
    let seconds = 2_i64.saturating_mul(1_i64 << attempt.saturating_sub(1).min(20));
    Duration::seconds(seconds.min(300))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_double_to_five_minutes() {
        let waits: Vec<i64> = (1..=10).map(|n| retry_after(n).num_seconds()).collect();
        assert_eq!(waits, [2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
        assert_eq!(retry_after(u32::MAX).num_seconds(), 300);
    }

    #[test]
    fn a_rotation_is_the_first_word_of_the_page() {
        assert_eq!(rotation_of("privacy-oncall (DPO delegate rotation)"), "privacy-oncall");
        assert_eq!(rotation_of("  agent-platform-primary"), "agent-platform-primary");
    }
}
