//! The session flow: the flow file (how to log in, which page proves it, how
//! to log out) and the driver that performs it for the session checks.

mod csrf;
pub mod discover;
mod driver;
mod file;
pub mod html;
mod step;
mod template;

pub use driver::{Driver, Probe, StepOutcome};
pub use file::{Flow, Stack, Step, StepKind};
