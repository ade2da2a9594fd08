//! Input Validation (INPUT-001 … INPUT-008): cross-origin policy (CORS
//! reflection, the null origin, wildcards), TRACE, methods the API
//! description does not declare, exposed debug endpoints, and injection (SQL,
//! OS commands) proven by difference.

mod cors;
mod debug;
mod delay;
mod input001_cors_reflect;
mod input002_cors_null;
mod input003_cors_wildcard;
mod input004_trace;
mod input005_methods;
mod input006_debug;
mod input007_sql_injection;
mod input008_command_injection;
mod sql;

pub use debug::debug_content;
pub use input001_cors_reflect::CorsReflectsOrigin;
pub use input002_cors_null::CorsNullOrigin;
pub use input003_cors_wildcard::CorsWildcard;
pub use input004_trace::TraceEnabled;
pub use input005_methods::UndeclaredMethods;
pub use input006_debug::DebugEndpoint;
pub use input007_sql_injection::SqlInjection;
pub use input008_command_injection::CommandInjection;

pub(crate) const OWASP: &str = "API8:2023";
