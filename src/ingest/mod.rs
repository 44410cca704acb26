//! Alerts from monitoring: the formats warroom reads and the routing to runbooks.

pub mod drill;
pub mod formats;
pub mod pagerduty;

pub mod routing;

pub use crate::domain::alert::{Alert, Source, Status};
pub use formats::{Invalid, parse};
pub use routing::{Route, Router};
