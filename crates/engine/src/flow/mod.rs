//! The session flow: the flow file (how to log in, which page proves it, how
//! to log out) and the driver that performs it for the session checks.

mod csrf;
mod driver;
mod file;
mod step;
mod template;

pub use driver::{Driver, Probe, StepOutcome};
pub use file::{Flow, Stack, Step, StepKind};
