//! INPUT-007: SQL injection, proven by difference.
//!
//! Each path, query and body (JSON or form) input is first sent twice with its normal
//! value (the baseline, and whether the answer is stable). Error-based: a `'`
//! appended makes the answer carry a database error that the escaped `''`
//! (control) does not, and again on a repeat. Boolean: a suffix that keeps the
//! SQL condition true answers like the baseline while one that makes it false
//! answers differently, both twice. Time-based, where neither shows: a
//! database sleep appended (`pg_sleep`, `SLEEP`, `WAITFOR DELAY`) slows the
//! answer by its seconds, a zero-second one does not, a longer one slows it
//! more (see `delay`). Writing operations only under `--active`.

use super::OWASP;
use super::delay::{Clock, PER_PAYLOAD, Timed};
use super::sql::{Pair, database_error, pairs, same, sleeps};
use crate::inputs::{Input, inputs};
use crate::ssrf::{renewal, try_send};
use async_trait::async_trait;
use rampart_engine::{Check, Context, Error, Outcome, Response, ScanConfig};
use rampart_model::{Category, Confidence, Example, Finding, Proof, Rule, Severity};

pub struct SqlInjection;

static RULE: Rule = Rule {
    id: "INPUT-007",
    title: "SQL injection",
    category: Category::InputValidation,
    severity: Severity::Critical,
    cwe: &[89],
    owasp: OWASP,
    summary: "A parameter's value becomes part of an SQL statement's text. An attacker rewrites the query: reads every table, bypasses login, changes or deletes data, and on some databases runs commands.",
    remediation: "Pass every value as a bound parameter of a prepared statement (`$1`, `?`, `%s` with the driver's parameters, the ORM's filters), never by string formatting or concatenation; for identifiers (column, sort order) map the input to an allow-list. Do not return database errors to clients.",
    references: &[
        "https://owasp.org/www-community/attacks/SQL_Injection",
        "https://cheatsheetseries.owasp.org/cheatsheets/SQL_Injection_Prevention_Cheat_Sheet.html",
        "https://cwe.mitre.org/data/definitions/89.html",
    ],
    needs: &[],
    variants: &[],
    examples: &[Example {
        endpoint: "GET /api/v1/products?q=lamp",
        variant: None,
        instance: Some("q"),
        confidence: Confidence::Confirmed,
        description: "GET /api/v1/products (query parameter `q`): with a `'` appended to its value the answer (500) carries a PostgreSQL error (`psycopg2.errors.SyntaxError: unterminated quoted string at or near \"'\"`); with the quote escaped (`''`) it does not (200), and the `'` gave the error again on a repeat. The value is written into the SQL text unescaped.",
        evidence: &[
            Proof {
                request: "GET /api/v1/products?q=lamp",
                headers: &["Authorization: Bearer [redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: r#"[{"id":"A-100","name":"Desk lamp","price":24.9}]"#,
                note: "baseline: the normal value",
            },
            Proof {
                request: "GET /api/v1/products?q=lamp%27",
                headers: &["Authorization: Bearer [redacted]"],
                body: None,
                status: 500,
                response_headers: &["Content-Type: text/plain; charset=utf-8"],
                response_body: "Internal Server Error\npsycopg2.errors.SyntaxError: unterminated quoted string at or near \"'\"\nLINE 1: ...FROM products WHERE name ILIKE '%lamp'%'",
                note: "probe: `'` appended; PostgreSQL error in the answer",
            },
            Proof {
                request: "GET /api/v1/products?q=lamp%27%27",
                headers: &["Authorization: Bearer [redacted]"],
                body: None,
                status: 200,
                response_headers: &["Content-Type: application/json"],
                response_body: "[]",
                note: "control: `''` appended (an escaped quote); no database error",
            },
            Proof {
                request: "GET /api/v1/products?q=lamp%27",
                headers: &["Authorization: Bearer [redacted]"],
                body: None,
                status: 500,
                response_headers: &["Content-Type: text/plain; charset=utf-8"],
                response_body: "Internal Server Error\npsycopg2.errors.SyntaxError: unterminated quoted string at or near \"'\"\nLINE 1: ...FROM products WHERE name ILIKE '%lamp'%'",
                note: "repeat: `'` appended again; the same error",
            },
        ],
    }],
};

/// Most inputs probed.
const MAX_INPUTS: usize = 12;
/// Requests one input may cost: two baselines, the error probe with its control
/// and repeat, up to three boolean pairs sent twice each, and the time probes'
/// leads with one proof.
const PER_INPUT: u64 = 2 + 3 + 3 * 4 + 5 + PER_PAYLOAD;

#[async_trait]
impl Check for SqlInjection {
    fn rule(&self) -> &'static Rule {
        &RULE
    }

    fn max_requests(&self, config: &ScanConfig) -> u64 {
        MAX_INPUTS as u64 * PER_INPUT + renewal(config)
    }

    async fn run(&self, ctx: &Context<'_>) -> Result<Outcome, Error> {
        let all = inputs(ctx, |_, format, _| format != Some("binary"));
        if all.is_empty() {
            return Ok(Outcome::NotApplicable(
                "no operation takes a path, query or body parameter".into(),
            ));
        }
        let probed: Vec<Input> = all
            .into_iter()
            .filter(|i| i.sendable(ctx.config.active) && i.kind.as_deref() != Some("boolean"))
            .take(MAX_INPUTS)
            .collect();
        if probed.is_empty() {
            return Ok(Outcome::NotApplicable(
                "every parameter belongs to a writing operation: probing them needs --active (and only POSTs that address no existing object are probed)".into(),
            ));
        }
        let auth = ctx.auth_headers().await?;
        let mut findings = Vec::new();
        for input in &probed {
            let probe = Probe {
                ctx,
                input,
                auth: auth.as_deref(),
            };
            findings.extend(probe.run().await?);
        }
        Ok(Outcome::Findings(findings))
    }
}

/// One input under test.
struct Probe<'a, 'c> {
    ctx: &'a Context<'c>,
    input: &'a Input,
    auth: Option<&'a [(String, String)]>,
}

impl Probe<'_, '_> {
    async fn run(&self) -> Result<Option<Finding>, Error> {
        let value = &self.input.value;
        let (Some(base), Some(again)) = (self.send(value).await?, self.send(value).await?) else {
            return Ok(None);
        };
        let errors_anyway = database_error(&base.text()).is_some() || database_error(&again.text()).is_some();
        if !errors_anyway {
            if let Some(found) = self.error_based(&base).await? {
                return Ok(Some(found));
            }
        }
        if same(&base, &again, value, value) {
            for pair in pairs(value, self.input.kind.as_deref()) {
                if let Some(found) = self.boolean(&base, pair).await? {
                    return Ok(Some(found));
                }
            }
        }
        self.time_based(base, again).await
    }

    /// A sleep appended delays the answer by its seconds; a zero-second one does not.
    async fn time_based(&self, first: Response, second: Response) -> Result<Option<Finding>, Error> {
        let clock = Clock::new(self.ctx, self.input, self.auth, first, second);
        let value = &self.input.value;
        for sleep in sleeps(value, self.input.kind.as_deref()) {
            match clock.time(|secs| sleep.payload(value, secs)).await? {
                Timed::NoLead => continue,
                Timed::Refuted => return Ok(None),
                Timed::Proven(delays) => {
                    let description = format!(
                        "{}: the value is read as {} by {}: with `{}` appended the answer takes as long as the sleep asks: {}. The value is written into the SQL text unescaped.",
                        self.input.label(),
                        sleep.context,
                        sleep.engine,
                        sleep.form.replace("{}", "N"),
                        delays.times(),
                    );
                    let sent = |secs: u64| sleep.form.replace("{}", &secs.to_string());
                    return Ok(Some(self.finding(description, delays.evidence(sent))));
                }
            }
        }
        Ok(None)
    }

    /// The input with `value`; `None` when this one request failed.
    async fn send(&self, value: &str) -> Result<Option<Response>, Error> {
        try_send(self.ctx, &self.input.request(value, self.auth)).await
    }

    /// `'` gives a database error, `''` does not, `'` again does.
    async fn error_based(&self, base: &Response) -> Result<Option<Finding>, Error> {
        let quote = format!("{}'", self.input.value);
        let Some(probe) = self.send(&quote).await? else {
            return Ok(None);
        };
        let Some((line, engine)) = database_error(&probe.text()) else {
            return Ok(None);
        };
        let escaped = format!("{}''", self.input.value);
        let Some(control) = self.send(&escaped).await? else {
            return Ok(None);
        };
        if database_error(&control.text()).is_some() {
            return Ok(None);
        }
        let Some(repeat) = self.send(&quote).await? else {
            return Ok(None);
        };
        if database_error(&repeat.text()).is_none() {
            return Ok(None);
        }
        let description = format!(
            "{}: with a `'` appended to its value the answer ({}) carries a {engine} error (`{line}`); with the quote escaped (`''`) it does not ({}), and the `'` gave the error again on a repeat. The value is written into the SQL text unescaped.",
            self.input.label(),
            probe.status,
            control.status,
        );
        let evidence = vec![
            base.exchange.clone().noted("baseline: the normal value"),
            probe
                .exchange
                .noted(format!("probe: `'` appended; {engine} error in the answer")),
            control
                .exchange
                .noted("control: `''` appended (an escaped quote); no database error"),
            repeat.exchange.noted("repeat: `'` appended again; the same error"),
        ];
        Ok(Some(self.finding(description, evidence)))
    }

    /// The true suffix answers like the baseline and the false one does not, twice alike.
    async fn boolean(&self, base: &Response, pair: Pair) -> Result<Option<Finding>, Error> {
        let value = &self.input.value;
        let truthy = format!("{value}{}", pair.truthy);
        let falsy = format!("{value}{}", pair.falsy);
        let Some((yes, no)) = self.round(base, &truthy, &falsy).await? else {
            return Ok(None);
        };
        let Some((_, no_again)) = self.round(base, &truthy, &falsy).await? else {
            return Ok(None);
        };
        if !same(&no, &no_again, &falsy, &falsy) {
            return Ok(None);
        }
        let description = format!(
            "{}: the value is read as {}: `{truthy}` (a condition that is always true) answers exactly like the normal value ({}, {} bytes), while `{falsy}` (always false) answers differently ({}, {} bytes); both held on a repeat. The value is written into the SQL text unescaped.",
            self.input.label(),
            pair.context,
            base.status,
            base.body.len(),
            no.status,
            no.body.len(),
        );
        let evidence = vec![
            base.exchange.clone().noted("baseline: the normal value"),
            yes.exchange.noted(format!(
                "control: the true condition `{}` appended answers like the baseline",
                pair.truthy
            )),
            no.exchange
                .noted(format!("false condition `{}` appended: a different answer", pair.falsy)),
        ];
        Ok(Some(self.finding(description, evidence)))
    }

    /// The true and the false suffix once: both answers when the true one is
    /// the baseline's and the false one is not.
    async fn round(&self, base: &Response, truthy: &str, falsy: &str) -> Result<Option<(Response, Response)>, Error> {
        let value = &self.input.value;
        let Some(yes) = self.send(truthy).await?.filter(|yes| same(base, yes, truthy, value)) else {
            return Ok(None);
        };
        let Some(no) = self.send(falsy).await?.filter(|no| !same(base, no, falsy, value)) else {
            return Ok(None);
        };
        Ok(Some((yes, no)))
    }

    fn finding(&self, description: String, evidence: Vec<rampart_model::Exchange>) -> Finding {
        Finding::new(&RULE, Confidence::Confirmed, self.input.endpoint(), description)
            .with_instance(&self.input.name)
            .with_evidence(evidence)
    }
}
