//! One module per subcommand.

pub mod checks;
pub mod demo;
pub mod diff;
pub mod list;
pub mod mcp;
pub mod replay;
pub mod results;
pub mod review;
pub mod scan;
pub mod serve;
pub mod shell;
pub mod targets;
pub mod worker;
