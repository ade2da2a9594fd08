//! rampart's long-running services: the MCP server (`rampart mcp`), which
//! lets AI coding assistants run scans, read the scan history and have
//! findings explained; and the worker (`rampart worker`), which runs scan
//! jobs and webhook deliveries from the queue the monitoring service shares;
//! and the monitoring service's HTTP API (`rampart serve`).

pub mod dashboard;
pub mod events;
pub mod mcp;
pub mod schedule;
pub mod service;
pub mod webhooks;
pub mod worker;
