//! The scheduler: every few seconds, each target whose cron schedule (UTC)
//! has come due gets a scan job. It keeps no state of its own and any number
//! of `rampart serve` processes may run it: a due run is added with the key
//! `schedule:<target>:<due time>`, so it is added once however many
//! schedulers see it; a target whose previous scan still waits or runs gets
//! the due run once that scan ends (the queue holds one job per target), and
//! of several runs missed while the service was down only the latest is made up.

use chrono::{DateTime, TimeZone, Utc};
use croner::Cron;
use rampart_store::StoreError;
use rampart_store::queue::{NewJob, Queue, Target};
use std::future::Future;
use std::str::FromStr;
use std::time::Duration;

/// How often the scheduler looks.
pub const TICK: Duration = Duration::from_secs(2);

/// A cron pattern: five fields (minute to weekday) or six (seconds first), or
/// a nickname such as `@daily`; UTC.
pub fn parse(pattern: &str) -> Result<Cron, String> {
    if pattern.len() > 200 {
        return Err("a schedule is at most 200 characters".into());
    }
    let cron = Cron::from_str(pattern).map_err(|e| format!("'{pattern}' is no cron schedule: {e}"))?;
    cron.find_next_occurrence(&Utc::now(), false)
        .map_err(|_| format!("'{pattern}' never comes due"))?;
    Ok(cron)
}

/// The latest time `pattern` came due at or before `now`, if that was after
/// the target was created (a new target does not make up for runs before it).
pub fn due(pattern: &str, created_ms: i64, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let cron = Cron::from_str(pattern).ok()?;
    let last = cron.find_previous_occurrence(&now, true).ok()?;
    (last.timestamp_millis() >= created_ms).then_some(last)
}

/// The next time `pattern` comes due after `now`.
pub fn next(pattern: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    Cron::from_str(pattern).ok()?.find_next_occurrence(&now, false).ok()
}

/// A scan job of `target`, added once per `key` when one is given.
pub fn job(target: &Target, key: Option<String>) -> NewJob {
    let mut job = NewJob::new(crate::worker::SCAN, target.scan.clone());
    job.target = Some(target.id);
    job.key = key;
    job
}

/// Adds the due runs of every scheduled target not added yet (one query
/// finds those already added); the ids of the jobs added.
pub async fn tick(queue: &dyn Queue, now: DateTime<Utc>) -> Result<Vec<i64>, StoreError> {
    let targets = queue.targets().await?;
    let runs: Vec<(&Target, String)> = targets
        .iter()
        .filter_map(|t| {
            let due = due(t.schedule.as_deref()?, t.created_ms, now)?;
            Some((t, format!("schedule:{}:{}", t.id, due.timestamp_millis())))
        })
        .collect();
    let keys: Vec<String> = runs.iter().map(|(_, key)| key.clone()).collect();
    let existing = queue.existing_keys(&keys).await?;
    let mut added = Vec::new();
    for (target, key) in runs.into_iter().filter(|(_, key)| !existing.contains(key)) {
        if let Some(id) = queue.enqueue(&job(target, Some(key))).await? {
            added.push(id);
        }
    }
    Ok(added)
}

/// Ticks until `stop` completes; a store error is said and the next tick tries again.
pub async fn run(queue: &dyn Queue, stop: impl Future<Output = ()>) {
    tokio::pin!(stop);
    loop {
        if let Err(e) = tick(queue, Utc::now()).await {
            eprintln!("rampart serve: scheduler: {e}");
        }
        tokio::select! {
            _ = &mut stop => return,
            _ = tokio::time::sleep(TICK) => {}
        }
    }
}

/// Milliseconds since the epoch as a UTC time (for answers).
pub fn utc(ms: i64) -> Option<DateTime<Utc>> {
    Utc.timestamp_millis_opt(ms).single()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_latest_due_time_counts_only_after_creation() {
        let created = at("2026-12-04T12:00:00Z").timestamp_millis();
        let now = at("2026-12-05T03:00:30Z");
        assert_eq!(due("0 3 * * *", created, now), Some(at("2026-12-05T03:00:00Z")));
        assert_eq!(
            due("0 3 * * *", created, at("2026-12-05T02:59:59Z")),
            None,
            "not yet once"
        );
        assert_eq!(
            due("0 3 * * *", created, at("2026-12-07T09:00:00Z")),
            Some(at("2026-12-07T03:00:00Z")),
            "of the missed runs, the latest"
        );
        assert_eq!(
            due("*/10 * * * * *", created, at("2026-12-05T03:00:25Z")),
            Some(at("2026-12-05T03:00:20Z")),
            "six fields: seconds first"
        );
        assert_eq!(next("@daily", now), Some(at("2026-12-06T00:00:00Z")));
    }

    #[test]
    fn bad_patterns_are_refused_in_words() {
        assert!(parse("0 3 * * *").is_ok());
        assert!(parse("@hourly").is_ok());
        for bad in ["", "every day", "61 * * * *", "* * * * * * * *", "0 0 31 2 *"] {
            let err = parse(bad).unwrap_err();
            assert!(err.contains("cron") || err.contains("never"), "{bad}: {err}");
        }
    }

    /// Two schedulers ticking at once add a due run once; a run due while the
    /// target's scan runs is added when that scan ends.
    #[tokio::test]
    async fn due_runs_are_added_once_and_wait_for_a_busy_target() {
        use rampart_store::queue::{NewTarget, Queue, Targets};
        let dir = std::env::temp_dir().join(format!("rampart-schedule-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let history = rampart_store::History::open(&dir.join("history.db")).await.unwrap();
        let queue = history.queue();
        let target = NewTarget {
            name: "every-minute".into(),
            url: "http://api.test/".into(),
            scan: r#"{"url":"http://api.test/"}"#.into(),
            schedule: Some("* * * * *".into()),
        };
        queue.add_target(&target).await.unwrap();
        let unscheduled = NewTarget {
            name: "on-demand".into(),
            schedule: None,
            ..target.clone()
        };
        queue.add_target(&unscheduled).await.unwrap();
        let soon = Utc::now() + chrono::Duration::minutes(1);
        assert!(
            tick(&queue, Utc::now() - chrono::Duration::minutes(2))
                .await
                .unwrap()
                .is_empty(),
            "before creation"
        );

        let (a, b) = tokio::join!(tick(&queue, soon), tick(&queue, soon));
        assert_eq!(
            a.unwrap().len() + b.unwrap().len(),
            1,
            "one run, whichever scheduler adds it"
        );
        assert!(tick(&queue, soon).await.unwrap().is_empty(), "still the same due run");

        let running = queue
            .claim("w", &[crate::worker::SCAN], Duration::from_secs(60))
            .await
            .unwrap()
            .unwrap();
        let later = soon + chrono::Duration::minutes(1);
        assert!(tick(&queue, later).await.unwrap().is_empty(), "the target is busy");
        assert!(queue.complete(&running, "ok").await.unwrap());
        assert_eq!(tick(&queue, later).await.unwrap().len(), 1, "added once the scan ended");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
