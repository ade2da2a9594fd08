//! Rate Limiting & Resource Consumption (RATE-001 … RATE-004): a burst that
//! meets no limit, list endpoints without a page size, page sizes without a
//! cap, and oversized answers.

mod list;
mod rate001_no_limit;
mod rate002_unbounded_list;
mod rate003_page_size;
mod rate004_oversized;

pub use list::{PAGE_PARAMS, items, page_param};
pub use rate001_no_limit::NoRateLimit;
pub use rate002_unbounded_list::UnboundedList;
pub use rate003_page_size::UncappedPageSize;
pub use rate004_oversized::OversizedResponse;

pub(crate) const OWASP: &str = "API4:2023";
