//! The twelve scoring categories, aligned with the OWASP API Security Top 10 (2023).

use serde::{Deserialize, Serialize};
use std::fmt;

/// A scoring category. The display name is the key used in reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Category {
    #[serde(rename = "Authentication")]
    Authentication,
    #[serde(rename = "BOLA / IDOR")]
    Bola,
    #[serde(rename = "BFLA / Privilege Escalation")]
    Bfla,
    #[serde(rename = "Property Authorization")]
    PropertyAuthorization,
    #[serde(rename = "Input Validation")]
    InputValidation,
    #[serde(rename = "Rate Limiting & Resource Consumption")]
    RateLimiting,
    #[serde(rename = "Data Exposure")]
    DataExposure,
    #[serde(rename = "Encryption")]
    Encryption,
    #[serde(rename = "SSRF")]
    Ssrf,
    #[serde(rename = "Inventory Management")]
    Inventory,
    #[serde(rename = "Unsafe Consumption")]
    UnsafeConsumption,
    #[serde(rename = "LLM / AI Security")]
    Llm,
}

impl Category {
    /// Every category, in report order.
    pub const ALL: [Category; 12] = [
        Category::Authentication,
        Category::Bola,
        Category::Bfla,
        Category::PropertyAuthorization,
        Category::InputValidation,
        Category::RateLimiting,
        Category::DataExposure,
        Category::Encryption,
        Category::Ssrf,
        Category::Inventory,
        Category::UnsafeConsumption,
        Category::Llm,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Category::Authentication => "Authentication",
            Category::Bola => "BOLA / IDOR",
            Category::Bfla => "BFLA / Privilege Escalation",
            Category::PropertyAuthorization => "Property Authorization",
            Category::InputValidation => "Input Validation",
            Category::RateLimiting => "Rate Limiting & Resource Consumption",
            Category::DataExposure => "Data Exposure",
            Category::Encryption => "Encryption",
            Category::Ssrf => "SSRF",
            Category::Inventory => "Inventory Management",
            Category::UnsafeConsumption => "Unsafe Consumption",
            Category::Llm => "LLM / AI Security",
        }
    }

    /// Short lowercase name accepted by `--checks` (e.g. `session` selects the session rules).
    pub fn slug(self) -> &'static str {
        match self {
            Category::Authentication => "auth",
            Category::Bola => "bola",
            Category::Bfla => "bfla",
            Category::PropertyAuthorization => "prop",
            Category::InputValidation => "input",
            Category::RateLimiting => "rate",
            Category::DataExposure => "data",
            Category::Encryption => "crypto",
            Category::Ssrf => "ssrf",
            Category::Inventory => "inv",
            Category::UnsafeConsumption => "consume",
            Category::Llm => "llm",
        }
    }

    /// Weight in the overall score (DESIGN.md, "Scoring").
    pub fn weight(self) -> f64 {
        match self {
            Category::Authentication => 20.0,
            Category::Bola => 15.0,
            Category::Bfla => 10.0,
            Category::DataExposure => 10.0,
            Category::PropertyAuthorization => 8.0,
            Category::InputValidation => 8.0,
            Category::Encryption => 8.0,
            Category::RateLimiting => 6.0,
            Category::Ssrf => 5.0,
            Category::Inventory => 4.0,
            Category::UnsafeConsumption => 3.0,
            Category::Llm => 3.0,
        }
    }

    /// OWASP API Security Top 10 (2023) id most categories map to.
    pub fn owasp(self) -> &'static str {
        match self {
            Category::Authentication => "API2:2023",
            Category::Bola => "API1:2023",
            Category::Bfla => "API5:2023",
            Category::PropertyAuthorization => "API3:2023",
            Category::InputValidation => "API8:2023",
            Category::RateLimiting => "API4:2023",
            Category::DataExposure => "API3:2023",
            Category::Encryption => "API8:2023",
            Category::Ssrf => "API7:2023",
            Category::Inventory => "API9:2023",
            Category::UnsafeConsumption => "API10:2023",
            Category::Llm => "API10:2023",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_sum_to_one_hundred() {
        let total: f64 = Category::ALL.iter().map(|c| c.weight()).sum();
        assert_eq!(total, 100.0);
    }

    #[test]
    fn serde_name_matches_display_name() {
        for c in Category::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.name());
        }
    }
}
