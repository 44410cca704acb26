//! The outbound adapter: sends what the outbox runner hands it, over the wire each notifier's
//! kind speaks (HTTP for PagerDuty, webhooks and Slack; SMTP for mail). Secrets are read from their files at
//! each attempt, so a rotated key takes effect without a restart and never sits in the log.

mod http;
pub mod payload;
mod smtp;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::app::outbox::{Courier, Undelivered};
use crate::domain::outbound::{Notifier, NotifierKind, Outbound};

/// PagerDuty's Events API v2, unless the notifier names another `url`.
pub const PAGERDUTY_EVENTS: &str = "https://events.pagerduty.com/v2/enqueue";

/// How long one attempt may take when the notifier does not say.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The courier of a workspace (secret files are relative to it).
pub struct Wire {
    dir: PathBuf,
}

impl Wire {
    pub fn new(dir: &Path) -> Self {
        Self { dir: dir.to_owned() }
    }

    fn secret(&self, what: &str, file: &str) -> Result<String, Undelivered> {
        let path = self.dir.join(file);
        let secret = crate::app::secret::read(&path)
            .map_err(|why| Undelivered { why: format!("the {what} file: {why}"), permanent: true })?;
        // As lint says: a secret others on the host can read is not one (they could sign as us).
        if secret.shared {
            let why = format!("the {what} file {} can be read by others: chmod 600 it", path.display());
            return Err(Undelivered { why, permanent: true });
        }
        Ok(secret.text)
    }

    /// The notifier's URL: `url`, or the secret in `url_file`.
    fn url(&self, notifier: &Notifier, default: Option<&str>) -> Result<String, Undelivered> {
        match (&notifier.url, &notifier.url_file, default) {
            (Some(url), _, _) => Ok(url.clone()),
            (None, Some(file), _) => self.secret("url", file),
            (None, None, Some(default)) => Ok(default.to_owned()),
            (None, None, None) => {
                Err(Undelivered { why: "the notifier has no url or url_file".into(), permanent: true })
            }
        }
    }
}

impl Courier for Wire {
    fn deliver(&self, incident: &str, message: &Outbound, notifier: &Notifier) -> Result<Option<String>, Undelivered> {
        let timeout = notifier.timeout_seconds.map_or(DEFAULT_TIMEOUT, Duration::from_secs);
        match notifier.kind {
            NotifierKind::Webhook => {
                let body = payload::webhook(incident, message);
                let secret = notifier.secret_file.as_deref().map(|f| self.secret("secret", f)).transpose()?;
                let signature = secret.map(|key| payload::signature(key.as_bytes(), &body));
                http::post(&self.url(notifier, None)?, &body, &message.key, signature.as_deref(), timeout)
            }
            NotifierKind::Slack => {
                http::post(&self.url(notifier, None)?, &payload::slack(message), &message.key, None, timeout)
            }
            NotifierKind::Pagerduty => {
                let Some(routing_key) = message.to.as_deref() else {
                    return Err(Undelivered {
                        why: "a pagerduty target needs `to:` (its integration's routing key)".into(),
                        permanent: true,
                    });
                };
                let body = payload::pagerduty_event(incident, message, routing_key);
                http::post(&self.url(notifier, Some(PAGERDUTY_EVENTS))?, &body, &message.key, None, timeout)
            }
            NotifierKind::Smtp => {
                let password = notifier.password_file.as_deref().map(|f| self.secret("password", f)).transpose()?;
                let ca_pem = match notifier.ca_file.as_deref() {
                    Some(file) => Some(std::fs::read(self.dir.join(file)).map_err(|e| Undelivered {
                        why: format!("cannot read the ca_file {file}: {e}"),
                        permanent: true,
                    })?),
                    None => None,
                };
                smtp::send(message, notifier, smtp::Secrets { password, ca_pem }, timeout)
            }
        }
    }
}
