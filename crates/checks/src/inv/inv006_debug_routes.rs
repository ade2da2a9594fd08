//! INV-006: the framework runs in debug mode and its "not found" page lists
//! every route of the application (Django's technical 404, Rails' routing
//! error page).
//!
//! Proof: a path that cannot exist answers 404 with a page that lists routes;
//! the routes rampart read from it are named in the finding (and the crawl of
//! a scan without a spec uses them).

use super::OWASP;
use crate::web::{anon_get, random_path, send_or_skip};
use async_trait::async_trait;
use rampart_engine::spec::routes;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Endpoint, Example, Finding, Proof, Rule, Severity};

pub struct DebugRoutes;

static RULE: Rule = Rule {
    id: "INV-006",
    title: "Debug mode lists the API's routes",
    category: Category::Inventory,
    severity: Severity::Medium,
    cwe: &[489, 215],
    owasp: OWASP,
    summary: "The framework runs in debug mode: its page for a path that does not exist lists every route of the application, and its error pages show tracebacks, settings and source. An attacker gets the complete map of the API, hidden and administrative operations included.",
    remediation: "Turn debug mode off in every deployed environment (Django `DEBUG = False`, Rails `config.consider_all_requests_local = false` outside development) and answer unknown paths with a plain 404.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa9-improper-inventory-management/",
        "https://docs.djangoproject.com/en/stable/ref/settings/#debug",
        "https://cwe.mitre.org/data/definitions/489.html",
    ],
    needs: &[],
    variants: &["django", "rails"],
    examples: &[Example {
        endpoint: "GET /rampart-2b7e4c19",
        variant: Some("django"),
        instance: None,
        confidence: Confidence::Confirmed,
        description: "A path that does not exist (/rampart-2b7e4c19) answered 404 with Django's debug page, which lists 5 routes of the application: /admin/, /api/v1/orders/, /api/v1/orders/{pk}/, /api/v1/users/, /api/v1/internal/reindex/.",
        evidence: &[Proof {
            request: "GET /rampart-2b7e4c19",
            headers: &[],
            body: None,
            status: 404,
            response_headers: &["Content-Type: text/html; charset=utf-8"],
            response_body: "<p>Using the URLconf defined in <code>shop.urls</code>, Django tried these URL patterns, in this order:</p>\n<ol><li><code>admin/</code></li><li><code>api/v1/orders/</code></li><li><code>api/v1/orders/&lt;int:pk&gt;/</code></li>…</ol>",
            note: "a random path: Django's debug 404 page with the route list",
        }],
    }],
};

/// Routes named in the description.
const SHOWN: usize = 12;

#[async_trait]
impl Check for DebugRoutes {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        1
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let target = &ctx.config.target;
        let url = random_path(target, &format!("{}x", target.path()));
        let Some(resp) = send_or_skip(ctx, &anon_get(url.clone())).await? else {
            return Ok(Outcome::Inconclusive(format!("GET {url} did not answer")));
        };
        let Some((framework, listed)) = routes::listed(&resp.text()).filter(|_| resp.status == 404) else {
            return Ok(Outcome::Findings(Vec::new()));
        };
        let shown: Vec<&str> = listed.iter().take(SHOWN).map(String::as_str).collect();
        let more = match listed.len().saturating_sub(SHOWN) {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        let description = format!(
            "A path that does not exist ({}) answered 404 with {framework}'s debug page, which lists {} routes of the application: {}{more}.",
            url.path(),
            listed.len(),
            shown.join(", "),
        );
        let endpoint = Endpoint {
            method: "GET".into(),
            url: url.to_string(),
        };
        let evidence = resp.exchange.noted(format!(
            "a random path: {framework}'s debug 404 page with the route list"
        ));
        Ok(Outcome::Findings(vec![
            Finding::new(&RULE, Confidence::Confirmed, endpoint, description)
                .with_variant(&framework.to_ascii_lowercase())
                .with_evidence(vec![evidence]),
        ]))
    }
}
