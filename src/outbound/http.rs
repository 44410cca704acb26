//! One HTTP POST per attempt. A 2xx delivers; a 408, 429 or 5xx, a timeout or a refused
//! connection is tried again later; any other answer is a refusal retrying cannot mend.

use std::io::Read;
use std::time::Duration;

use crate::app::outbox::Undelivered;
use crate::domain::sanitize;

/// How much of a receiver's answer is kept as the receipt or the reason.
const ANSWER_LIMIT: u64 = 300;

pub fn post(
    url: &str,
    body: &[u8],
    key: &str,
    signature: Option<&str>,
    timeout: Duration,
) -> Result<Option<String>, Undelivered> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(concat!("warroom/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut request = agent
        .post(url)
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", key)
        .header("X-Warroom-Delivery", key);
    if let Some(signature) = signature {
        request = request.header("X-Warroom-Signature", signature);
    }
    let mut response = request.send(body).map_err(|e| Undelivered { why: failure(&e), permanent: false })?;
    let status = response.status().as_u16();
    let mut answer = Vec::new();
    let _ = response.body_mut().as_reader().take(ANSWER_LIMIT).read_to_end(&mut answer);
    let answer = sanitize::line(String::from_utf8_lossy(&answer).trim()).into_owned();
    let said = if answer.is_empty() { format!("HTTP {status}") } else { format!("HTTP {status}: {answer}") };
    match status {
        200..=299 => Ok(Some(said)),
        408 | 429 | 500..=599 => Err(Undelivered { why: said, permanent: false }),
        _ => Err(Undelivered { why: format!("{said} (refused: check the notifier in warroom.yaml)"), permanent: true }),
    }
}

fn failure(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Timeout(_) => "timed out".to_owned(),
        ureq::Error::Io(io) => format!("unreachable: {io}"),
        other => format!("unreachable: {other}"),
    }
}
