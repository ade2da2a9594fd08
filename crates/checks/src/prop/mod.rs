//! Property Authorization (PROP-001 … PROP-003, OWASP API3:2023): sensitive
//! or undocumented properties in responses, and read-only properties that a
//! write accepts (mass assignment).

mod prop001_sensitive_fields;
mod prop002_undocumented_fields;
mod prop003_mass_assignment;

pub use prop001_sensitive_fields::SensitiveFields;
pub use prop002_undocumented_fields::UndocumentedFields;
pub use prop003_mass_assignment::MassAssignment;

pub(crate) const OWASP: &str = "API3:2023";
