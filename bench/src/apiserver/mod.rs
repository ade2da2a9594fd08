//! A fast loopback API for throughput benchmarks: `n` generated operations
//! (mostly `GET` with a path id and query parameters, some `POST`), its own
//! OpenAPI 3.0 document, small JSON answers and the usual security headers.

mod app;
mod openapi;
mod tally;

pub use app::router;
pub use openapi::document;

/// Nouns the generated resources are named after (a number is appended after the first round).
const NOUNS: &str = "widgets orders invoices customers products shipments tickets projects accounts devices \
                     sensors reports teams members payments refunds carts reviews coupons warehouses vendors \
                     contracts licenses assets";

/// What one generated operation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `GET /api/v1/{res}/{id}?fields=`: one resource.
    Item,
    /// `GET /api/v1/{res}?limit=&offset=&q=`: a page of resources.
    List,
    /// `GET /api/v1/{res}/{id}/events?since=&limit=`: a resource's history.
    Events,
    /// `POST /api/v1/{res}` with a JSON body: create one.
    Create,
}

/// One operation of the generated API.
#[derive(Debug, Clone)]
pub struct Op {
    pub kind: Kind,
    /// The resource's collection name, e.g. `widgets` or `widgets3`.
    pub resource: String,
}

impl Op {
    /// The HTTP method, as the OpenAPI document spells it.
    pub fn method(&self) -> &'static str {
        match self.kind {
            Kind::Create => "post",
            _ => "get",
        }
    }

    /// The path template (`{id}` for the path parameter), as axum and OpenAPI both write it.
    pub fn path(&self) -> String {
        match self.kind {
            Kind::Item => format!("/api/v1/{}/{{id}}", self.resource),
            Kind::List | Kind::Create => format!("/api/v1/{}", self.resource),
            Kind::Events => format!("/api/v1/{}/{{id}}/events", self.resource),
        }
    }

    /// A concrete URL path and query for this operation (GETs only), from the document's examples.
    pub fn example_target(&self) -> String {
        let path = self.path().replace("{id}", "42");
        match self.kind {
            Kind::Item => format!("{path}?fields=id,name"),
            Kind::List => format!("{path}?limit=20&offset=0&q=blue"),
            Kind::Events => format!("{path}?since=2024-01-01T00:00:00Z&limit=10"),
            Kind::Create => path,
        }
    }
}

/// `n` operations: four per resource (item, list, events, create), so three in four are `GET`.
pub fn operations(n: usize) -> Vec<Op> {
    const KINDS: [Kind; 4] = [Kind::Item, Kind::List, Kind::Events, Kind::Create];
    let nouns: Vec<&str> = NOUNS.split_whitespace().collect();
    (0..n)
        .map(|i| {
            let r = i / KINDS.len();
            let (round, noun) = (r / nouns.len(), nouns[r % nouns.len()]);
            Op {
                kind: KINDS[i % KINDS.len()],
                resource: if round == 0 {
                    noun.to_string()
                } else {
                    format!("{noun}{round}")
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn operations_are_distinct_and_mostly_get() {
        let ops = operations(1000);
        let keys: HashSet<_> = ops.iter().map(|o| (o.method(), o.path())).collect();
        assert_eq!(keys.len(), 1000);
        assert_eq!(ops.iter().filter(|o| o.method() == "get").count(), 750);
    }
}
