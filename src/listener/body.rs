//! Reading a request's body within bounds: a ceiling per request, a budget of bytes held by
//! all requests at once, and a time limit. A body over the ceiling or the budget is answered
//! 503, so that the sender (Alertmanager retries only 5xx) keeps its alerts and retries.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode, header};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The default ceiling: an Alertmanager group of 10,000 realistic alerts is about 10 MiB.
pub const DEFAULT_MAX_BODY: usize = 64 << 20;

/// The bodies all requests may hold at once, in ceilings.
const BUDGET_IN_CEILINGS: usize = 4;

/// How long a body may take to arrive.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(30);

const KIB: usize = 1024;

/// The bytes all requests' bodies may hold at once, counted in KiB.
pub struct Budget {
    kib: Arc<Semaphore>,
    max_body: usize,
}

impl Budget {
    pub fn new(max_body: usize) -> Self {
        let total = max_body.saturating_mul(BUDGET_IN_CEILINGS).div_ceil(KIB).min(Semaphore::MAX_PERMITS);
        Self { kib: Arc::new(Semaphore::new(total)), max_body }
    }

    /// Reads `body` whole, holding its share of the budget until the returned permit drops.
    pub async fn read(&self, headers: &HeaderMap, body: Body) -> Result<(Bytes, OwnedSemaphorePermit), Refusal> {
        let declared = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<usize>().ok());
        if declared.is_some_and(|n| n > self.max_body) {
            return Err(self.too_large());
        }
        let share = declared.unwrap_or(self.max_body).div_ceil(KIB).max(1);
        let share = u32::try_from(share).unwrap_or(u32::MAX);
        let permit = Arc::clone(&self.kib).try_acquire_many_owned(share).map_err(|_| Refusal {
            status: StatusCode::SERVICE_UNAVAILABLE,
            text: "busy: too many large requests at once; retry".to_owned(),
        })?;
        match tokio::time::timeout(BODY_TIMEOUT, axum::body::to_bytes(body, self.max_body)).await {
            Err(_) => Err(Refusal {
                status: StatusCode::REQUEST_TIMEOUT,
                text: format!("the body did not arrive within {} s", BODY_TIMEOUT.as_secs()),
            }),
            Ok(Err(_)) if declared.is_none() => Err(self.too_large()),
            Ok(Err(e)) => Err(Refusal { status: StatusCode::BAD_REQUEST, text: format!("cannot read the body: {e}") }),
            Ok(Ok(bytes)) => Ok((bytes, permit)),
        }
    }

    fn too_large(&self) -> Refusal {
        Refusal {
            status: StatusCode::SERVICE_UNAVAILABLE,
            text: format!(
                "the body is larger than this listener's ceiling of {} MiB: raise --max-body-mib, or cap the sender's group (Alertmanager: max_alerts)",
                self.max_body >> 20
            ),
        }
    }
}

/// Why a body was not read, as an HTTP answer.
pub struct Refusal {
    pub status: StatusCode,
    pub text: String,
}
