//! The local scan history from the command line's side: which database to
//! use, saving finished scans (a failure only warns: the report is already
//! written), and opening an existing history for `list` and `results`.

use crate::args::HistoryArgs;
use anyhow::{Context, Result};
use rampart_model::Report;
use rampart_store::{History, StoreError};
use std::path::{Path, PathBuf};

/// The database `--db` names, else `$RAMPART_DB`, else the data directory's.
pub fn path(db: Option<&Path>) -> PathBuf {
    db.map_or_else(History::default_path, Path::to_path_buf)
}

/// Save a finished scan unless `--no-save`.
pub async fn record(report: &Report, args: &HistoryArgs) {
    if !args.no_save {
        save(report, &path(args.file.db.as_deref()), args.file.db.is_some()).await;
    }
}

/// Save `report` to the history at `path` and say under which id; `explicit`
/// (the path came from `--db`) adds it to the hint.
pub async fn save(report: &Report, path: &Path, explicit: bool) {
    match save_to(report, path).await {
        Ok(id) => {
            let db = if explicit {
                format!(" --db {}", path.display())
            } else {
                String::new()
            };
            crate::say::info(&format!(
                "saved as {id} (rampart results {id}{db}; every finding's evidence: rampart results {id}{db} -o report.html)"
            ));
        }
        Err(err) => {
            let cause = err.to_string().replace('\n', " ");
            eprintln!(
                "rampart: warning: scan not saved to the history {}: {cause}",
                path.display()
            );
        }
    }
}

async fn save_to(report: &Report, path: &Path) -> Result<String, StoreError> {
    let history = History::open(path).await?;
    let saved = history.save(report).await;
    history.close().await;
    saved
}

/// The history at `path`, or `None` when there is no such file: reading
/// commands never create one.
pub async fn open_existing(path: &Path) -> Result<Option<History>> {
    let exists = path
        .try_exists()
        .with_context(|| format!("cannot read the scan history {}", path.display()))?;
    if !exists {
        return Ok(None);
    }
    let history = History::open(path)
        .await
        .with_context(|| format!("cannot open the scan history {}", path.display()))?;
    Ok(Some(history))
}

/// The saved scan `id` (or a unique prefix) of the history `--db` names, else the default one.
pub async fn load(db: Option<&Path>, id: &str) -> Result<rampart_store::ScanRecord> {
    let path = path(db);
    let missing = || format!("no saved scan '{id}' in {}", path.display());
    let store = open_existing(&path).await?.with_context(missing)?;
    let record = store.get(id).await;
    store.close().await;
    record
        .with_context(|| format!("scan history {}", path.display()))?
        .with_context(missing)
}
