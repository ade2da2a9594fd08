//! One delivery: a `webhook` job names an endpoint, an event and its message
//! id. The event goes out as `{"type", "timestamp", "data"}` with the
//! Standard Webhooks headers, to an address the webhook policy admits (checked
//! on the URL and on every address DNS returns; no redirect followed, no
//! proxy). Every attempt is logged. A 2xx ends the job; `410 Gone` disables
//! the endpoint; anything else is retried after the endpoint's `Retry-After`
//! or the queue's backoff, until the job's attempts are spent.

use super::sign;
use chrono::{DateTime, SecondsFormat, Utc};
use rampart_engine::http::parse_retry_after;
use rampart_engine::http::policy::{AddressPolicy, Resolver};
use rampart_store::StoreError;
use rampart_store::queue::{Event, Job, NewAttempt, Queue, Webhook};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Longest one attempt may take.
const TIMEOUT: Duration = Duration::from_secs(15);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest `Retry-After` honoured; a longer one waits this long.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);

/// What a delivery job's payload holds.
#[derive(Deserialize)]
struct Order {
    webhook: i64,
    event: i64,
    /// `webhook-id`: the same on every attempt, so receivers can drop repeats.
    id: String,
}

/// How one attempt went.
struct Sent {
    status: Option<u16>,
    error: Option<String>,
    retry_after: Option<Duration>,
    elapsed: Duration,
}

/// Sends deliveries over one HTTP client bound by the webhook policy.
pub struct Deliverer {
    client: reqwest::Client,
    policy: Arc<AddressPolicy>,
}

impl Deliverer {
    pub fn new(policy: AddressPolicy) -> Result<Deliverer, String> {
        let policy = Arc::new(policy);
        let client = reqwest::Client::builder()
            .dns_resolver(Resolver { policy: policy.clone() })
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .user_agent(concat!("rampart-webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("webhook HTTP client: {e}"))?;
        Ok(Deliverer { client, policy })
    }

    /// Runs one delivery job to its end; what became of it, in words.
    pub async fn run(&self, queue: &dyn Queue, job: &Job) -> Result<String, StoreError> {
        let order: Order = match serde_json::from_str(&job.payload) {
            Ok(order) => order,
            Err(e) => return skipped(queue, job, &format!("invalid delivery job: {e}")).await,
        };
        let Some(hook) = queue.webhook(order.webhook).await? else {
            return skipped(queue, job, "the endpoint was removed").await;
        };
        if let Some(why) = &hook.disabled {
            return skipped(queue, job, &format!("the endpoint is disabled ({why})")).await;
        }
        let Some(event) = queue.event(order.event).await? else {
            return skipped(queue, job, "the event is gone").await;
        };
        let sent = self.send(&hook, &order.id, &message(&event)).await;
        queue
            .add_attempt(&NewAttempt {
                webhook: hook.id,
                event: event.id,
                job: job.id,
                attempt: job.attempts,
                status: sent.status,
                error: sent.error.clone(),
                duration_ms: u64::try_from(sent.elapsed.as_millis()).unwrap_or(u64::MAX),
            })
            .await?;
        let to = format!("{} {} to webhook {}", event.kind, order.id, hook.id);
        match (sent.status, sent.error) {
            (Some(status), None) => {
                queue.complete(job, &format!("delivered: {status}")).await?;
                Ok(format!("{to}: delivered ({status})"))
            }
            (Some(410), _) => {
                let when = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
                let reason = format!("answered 410 Gone at {when}");
                queue.disable_webhook(hook.id, Some(&reason)).await?;
                queue.complete(job, "gone: the endpoint is disabled").await?;
                Ok(format!("{to}: 410 Gone, endpoint disabled"))
            }
            (_, error) => {
                let error = error.unwrap_or_default();
                let retry = sent.retry_after.map(|d| d.min(MAX_RETRY_AFTER));
                let outcome = queue.fail(job, &error, retry).await?;
                Ok(format!("{to}: {error}; {outcome}"))
            }
        }
    }

    /// One signed POST of `body` to the endpoint.
    async fn send(&self, hook: &Webhook, id: &str, body: &str) -> Sent {
        let started = Instant::now();
        let failed = |error: String| Sent {
            status: None,
            error: Some(error),
            retry_after: None,
            elapsed: started.elapsed(),
        };
        let url = match reqwest::Url::parse(&hook.url) {
            Ok(url) => url,
            Err(e) => return failed(format!("invalid URL: {e}")),
        };
        if let Err(refused) = self.policy.check_host(url.host_str().unwrap_or_default()) {
            return failed(refused);
        }
        let timestamp = Utc::now().timestamp();
        let secrets: Vec<&str> = std::iter::once(hook.secret.as_str())
            .chain(hook.previous_secret.as_deref())
            .collect();
        let signature = match sign::header(&secrets, id, timestamp, body.as_bytes()) {
            Ok(signature) => signature,
            Err(e) => return failed(e),
        };
        let request = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body.to_string());
        match request.send().await {
            Ok(resp) => {
                let status = resp.status();
                let retry_after = resp
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(parse_retry_after);
                Sent {
                    status: Some(status.as_u16()),
                    error: (!status.is_success()).then(|| answered(status)),
                    retry_after,
                    elapsed: started.elapsed(),
                }
            }
            Err(e) => failed(causes(&e)),
        }
    }
}

/// A job that has nothing left to deliver ends done, with why.
async fn skipped(queue: &dyn Queue, job: &Job, why: &str) -> Result<String, StoreError> {
    queue.complete(job, &format!("skipped: {why}")).await?;
    Ok(format!("delivery job {}: skipped: {why}", job.id))
}

/// The message body: the event's type, when it happened, and its data with its ids.
fn message(event: &Event) -> String {
    let mut data = serde_json::from_str::<Value>(&event.data).unwrap_or_else(|_| json!({}));
    if let Value::Object(fields) = &mut data {
        fields.insert("eventId".into(), json!(event.id.to_string()));
        if let Some(scan) = &event.scan_id {
            fields.insert("scanId".into(), json!(scan));
        }
    }
    let at = DateTime::<Utc>::from_timestamp_millis(event.created_ms).unwrap_or_default();
    json!({
        "type": event.kind,
        "timestamp": at.to_rfc3339_opts(SecondsFormat::Millis, true),
        "data": data,
    })
    .to_string()
}

/// A non-2xx answer in words.
fn answered(status: reqwest::StatusCode) -> String {
    let reason = status.canonical_reason().unwrap_or("");
    if status.is_redirection() {
        format!("HTTP {} {reason} (redirects are not followed)", status.as_u16())
    } else {
        format!("HTTP {} {reason}", status.as_u16()).trim_end().to_string()
    }
}

/// An error and its causes, outermost first (the policy's refusal is a cause).
fn causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        let said = inner.to_string();
        if !text.contains(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        cause = inner.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_store::queue::{NewEvent, NewWebhook, State, Targets, WEBHOOK_JOB, Webhooks};

    /// A destination the policy refuses is never connected to, whether named
    /// by address or by a host name that resolves to one (checked at each
    /// delivery, not only when the endpoint was added); the refusal is logged
    /// and the delivery retried.
    #[tokio::test]
    async fn a_refused_destination_is_never_reached() {
        let dir = std::env::temp_dir().join(format!("rampart-deliver-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let history = rampart_store::History::open(&dir.join("history.db")).await.unwrap();
        let queue = history.queue();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        for host in ["127.0.0.1", "localhost"] {
            let hook = NewWebhook {
                url: format!("http://{host}:{port}/hook"),
                events: Vec::new(),
                target: None,
                secret: sign::new_secret(),
            };
            queue.add_webhook(&hook).await.unwrap();
        }
        let event = NewEvent {
            kind: "scan.failed".into(),
            data: "{}".into(),
        };
        queue.add_events(None, &[event]).await.unwrap();
        let deliverer = Deliverer::new(AddressPolicy::public_only()).unwrap();
        let minute = Duration::from_secs(60);
        let mut refusals = Vec::new();
        while let Some(job) = queue.claim("w", &[WEBHOOK_JOB], minute).await.unwrap() {
            deliverer.run(&queue, &job).await.unwrap();
            let view = queue.get(job.id).await.unwrap().unwrap();
            assert_eq!((view.state, view.attempts), (State::Queued, 1), "retried later");
            refusals.push(view.last_error.unwrap_or_default());
        }
        assert_eq!(refusals.len(), 2);
        assert!(
            refusals[0].contains("127.0.0.1 is not an allowed target"),
            "{}",
            refusals[0]
        );
        assert!(refusals[1].contains("localhost resolves to"), "{}", refusals[1]);
        assert!(listener.accept().is_err(), "no connection was made");
        for hook in queue.webhooks().await.unwrap() {
            let logged = queue.attempts(hook.id, 10).await.unwrap();
            assert_eq!(logged.len(), 1);
            assert_eq!((logged[0].logged.status, logged[0].logged.attempt), (None, 1));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_message_carries_the_type_time_and_ids() {
        let event = Event {
            id: 42,
            kind: "finding.new".into(),
            target: Some(3),
            scan_id: Some("0a1b2c".into()),
            data: r#"{"targetId":"3","ruleId":"SESS-001"}"#.into(),
            created_ms: 1_764_936_000_123,
        };
        let body: Value = serde_json::from_str(&message(&event)).unwrap();
        assert_eq!(
            body,
            json!({"type": "finding.new", "timestamp": "2025-12-05T12:00:00.123Z",
                   "data": {"targetId": "3", "ruleId": "SESS-001", "eventId": "42", "scanId": "0a1b2c"}})
        );
    }
}
