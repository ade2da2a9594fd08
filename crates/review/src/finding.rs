//! Review findings share the black-box suite's rules: ids, titles, severities and fixes.

use rampart_model::Rule;

/// The registry's rule with `id`: review findings share the black-box suite's ids.
pub fn rule(id: &str) -> &'static Rule {
    rampart_checks::CHECKS
        .iter()
        .map(|c| c.rule())
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("review rule {id} is not in the registry"))
}
