//! One module per subcommand.

pub mod checks;
pub mod demo;
pub mod diff;
pub mod scan;
