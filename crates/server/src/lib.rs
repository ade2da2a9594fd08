//! rampart's long-running services. Today the MCP server (`rampart mcp`),
//! which lets AI coding assistants run scans, read the scan history and have
//! findings explained.

pub mod mcp;
