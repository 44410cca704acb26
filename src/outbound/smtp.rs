//! One mail per attempt over SMTP (lettre): plain, STARTTLS required, or TLS from the first
//! byte, as the notifier says; AUTH with the password read from its file. A 2xx from the
//! server delivers; a 4xx, a timeout or a connection that fails is tried again later; a 5xx,
//! a certificate or a server that cannot do what `warroom.yaml` asks is given up.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls as Wrap, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{SmtpTransport, Transport};

use crate::app::outbox::Undelivered;
use crate::domain::outbound::{Notifier, Outbound, Tls};
use crate::domain::sanitize;

/// How much of a server's answer is kept as the receipt or the reason.
const ANSWER_LIMIT: usize = 300;

/// What the notifier's files hold, read at this attempt.
pub struct Secrets {
    pub password: Option<String>,
    pub ca_pem: Option<Vec<u8>>,
}

fn refused(why: impl Into<String>) -> Undelivered {
    Undelivered { why: why.into(), permanent: true }
}

pub fn send(
    message: &Outbound,
    notifier: &Notifier,
    secrets: Secrets,
    timeout: Duration,
) -> Result<Option<String>, Undelivered> {
    let mail = mail(message, notifier)?;
    let host = notifier.host.as_deref().ok_or_else(|| refused("an smtp notifier needs host"))?;
    let mut builder = SmtpTransport::builder_dangerous(host)
        .port(notifier.port.unwrap_or(match notifier.tls {
            Tls::None => 25,
            Tls::Starttls => 587,
            Tls::Tls => 465,
        }))
        .timeout(Some(timeout))
        .hello_name(ClientId::Domain("warroom".to_owned()));
    if notifier.tls != Tls::None {
        let mut parameters = TlsParameters::builder(host.to_owned());
        if let Some(pem) = &secrets.ca_pem {
            let ca =
                Certificate::from_pem(pem).map_err(|e| refused(format!("ca_file is not a PEM certificate: {e}")))?;
            parameters = parameters.add_root_certificate(ca);
        }
        let parameters = parameters.build_rustls().map_err(|e| refused(format!("TLS set-up: {e}")))?;
        builder = builder.tls(if notifier.tls == Tls::Starttls {
            Wrap::Required(parameters)
        } else {
            Wrap::Wrapper(parameters)
        });
    }
    if let (Some(user), Some(password)) = (&notifier.username, secrets.password) {
        builder = builder.credentials(Credentials::new(user.clone(), password));
    }
    match builder.build().send(&mail) {
        Ok(response) => {
            Ok(Some(capped(&format!("SMTP {} {}", response.code(), response.message().collect::<Vec<_>>().join(" ")))))
        }
        Err(e) => Err(undelivered(&e)),
    }
}

/// The mail: from the notifier's `from`, to the target's mailbox, its Message-ID the
/// message's idempotency key, so a mailbox that receives it twice can tell.
fn mail(message: &Outbound, notifier: &Notifier) -> Result<Message, Undelivered> {
    let mailbox = |what: &str, text: Option<&str>| -> Result<Mailbox, Undelivered> {
        let text = text.ok_or_else(|| refused(format!("an smtp {what} is needed (a mailbox)")))?;
        text.parse().map_err(|e| refused(format!("{what} {:?} is not a mailbox: {e}", sanitize::line(text))))
    };
    Message::builder()
        .from(mailbox("notifier's from", notifier.from.as_deref())?)
        .to(mailbox("target's to", message.to.as_deref())?)
        .subject(sanitize::line(&message.subject).into_owned())
        .message_id(Some(format!("<{}@warroom>", message.key.replace('/', "."))))
        .user_agent(concat!("warroom/", env!("CARGO_PKG_VERSION")).to_owned())
        .header(ContentType::TEXT_PLAIN)
        .body(message.body.clone())
        .map_err(|e| refused(format!("the mail cannot be built: {e}")))
}

fn undelivered(e: &lettre::transport::smtp::Error) -> Undelivered {
    let said = capped(&e.to_string());
    if e.is_permanent() {
        refused(format!("{said} (refused: check the notifier and the mailbox in warroom.yaml)"))
    } else if e.is_transient() {
        Undelivered { why: said, permanent: false }
    } else if e.is_timeout() {
        Undelivered { why: "timed out".into(), permanent: false }
    } else if e.is_client() || e.is_tls() || refused_by_tls(e) {
        refused(format!("{said} (check the notifier in warroom.yaml)"))
    } else {
        Undelivered { why: format!("unreachable: {said}"), permanent: false }
    }
}

/// Whether the connection failed because TLS refused the server (a certificate nobody trusts,
/// a name that does not match): retrying cannot mend that, `warroom.yaml` or the server can.
fn refused_by_tls(e: &lettre::transport::smtp::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        let tls = cause.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()).map_or_else(
            || cause.downcast_ref::<rustls::Error>().is_some(),
            |inner| inner.downcast_ref::<rustls::Error>().is_some(),
        );
        if tls {
            return true;
        }
        source = cause.source();
    }
    false
}

fn capped(text: &str) -> String {
    sanitize::line(text).chars().take(ANSWER_LIMIT).collect()
}
