//! rampart's long-running services: the MCP server (`rampart mcp`), which
//! lets AI coding assistants run scans, read the scan history and have
//! findings explained; and the worker (`rampart worker`), which runs scan
//! jobs from the queue the monitoring service shares; and the monitoring
//! service's HTTP API (`rampart serve`).

pub mod events;
pub mod mcp;
pub mod schedule;
pub mod service;
pub mod worker;
