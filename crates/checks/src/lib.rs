//! Every rampart check, one file per rule in one folder per category, and the
//! registry that lists them all once.

pub mod registry;
pub mod session;
pub mod web;

pub use registry::CHECKS;
