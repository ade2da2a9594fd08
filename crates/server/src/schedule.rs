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

/// Adds the due runs of every scheduled target; the ids of the jobs added.
pub async fn tick(queue: &dyn Queue, now: DateTime<Utc>) -> Result<Vec<i64>, StoreError> {
    let mut added = Vec::new();
    for target in queue.targets().await? {
        let Some(due) = target.schedule.as_deref().and_then(|p| due(p, target.created_ms, now)) else {
            continue;
        };
        let key = format!("schedule:{}:{}", target.id, due.timestamp_millis());
        if let Some(id) = queue.enqueue(&job(&target, Some(key))).await? {
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
}
