//! Firestore over the REST API v1, read-only: documents are fetched by id or
//! found with a bounded structured query, every request has a timeout and a
//! capped body. `firestore://PROJECT?emulator=HOST:PORT&collection=sessions&database=(default)`.

use crate::{ExpiryAudit, Fact, InspectError, Location, Record, expiry_field, sha256_hex, user_field};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const TIMEOUT: Duration = Duration::from_secs(10);
/// Largest response body read.
const MAX_BODY: usize = 4 << 20;
/// Documents per page and most documents read when auditing the collection.
const PAGE: usize = 300;
const MAX_DOCS: usize = 3_000;
/// Fields that may hold the token when it is not the document id.
const TOKEN_FIELDS: [&str; 5] = ["token", "session_id", "sid", "key", "id"];
/// The emulator treats this bearer token as an administrator (rules bypassed).
const EMULATOR_OWNER: &str = "owner";

pub struct FsInspector {
    http: reqwest::Client,
    /// `…/v1/projects/P/databases/D/documents`
    base: String,
    collection: String,
    bearer: String,
}

type Doc = serde_json::Map<String, Value>;

impl FsInspector {
    /// Parse `url`, then check that the project answers by listing one document of the collection.
    pub async fn connect(url: &str) -> Result<FsInspector, InspectError> {
        let parsed = url::Url::parse(url).map_err(|e| InspectError(format!("bad store URL: {e}")))?;
        let project = parsed
            .host_str()
            .filter(|h| !h.is_empty() && parsed.scheme() == "firestore");
        let project = project.ok_or_else(|| InspectError(format!("'{url}' is not a firestore://PROJECT URL")))?;
        let (mut emulator, mut collection, mut database) = (None, "sessions".to_string(), "(default)".to_string());
        for (k, v) in parsed.query_pairs() {
            match k.as_ref() {
                "emulator" => emulator = Some(v.into_owned()),
                "collection" => collection = v.trim_matches('/').to_string(),
                "database" => database = v.into_owned(),
                other => return Err(InspectError(format!("unknown firestore URL parameter '{other}'"))),
            }
        }
        let (origin, bearer) = match emulator {
            Some(host) => (format!("http://{host}"), EMULATOR_OWNER.to_string()),
            None => {
                let token = std::env::var("RAMPART_FIRESTORE_TOKEN").map_err(|_| {
                    InspectError("set RAMPART_FIRESTORE_TOKEN to an OAuth access token that can read Firestore".into())
                })?;
                ("https://firestore.googleapis.com".to_string(), token)
            }
        };
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .build()
            .map_err(|e| InspectError(format!("HTTP client: {e}")))?;
        let base = format!("{origin}/v1/projects/{project}/databases/{database}/documents");
        let fs = FsInspector {
            http,
            base,
            collection,
            bearer,
        };
        let (status, body) = fs.get(&format!("{}?pageSize=1", fs.collection_url()), true).await?;
        check(status, &body, &fs.collection_url())?;
        Ok(fs)
    }

    /// Look for session documents in `collection` instead (`--store-table`); it must answer.
    pub async fn restrict(mut self, collection: &str) -> Result<FsInspector, InspectError> {
        self.collection = collection.trim_matches('/').to_string();
        let (status, body) = self.get(&format!("{}?pageSize=1", self.collection_url()), true).await?;
        check(status, &body, &self.collection_url())?;
        Ok(self)
    }

    fn collection_url(&self) -> String {
        format!("{}/{}", self.base, self.collection)
    }

    fn doc_url(&self, id: &str) -> String {
        format!("{}/{}", self.collection_url(), encode(id))
    }

    /// Find the session document by id (verbatim or SHA-256 hex), then by a token-like field.
    pub async fn locate(&self, token: &str) -> Result<Option<Location>, InspectError> {
        let hash = sha256_hex(token);
        for (key, hashed) in [(token, false), (hash.as_str(), true)] {
            if let Some(doc) = self.by_id(key).await? {
                return Ok(Some(self.location(&doc, "__name__", hashed)));
            }
        }
        for field in TOKEN_FIELDS {
            for (key, hashed) in [(token, false), (hash.as_str(), true)] {
                if let Some(doc) = self.by_field(field, key).await? {
                    return Ok(Some(self.location(&doc, field, hashed)));
                }
            }
        }
        Ok(None)
    }

    fn location(&self, doc: &Doc, token_field: &str, hashed: bool) -> Location {
        let fields: Vec<(String, String)> = fields_of(doc).map(|(name, v)| (name.clone(), value_type(v))).collect();
        Location {
            container: self.collection.clone(),
            token_field: token_field.to_string(),
            hashed,
            user_field: user_field(&fields),
            expiry_field: expiry_field(&fields),
            fields,
        }
    }

    async fn by_id(&self, id: &str) -> Result<Option<Doc>, InspectError> {
        if id.is_empty() || id.contains('/') || id == "." || id == ".." || id.len() > 1500 {
            return Ok(None);
        }
        let url = self.doc_url(id);
        let (status, body) = self.get(&url, true).await?;
        if status == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        check(status, &body, &url)?;
        Ok(body.as_object().cloned())
    }

    async fn by_field(&self, field: &str, value: &str) -> Result<Option<Doc>, InspectError> {
        let (parent, collection_id) = match self.collection.rsplit_once('/') {
            Some((parent, id)) => (format!("{}/{parent}", self.base), id),
            None => (self.base.clone(), self.collection.as_str()),
        };
        let query = json!({"structuredQuery": {
            "from": [{"collectionId": collection_id}],
            "where": {"fieldFilter": {"field": {"fieldPath": field}, "op": "EQUAL", "value": {"stringValue": value}}},
            "limit": 1,
        }});
        let url = format!("{parent}:runQuery");
        let request = self
            .http
            .post(&url)
            .bearer_auth(&self.bearer)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(query.to_string());
        let (status, body) = send(request, &url).await?;
        check(status, &body, &url)?;
        let found = body.as_array().into_iter().flatten().find_map(|r| r.get("document"));
        Ok(found.and_then(Value::as_object).cloned())
    }

    /// The session document's fields as text.
    pub async fn record(&self, at: &Location, token: &str) -> Result<Option<Record>, InspectError> {
        let key = if at.hashed {
            sha256_hex(token)
        } else {
            token.to_string()
        };
        let doc = if at.token_field == "__name__" {
            self.by_id(&key).await?
        } else {
            self.by_field(&at.token_field, &key).await?
        };
        Ok(doc.map(|d| fields_of(&d).map(|(k, v)| (k.clone(), as_text(v))).collect()))
    }

    /// Documents without an expiry (missing or null) and already past it; at most 3,000 read.
    pub async fn expiry_audit(&self, at: &Location) -> Result<Option<ExpiryAudit>, InspectError> {
        let Some(expiry) = at.expiry_field.as_deref() else {
            return Ok(None);
        };
        let now = OffsetDateTime::now_utc();
        let mut audit = ExpiryAudit::default();
        for doc in self.documents().await? {
            audit.rows += 1;
            match fields_of(&doc).find(|(k, _)| *k == expiry).map(|(_, v)| v) {
                None => audit.without_expiry += 1,
                Some(v) if v.get("nullValue").is_some() => audit.without_expiry += 1,
                Some(v) if instant(v).is_some_and(|t| t < now) => audit.already_expired += 1,
                Some(_) => {}
            }
        }
        Ok(Some(audit))
    }

    /// Tokens (document ids or token-field values) of documents past their expiry; none for hashed stores.
    pub async fn expired_tokens(&self, at: &Location, limit: i64) -> Result<Vec<String>, InspectError> {
        let Some(expiry) = at.expiry_field.as_deref().filter(|_| !at.hashed) else {
            return Ok(Vec::new());
        };
        let now = OffsetDateTime::now_utc();
        let limit = usize::try_from(limit).unwrap_or(0);
        let docs = self.documents().await?;
        let has_user = |doc: &&serde_json::Map<String, serde_json::Value>| match at.user_field.as_deref() {
            Some(user) => fields_of(doc)
                .find(|(k, _)| *k == user)
                .and_then(|(_, v)| as_text(v))
                .is_some(),
            None => true,
        };
        let expired = docs.iter().filter(|doc| {
            let at_expiry = fields_of(doc).find(|(k, _)| *k == expiry);
            at_expiry.and_then(|(_, v)| instant(v)).is_some_and(|t| t < now)
        });
        let expired = expired.filter(has_user);
        let tokens = expired.filter_map(|doc| {
            if at.token_field == "__name__" {
                doc.get("name")?.as_str()?.rsplit('/').next().map(str::to_string)
            } else {
                as_text(fields_of(doc).find(|(k, _)| **k == at.token_field)?.1)
            }
        });
        Ok(tokens.take(limit).collect())
    }

    /// Can an unauthenticated client read or list session documents?
    pub async fn facts(&self, _at: &Location) -> Result<Vec<Fact>, InspectError> {
        let list = format!("{}?pageSize=1", self.collection_url());
        let (status, body) = self.get(&list, false).await?;
        let listed = status.is_success()
            && body
                .get("documents")
                .and_then(Value::as_array)
                .is_some_and(|d| !d.is_empty());
        let mut read = None;
        if !listed {
            let (status, body) = self.get(&list, true).await?;
            check(status, &body, &list)?;
            let first = body.pointer("/documents/0/name").and_then(Value::as_str);
            if let Some(id) = first.and_then(|n| n.rsplit('/').next()) {
                let (status, body) = self.get(&self.doc_url(id), false).await?;
                read = (status.is_success() && body.get("name").is_some()).then(|| self.describe_get());
            }
        }
        let (detail, query) = match (listed, read) {
            (true, _) => ("listable", format!("GET {list}")),
            (false, Some(q)) => ("readable", q),
            (false, None) => return Ok(Vec::new()),
        };
        Ok(vec![Fact {
            id: "firestore-anonymous-read",
            detail: format!(
                "session documents in the `{}` collection are {detail} without credentials (security rules allow unauthenticated reads)",
                self.collection
            ),
            query,
        }])
    }

    fn describe_get(&self) -> String {
        format!("GET {}/{{id}}", self.collection_url())
    }

    /// The REST call that reads a session document, with the token shown as a placeholder.
    pub fn describe_lookup(&self, at: &Location) -> String {
        if at.token_field == "__name__" {
            self.describe_get()
        } else {
            format!(
                "POST {}:runQuery (from {} where {} == {{token}}, limit 1)",
                self.base, self.collection, at.token_field
            )
        }
    }

    /// Up to `MAX_DOCS` documents of the collection, in pages.
    async fn documents(&self) -> Result<Vec<Doc>, InspectError> {
        let mut docs = Vec::new();
        let mut page_token: Option<String> = None;
        while docs.len() < MAX_DOCS {
            let mut url = format!("{}?pageSize={PAGE}", self.collection_url());
            if let Some(t) = &page_token {
                url.push_str(&format!("&pageToken={}", encode(t)));
            }
            let (status, body) = self.get(&url, true).await?;
            check(status, &body, &url)?;
            let page = body.get("documents").and_then(Value::as_array).into_iter().flatten();
            docs.extend(page.filter_map(Value::as_object).cloned());
            page_token = body.get("nextPageToken").and_then(Value::as_str).map(str::to_string);
            if page_token.is_none() {
                break;
            }
        }
        docs.truncate(MAX_DOCS);
        Ok(docs)
    }

    async fn get(&self, url: &str, authorized: bool) -> Result<(StatusCode, Value), InspectError> {
        let request = self.http.get(url);
        let request = if authorized {
            request.bearer_auth(&self.bearer)
        } else {
            request
        };
        send(request, url).await
    }
}

async fn send(request: reqwest::RequestBuilder, url: &str) -> Result<(StatusCode, Value), InspectError> {
    let mut response = request.send().await.map_err(|e| transport(&e, url))?;
    let status = response.status();
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| transport(&e, url))? {
        if bytes.len() + chunk.len() > MAX_BODY {
            return Err(InspectError(format!("Firestore answer from {url} exceeds 4 MiB")));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok((status, serde_json::from_slice(&bytes).unwrap_or(Value::Null)))
}

/// A one-line error for anything but success: the server's own message when it sends one.
fn check(status: StatusCode, body: &Value, url: &str) -> Result<(), InspectError> {
    if status.is_success() {
        return Ok(());
    }
    let message = body.pointer("/error/message").and_then(Value::as_str).unwrap_or("");
    let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
    let what = match status {
        StatusCode::UNAUTHORIZED => "the credentials were rejected",
        StatusCode::FORBIDDEN => "permission denied: the credentials cannot read the collection",
        StatusCode::NOT_FOUND => "project, database or collection not found",
        _ => "unexpected answer",
    };
    Err(InspectError(
        format!("Firestore {what} ({status}) at {url}: {message}")
            .trim_end_matches([' ', ':'])
            .to_string(),
    ))
}

fn transport(err: &reqwest::Error, url: &str) -> InspectError {
    if err.is_timeout() {
        return InspectError(format!("Firestore gave no answer within 10 s at {url}"));
    }
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(inner) = source {
        text = inner.to_string();
        source = inner.source();
    }
    InspectError(format!("cannot reach Firestore at {url}: {text}"))
}

fn fields_of(doc: &Doc) -> impl Iterator<Item = (&String, &Value)> {
    doc.get("fields").and_then(Value::as_object).into_iter().flatten()
}

/// `stringValue` → `string`.
fn value_type(v: &Value) -> String {
    let key = v
        .as_object()
        .and_then(|o| o.keys().next())
        .map_or("unknown", String::as_str);
    key.strip_suffix("Value").unwrap_or(key).to_string()
}

fn as_text(v: &Value) -> Option<String> {
    let (key, inner) = v.as_object()?.iter().next()?;
    match (key.as_str(), inner) {
        ("nullValue", _) => None,
        ("stringValue" | "integerValue" | "timestampValue", Value::String(s)) => Some(s.clone()),
        ("booleanValue", b) => Some(b.to_string()),
        (_, other) => Some(other.to_string()),
    }
}

/// A timestamp (or RFC 3339 string) value as an instant.
fn instant(v: &Value) -> Option<OffsetDateTime> {
    let text = v.get("timestampValue").or_else(|| v.get("stringValue"))?.as_str()?;
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

/// Percent-encode everything but RFC 3986 unreserved characters.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
