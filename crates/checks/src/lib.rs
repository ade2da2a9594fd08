//! Every rampart check, one file per rule in one folder per category, and the
//! registry that lists them all once.

pub(crate) mod accounts;
pub mod auth;
pub mod bfla;
pub mod bola;
pub mod consume;
pub mod crypto;
pub mod data;
mod examples;
pub mod input;
pub(crate) mod inputs;
pub mod inv;
pub mod llm;
pub(crate) mod objects;
pub mod prop;
pub mod rate;
pub mod registry;
pub mod session;
pub mod ssrf;
pub mod web;

pub use registry::CHECKS;
