//! The endpoint inventory checks iterate: from an OpenAPI/Swagger document
//! (`--spec`) or, without one, from the target URL and a bounded discovery of
//! well-known paths.

use url::Url;

/// Where the inventory came from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Source {
    /// The target URL and discovery only.
    #[default]
    Discovery,
    /// A spec document: its location and version string (`3.1.0`, `2.0`).
    Spec { location: String, version: String },
}

/// Every operation rampart knows about, plus what discovery found.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    pub source: Source,
    pub endpoints: Vec<Endpoint>,
    /// Security schemes the spec declares, by name.
    pub schemes: Vec<SecurityScheme>,
    /// Well-known documents that answered during discovery (spec, docs UI, health, debug).
    pub documents: Vec<Document>,
}

/// One operation: a method on a path template.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    pub method: String,
    /// The path template as the spec writes it, with the server's base path (`/api/v1/users/{id}`).
    pub path: String,
    /// A concrete URL: path parameters and required query parameters filled with example values.
    pub url: Url,
    pub operation_id: Option<String>,
    pub summary: Option<String>,
    pub tags: Vec<String>,
    pub params: Vec<Param>,
    /// The JSON request body example synthesised from the schema, if the operation takes one.
    pub body: Option<Body>,
    pub security: Security,
    pub deprecated: bool,
    /// Documented 2xx response shapes.
    pub responses: Vec<ResponseShape>,
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    Header,
    Cookie,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    pub location: Location,
    pub required: bool,
    /// Schema type (`integer`, `string`…), when declared.
    pub kind: Option<String>,
    /// Schema format (`uri`, `uuid`, `int64`…), when declared.
    pub format: Option<String>,
    /// The value rampart sends: the spec's example, the first enum value, or one synthesised from type and format.
    pub example: String,
}

/// A request body rampart could send (only under `--active` for writing methods).
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub content_type: String,
    pub example: serde_json::Value,
    /// Every property name of the request schema, dotted for nested objects (`address.city`).
    pub properties: Vec<String>,
    /// Properties the schema marks `readOnly`.
    pub read_only: Vec<String>,
    /// Properties that take URLs (format `uri`/`url`, or a URL-like name).
    pub url_fields: Vec<String>,
    /// A crawled form's per-view anti-CSRF field, refreshed before every send.
    pub token: Option<crate::http::FormToken>,
}

/// The authentication an operation declares.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Security {
    /// No spec, or the spec says nothing.
    #[default]
    Unknown,
    /// Declared explicitly empty (`security: []`): public.
    None,
    /// Any one of these requirement sets; each names schemes and their scopes.
    Required(Vec<Vec<(String, Vec<String>)>>),
}

impl Security {
    pub fn is_required(&self) -> bool {
        matches!(self, Security::Required(alts) if !alts.is_empty())
    }

    /// Every scope any requirement asks for.
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        let alts: &[Vec<(String, Vec<String>)>] = match self {
            Security::Required(alts) => alts,
            _ => &[],
        };
        alts.iter()
            .flatten()
            .flat_map(|(_, scopes)| scopes.iter().map(String::as_str))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityScheme {
    pub name: String,
    /// `http`, `apiKey`, `oauth2`, `openIdConnect` (Swagger 2.0 `basic` becomes `http`).
    pub kind: String,
    /// `bearer`/`basic` for http schemes.
    pub scheme: Option<String>,
    /// Header, query or cookie name for apiKey schemes.
    pub param: Option<(Location, String)>,
}

/// A documented response of one status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseShape {
    pub status: String,
    /// Property names of the response schema (dotted for nested objects, array items
    /// flattened); `None` when the schema is free-form or absent.
    pub properties: Option<Vec<String>>,
    pub is_array: bool,
}

/// What answered during discovery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub url: Url,
    pub kind: DocumentKind,
    pub status: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    Spec,
    DocsUi,
    Health,
    Debug,
    Admin,
    Other,
}

impl Inventory {
    /// The inventory of a target known only by its URL: `GET /` of it.
    pub fn root(target: &Url) -> Inventory {
        Inventory {
            endpoints: vec![Endpoint::get(target.clone())],
            ..Inventory::default()
        }
    }

    pub fn from_spec(&self) -> bool {
        matches!(self.source, Source::Spec { .. })
    }

    /// The endpoints a safe scan may send as they are.
    pub fn safe(&self) -> impl Iterator<Item = &Endpoint> {
        self.endpoints.iter().filter(|e| e.is_safe())
    }
}

impl Endpoint {
    /// A bare `GET url` endpoint with nothing declared.
    pub fn get(url: Url) -> Endpoint {
        Endpoint {
            method: "GET".into(),
            path: url.path().to_string(),
            url,
            operation_id: None,
            summary: None,
            tags: Vec::new(),
            params: Vec::new(),
            body: None,
            security: Security::Unknown,
            deprecated: false,
            responses: Vec::new(),
        }
    }

    /// GET, HEAD and OPTIONS never write.
    pub fn is_safe(&self) -> bool {
        crate::http::is_safe_method(&self.method)
    }

    /// `METHOD /path/template`, for titles and evidence notes.
    pub fn label(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}
