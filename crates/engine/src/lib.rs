//! The scan engine: one HTTP layer every request goes through, the
//! session-flow driver, fingerprinting, and the check runner.

pub mod agent;
pub mod callback;
pub mod check;
pub mod config;
pub mod cookies;
pub mod coverage;
mod error;
pub mod fingerprint;
pub mod flow;
pub mod http;
pub mod identity;
pub mod input;
pub mod inventory;
pub mod redact;
pub mod runner;
pub mod shared;
pub mod spec;
pub mod survey;
pub mod token;
pub mod writes;

pub use agent::{Agent, Carrier, Trip};
pub use check::{Check, Context, Outcome};
pub use config::{Limits, LlmTier, ScanConfig};
pub use error::Error;
pub use flow::{Driver, Flow};
pub use http::{HttpLayer, Request, Response};
pub use inventory::{Endpoint, Inventory};
pub use runner::{Phase, Progress, run_scan};
pub use survey::Surveyed;
