//! Webhooks that follow the Standard Webhooks specification: signed
//! deliveries of the service's events to the endpoints subscribed to them.

mod deliver;
pub mod sign;

pub use deliver::Deliverer;

use std::time::Duration;

/// How long a rotated-out secret keeps signing, so receivers can switch over.
pub const ROTATION_OVERLAP: Duration = Duration::from_secs(24 * 3600);
