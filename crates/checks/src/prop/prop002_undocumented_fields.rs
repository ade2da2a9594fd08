//! PROP-002: responses carry properties the spec's response schema does not
//! declare (passive, one finding per operation; needs a spec).

use super::OWASP;
use crate::web;
use async_trait::async_trait;
use rampart_engine::http::Response;
use rampart_engine::inventory::ResponseShape;
use rampart_engine::{Check, Context, Error, Outcome, ScanConfig};
use rampart_model::{Category, Confidence, Example, Proof, Rule, Severity};

pub struct UndocumentedFields;

static RULE: Rule = Rule {
    id: "PROP-002",
    title: "Response fields beyond the documented schema",
    category: Category::PropertyAuthorization,
    severity: Severity::Low,
    cwe: &[213],
    owasp: OWASP,
    summary: "The API returns properties its own description does not declare. Undocumented fields are usually internal data that leaked through a serializer nobody reviewed.",
    remediation: "Return exactly the documented response model (e.g. response_model / serializer fields / DTOs) so new internal fields cannot leak, and keep the spec in sync.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/",
        "https://cwe.mitre.org/data/definitions/213.html",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v1/me",
        variant: None,
        instance: None,
        confidence: Confidence::Firm,
        description: "GET /api/v1/me answered 200 with properties its documented 200 response does not declare: internal_notes, stripe_customer_id, tenant_id.",
        evidence: &[Proof {
            request: "GET /api/v1/me",
            headers: &["Authorization: Bearer [redacted]"],
            body: None,
            status: 200,
            response_headers: &["Content-Type: application/json"],
            response_body: r#"{"id":1,"username":"alice","email":"alice@example.com","tenant_id":7,"stripe_customer_id":"cus_Q3x8[redacted]","internal_notes":"VIP, manual review"}"#,
            note: "the response and its undocumented properties",
        }],
    }],
};

/// Undocumented properties listed per finding.
const SHOWN: usize = 10;

#[async_trait]
impl Check for UndocumentedFields {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, _: &ScanConfig) -> u64 {
        0
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        if !ctx.inventory.from_spec() {
            return Ok(Outcome::NotApplicable(
                "needs a spec (--spec) that documents response schemas".into(),
            ));
        }
        let mut findings = Vec::new();
        let mut compared = 0;
        for s in ctx.survey {
            let Some(op) = ctx.inventory.endpoints.get(s.endpoint) else {
                continue;
            };
            let answer = s
                .authed
                .iter()
                .chain(s.anon.iter())
                .find(|r| (200..300).contains(&r.status));
            let Some(resp) = answer else { continue };
            let Some(shape) = shape_for(&op.responses, resp.status) else {
                continue;
            };
            let Some(documented) = &shape.properties else { continue };
            compared += usize::from(web::json(resp).is_some());
            let extra = undocumented(resp, documented);
            if extra.is_empty() {
                continue;
            }
            let more = extra.len().saturating_sub(SHOWN);
            let description = format!(
                "{} answered {} with properties its documented {} response does not declare: {}{}.",
                op.label(),
                resp.status,
                shape.status,
                extra.iter().take(SHOWN).cloned().collect::<Vec<_>>().join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            );
            let evidence = resp
                .exchange
                .clone()
                .noted("the response and its undocumented properties");
            findings.push(web::finding(&RULE, Confidence::Firm, op, description).with_evidence(vec![evidence]));
        }
        if compared == 0 {
            return Ok(Outcome::NotApplicable(
                "no JSON answer has a documented response schema".into(),
            ));
        }
        Ok(Outcome::Findings(findings))
    }
}

/// The documented shape for `status`: the exact code, else `2XX`, else the first 2xx.
fn shape_for(shapes: &[ResponseShape], status: u16) -> Option<&ResponseShape> {
    let code = status.to_string();
    shapes
        .iter()
        .find(|s| s.status == code)
        .or_else(|| shapes.iter().find(|s| s.status.eq_ignore_ascii_case("2xx")))
        .or_else(|| shapes.iter().find(|s| s.status.starts_with('2')))
}

/// Properties of the JSON answer the schema does not declare. Below an undeclared or free-form
/// property nothing more is reported.
fn undocumented(resp: &Response, documented: &[String]) -> Vec<String> {
    let Some(value) = web::json(resp) else {
        return Vec::new();
    };
    let mut extra: Vec<String> = Vec::new();
    for key in web::keys(&value) {
        if documented.contains(&key) {
            continue;
        }
        let parent = key.rsplit_once('.').map(|(p, _)| p);
        let parent_described = match parent {
            None => true,
            Some(p) => documented.iter().any(|d| d.starts_with(&format!("{p}."))),
        };
        if parent_described && !extra.iter().any(|e| key.starts_with(&format!("{e}."))) {
            extra.push(key);
        }
    }
    extra
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_model::Exchange;

    fn resp(body: &str) -> Response {
        Response {
            status: 200,
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
            truncated: false,
            exchange: Exchange::default(),
        }
    }

    fn doc(props: &[&str]) -> Vec<String> {
        props.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn lists_only_the_topmost_undeclared_properties() {
        let documented = doc(&["id", "username", "address", "address.city", "meta"]);
        let body = r#"{"id":1,"username":"a","internal_notes":"x","address":{"city":"c","geo":{"lat":1}},"meta":{"any":1},"extra":{"deep":1}}"#;
        assert_eq!(
            undocumented(&resp(body), &documented),
            ["address.geo", "extra", "internal_notes"]
        );
        assert!(undocumented(&resp(r#"{"id":1,"username":"a"}"#), &documented).is_empty());
        assert_eq!(
            undocumented(&resp(r#"[{"id":1,"secret":2}]"#), &doc(&["id"])),
            ["secret"]
        );
        assert!(undocumented(&resp("not json"), &documented).is_empty());
    }

    #[test]
    fn picks_the_documented_status() {
        let shape = |s: &str| ResponseShape {
            status: s.into(),
            properties: None,
            is_array: false,
        };
        let shapes = [shape("201"), shape("200"), shape("default")];
        assert_eq!(shape_for(&shapes, 200).unwrap().status, "200");
        assert_eq!(shape_for(&shapes, 204).unwrap().status, "201");
        assert!(
            shape_for(&[shape("default")], 200).is_none(),
            "an error default is no 2xx schema"
        );
    }
}
