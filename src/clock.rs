//! The one place that reads the system clock. Every recorded time comes from a `Clock` handed
//! down from the front end, so no user input can choose it.
//!
//! Builds with the `test-clock` feature (only the test suite and the benches enable it, through
//! the package's dev-dependency on itself) also honour `WARROOM_TEST_NOW`: an RFC 3339 time at
//! which the clock stands still, so a test can fix the day its incidents are declared on.

use chrono::{DateTime, Utc};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    frozen_at: Option<DateTime<Utc>>,
}

impl Clock {
    pub const fn system() -> Self {
        Self { frozen_at: None }
    }

    /// A clock that always reads `at`: for tests and benches that call the library directly.
    pub const fn frozen(at: DateTime<Utc>) -> Self {
        Self { frozen_at: Some(at) }
    }

    /// The clock a process runs on: the system clock, unless a test build was told otherwise.
    pub fn for_process() -> Result<Self, String> {
        #[cfg(feature = "test-clock")]
        if let Ok(text) = std::env::var("WARROOM_TEST_NOW") {
            return DateTime::parse_from_rfc3339(&text)
                .map(|t| Self::frozen(t.with_timezone(&Utc)))
                .map_err(|e| format!("WARROOM_TEST_NOW {:?} is not an RFC 3339 time: {e}", text.escape_debug()));
        }
        Ok(Self::system())
    }

    /// True when the clock stands still (a test's fixed time), not the system's.
    pub const fn is_fixed(&self) -> bool {
        self.frozen_at.is_some()
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.frozen_at.unwrap_or_else(Utc::now)
    }
}
