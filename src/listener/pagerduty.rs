//! `POST /pagerduty`: PagerDuty's v3 webhooks. Each delivery is signed with the subscription's
//! secret (`X-PagerDuty-Signature: v1=<hex HMAC-SHA256 of the body>`, several while a secret
//! is rotated); a person acknowledging or resolving one of warroom's pages there answers that
//! page here, recorded by this listener's service with who answered. Whatever else the
//! subscription sends is answered 200 and set aside, so PagerDuty does not retry it.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;

use super::{Shared, check, reply_line, same};
use crate::app::pagerduty::Answered;
use crate::app::{App, Catalog};
use crate::ingest::pagerduty::{Delivery, PageAnswer, read};
use crate::store::Failure;

const SIGNATURE: &str = "x-pagerduty-signature";

pub async fn receive(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Body) -> impl IntoResponse {
    if let Err(refusal) = check(&shared.listener, &headers) {
        shared.log.line(&format!("refused a PagerDuty request: {}", refusal.1.trim_end()));
        return refusal;
    }
    let (body, _held) = match shared.budget.read(&headers, body).await {
        Ok(read) => read,
        Err(refusal) => return reply_line(refusal.status, &refusal.text),
    };
    let secrets = match crate::app::pagerduty::webhook_secrets(&shared.listener.dir) {
        Ok(secrets) if secrets.is_empty() => {
            let why = "no PagerDuty webhook here: give a pagerduty notifier a webhook_secret_file in warroom.yaml";
            return reply_line(StatusCode::NOT_FOUND, why);
        }
        Ok(secrets) => secrets,
        Err(why) => {
            // The sender learns only that it should retry; the workspace's paths stay in the log.
            shared.log.line(&format!("PagerDuty webhook refused until fixed: {why}"));
            let said = "the PagerDuty webhook cannot be checked here now (its listener's log says why); retry later";
            return reply_line(StatusCode::SERVICE_UNAVAILABLE, said);
        }
    };
    let given = headers.get(SIGNATURE).and_then(|h| h.to_str().ok()).unwrap_or("");
    if !signed(&body, given, &secrets) {
        shared.log.line("refused a PagerDuty request: missing or wrong X-PagerDuty-Signature");
        return reply_line(StatusCode::UNAUTHORIZED, "missing or wrong X-PagerDuty-Signature");
    }
    let answer = match read(&body) {
        Err(why) => return reply_line(StatusCode::BAD_REQUEST, &why),
        Ok(Delivery::Other(why)) => {
            shared.log.line(&format!("PagerDuty: set aside: {why}"));
            return reply_line(StatusCode::OK, &format!("set aside: {why}"));
        }
        Ok(Delivery::Answer(answer)) => answer,
    };
    let store = &shared.listener.store;
    if let Some(cause) = store.fault().filter(|_| !store.recover()) {
        return reply_line(StatusCode::SERVICE_UNAVAILABLE, &format!("NOT SAVED: {cause}; retry later"));
    }
    let worker = Arc::clone(&shared);
    tokio::task::spawn_blocking(move || record(&worker, &answer))
        .await
        .unwrap_or_else(|_| reply_line(StatusCode::SERVICE_UNAVAILABLE, "internal error; retry later"))
}

/// Records the answer. What is no answer to a page this workspace sent (or one answered
/// already) is said and answered 200: PagerDuty retrying would not change it. Anything else
/// that stops the recording (the store, this listener's own identity refused in that log) is
/// answered 503, so PagerDuty retries once it is mended and no answer is lost.
fn record(shared: &Shared, answer: &PageAnswer) -> (StatusCode, String) {
    let l = &shared.listener;
    let app = App::new(&*l.store, &l.dir, l.clock, &l.actor, Catalog::of(&l.runbooks, &l.clocks));
    match crate::app::pagerduty::answered(&app, answer) {
        Ok(Answered::Recorded) => {
            let line =
                format!("{}: {} {} the page for {} in PagerDuty", answer.incident, answer.who, answer.how, answer.role);
            shared.log.line(&line);
            reply_line(StatusCode::OK, &line)
        }
        Ok(Answered::SetAside(why)) => {
            let line = format!("PagerDuty answer for {} of {} set aside: {why}", answer.role, answer.incident);
            shared.log.line(&line);
            reply_line(StatusCode::OK, &line)
        }
        Err(e) => {
            shared.log.line(&format!("could not record a PagerDuty answer (answered 503, so it is retried): {e}"));
            let status = if e.failure() == Failure::Internal {
                StatusCode::INTERNAL_SERVER_ERROR
            } else {
                StatusCode::SERVICE_UNAVAILABLE
            };
            reply_line(status, &e.to_string())
        }
    }
}

/// Whether one of the header's `v1=` signatures is the body's under one of the secrets.
fn signed(body: &[u8], header: &str, secrets: &[String]) -> bool {
    secrets.iter().any(|secret| {
        let expected = crate::outbound::payload::signature(secret.as_bytes(), body).replacen("sha256=", "v1=", 1);
        header.split(',').any(|given| same(given.trim().as_bytes(), expected.as_bytes()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_v1_signature_under_any_secret_signs_the_body() {
        let body = br#"{"event":{}}"#;
        let v1 = |key: &str| crate::outbound::payload::signature(key.as_bytes(), body).replacen("sha256=", "v1=", 1);
        let secrets = ["old".to_owned(), "new".to_owned()];
        assert!(signed(body, &v1("new"), &secrets));
        assert!(signed(body, &format!("{}, {}", v1("retired"), v1("old")), &secrets));
        assert!(!signed(body, &v1("retired"), &secrets));
        assert!(!signed(body, &v1("new").replacen("v1=", "v0=", 1), &secrets));
        assert!(!signed(body, "", &secrets) && !signed(body, &v1("new"), &[]));
        assert!(!signed(b"{\"event\":{ }}", &v1("new"), &secrets), "another body");
    }
}
