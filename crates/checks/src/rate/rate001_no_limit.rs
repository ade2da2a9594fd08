//! RATE-001: a burst of requests meets no rate limit.

use super::OWASP;
use crate::web::{self, observed};
use async_trait::async_trait;
use futures::stream::{self, StreamExt};
use rampart_engine::{Check, Context, Error, Outcome, Request, ScanConfig};
use rampart_model::{Category, Confidence, Endpoint, Example, Exchange, Finding, Proof, Rule, Severity};
use std::time::{Duration, Instant};
use url::Url;

pub struct NoRateLimit;

static RULE: Rule = Rule {
    id: "RATE-001",
    title: "No rate limiting",
    category: Category::RateLimiting,
    severity: Severity::Low,
    cwe: &[770],
    owasp: OWASP,
    summary: "A burst of requests to one endpoint met no 429 and no rate-limit headers. Without limits, credential stuffing, scraping and resource exhaustion cost an attacker nothing.",
    remediation: "Limit requests per client (API key, user or address) at the gateway or in the application, answer 429 with Retry-After beyond the limit, and announce the limit in RateLimit headers.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/",
        "https://cwe.mitre.org/data/definitions/770.html",
        "https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v1/products",
        variant: None,
        instance: None,
        confidence: Confidence::Tentative,
        description: "30 GET https://api.example.com/api/v1/products in 1.8 s all answered without a 429 and without RateLimit, X-RateLimit or Retry-After headers (a limit above 30 requests may still exist).",
        evidence: &[
            Proof {
                request: "GET /api/v1/products",
                headers: &[],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"[{"id":"A-100","name":"Desk lamp","price":24.9}]"#,
                note: "first answer of the burst",
            },
            Proof {
                request: "GET /api/v1/products",
                headers: &[],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"[{"id":"A-100","name":"Desk lamp","price":24.9}]"#,
                note: "answer 30 of the burst, the last to arrive: still no limit",
            },
        ],
    }],
};

/// Requests in the burst.
const BURST: u64 = 30;
/// Requests of the burst in flight at once: a burst, not a queue behind each
/// answer, so a slow server or a busy scan still sends it within the window.
const IN_FLIGHT: usize = 10;
/// The burst stops after this long, sent or not (no verdict then). Long
/// enough for a server busy with the scan's other work, such as its logins.
const WINDOW: Duration = Duration::from_secs(60);

/// Headers that announce a rate limit.
pub(crate) fn announces_limit(ex: &Exchange) -> bool {
    ex.response.headers.iter().any(|h| {
        let n = h.name.to_ascii_lowercase();
        n == "retry-after"
            || n.starts_with("ratelimit")
            || n.starts_with("x-ratelimit")
            || n.starts_with("x-rate-limit")
    })
}

#[async_trait]
impl Check for NoRateLimit {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        BURST
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        if observed(ctx)
            .iter()
            .any(|o| announces_limit(o.exchange) || o.exchange.response.status == 429)
        {
            return Ok(Outcome::Findings(Vec::new()));
        }
        let (url, authed) = cheapest(ctx);
        let auth = if authed {
            ctx.auth_headers().await?.unwrap_or_default()
        } else {
            Vec::new()
        };
        let req = if authed {
            web::authed_get(url.clone(), &auth)
        } else {
            Request::get(url.clone()).anonymous()
        };
        let started = Instant::now();
        let Some(answers) = burst(ctx, &req).await? else {
            return Ok(Outcome::Findings(Vec::new()));
        };
        let throttled = ctx.layer.events().iter().any(|e| e.contains("answered 429"));
        if throttled {
            return Ok(Outcome::Findings(Vec::new()));
        }
        let secs = started.elapsed().as_secs_f64();
        let description = format!(
            "{BURST} GET {url} in {secs:.1} s all answered without a 429 and without RateLimit, X-RateLimit or Retry-After headers (a limit above {BURST} requests may still exist)."
        );
        let last = answers.len() - 1;
        let evidence = vec![
            answers[0].clone().noted("first answer of the burst"),
            answers[last].clone().noted(format!(
                "answer {BURST} of the burst, the last to arrive: still no limit"
            )),
        ];
        let endpoint = Endpoint {
            method: "GET".into(),
            url: url.to_string(),
        };
        let f = Finding::new(&RULE, Confidence::Tentative, endpoint, description).with_evidence(evidence);
        Ok(Outcome::Findings(vec![f]))
    }
}

/// Sends the burst, at most [`IN_FLIGHT`] at a time, and returns its answers in
/// the order they arrived; `None` (no verdict) when the server limits it, a
/// request fails or the window ends first.
async fn burst(ctx: &Context<'_>, req: &Request) -> Result<Option<Vec<Exchange>>, Error> {
    let sends = stream::iter(0..BURST)
        .map(|_| ctx.layer.send(req))
        .buffer_unordered(IN_FLIGHT);
    let collect = async {
        let mut sends = std::pin::pin!(sends);
        let mut answers = Vec::new();
        while let Some(sent) = sends.next().await {
            let resp = match sent {
                Ok(resp) => resp,
                Err(e) if e.is_budget() => return Err(e),
                Err(_) => return Ok(None),
            };
            if resp.status == 429 || announces_limit(&resp.exchange) {
                return Ok(None);
            }
            answers.push(resp.exchange);
        }
        Ok(Some(answers))
    };
    tokio::time::timeout(WINDOW, collect).await.unwrap_or(Ok(None))
}

/// The cheapest GET to repeat, and whether it needs the scan's credentials: the
/// flow's pre-login page, its protected page, else the first surveyed endpoint that answered 2xx.
fn cheapest(ctx: &Context<'_>) -> (Url, bool) {
    if let Some(d) = ctx.driver {
        let flow = d.flow();
        if flow.preauth.method.eq_ignore_ascii_case("GET") {
            return (d.url(&flow.preauth.path), false);
        }
        if flow.protected.method.eq_ignore_ascii_case("GET") {
            return (d.url(&flow.protected.path), true);
        }
    }
    let ok = |r: Option<&rampart_engine::Response>| r.is_some_and(|r| (200..300).contains(&r.status));
    for s in ctx.survey {
        let Some(op) = ctx.inventory.endpoints.get(s.endpoint) else {
            continue;
        };
        if ok(s.anon.as_ref()) {
            return (op.url.clone(), false);
        }
        if ok(s.authed.as_ref()) {
            return (op.url.clone(), true);
        }
    }
    (ctx.config.target.clone(), false)
}
