//! Orders, each owned by one user, and the admin area. The fixed API scopes
//! every order to its owner, names orders and users by random ids, takes only
//! the fields its document declares, and keeps the admin area to
//! administrators; each flaw opens one of those.

use super::routes::{Api, Caller, Shared, refused};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Mutex;

/// The orders the API starts with: owner and item, each one paid.
const SEED: [(&str, &str); 4] = [("alice", "tea"), ("bob", "coffee"), ("alice", "cocoa"), ("bob", "mate")];

/// Most orders kept (bounded memory): beyond it, creating answers 507.
const MAX_ORDERS: usize = 10_000;

#[derive(Clone)]
struct Order {
    id: String,
    /// The owner's user name.
    owner: String,
    item: String,
    quantity: u64,
    status: String,
}

pub struct Orders {
    rows: Mutex<Vec<Order>>,
    sequential: bool,
    next: Mutex<u64>,
}

impl Orders {
    /// Two orders each for Alice and Bob, interleaved, as a live shop has them.
    pub fn seeded(sequential: bool) -> Self {
        let orders = Orders {
            rows: Mutex::default(),
            sequential,
            next: Mutex::new(1),
        };
        for (owner, item) in SEED {
            let id = orders.fresh_id();
            orders.rows.lock().unwrap().push(Order {
                id,
                owner: owner.into(),
                item: item.into(),
                quantity: 1,
                status: "paid".into(),
            });
        }
        orders
    }

    /// Whether the orders the API started with are still there as seeded:
    /// a scan may change only what it created.
    pub fn seed_intact(&self) -> bool {
        let rows = self.rows.lock().unwrap();
        rows.len() >= SEED.len()
            && rows.iter().zip(SEED).all(|(o, (owner, item))| {
                (o.owner.as_str(), o.item.as_str(), o.quantity, o.status.as_str()) == (owner, item, 1, "paid")
            })
    }

    fn fresh_id(&self) -> String {
        if !self.sequential {
            return uuid();
        }
        let mut next = self.next.lock().unwrap();
        *next += 1;
        (*next - 1).to_string()
    }

    /// An order as the API writes it: ids as numbers when they are sequential.
    fn json(&self, order: &Order, api: &Api) -> Value {
        let id = match order.id.parse::<u64>() {
            Ok(n) if self.sequential => json!(n),
            _ => json!(order.id),
        };
        json!({
            "id": id,
            "user_id": api.accounts.id_of(&order.owner),
            "item": order.item,
            "quantity": order.quantity,
            "status": order.status,
        })
    }
}

/// A random id shaped like a UUID.
pub fn uuid() -> String {
    let hex = super::token::hex(16);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

pub async fn list(State(api): Shared, caller: Caller, Query(query): Query<HashMap<String, String>>) -> Json<Value> {
    let owner = query
        .get("user_id")
        .filter(|_| api.flaws.owner_query)
        .and_then(|raw| api.accounts.named_by_id(raw))
        .unwrap_or(caller.0.user);
    let rows = api.orders.rows.lock().unwrap();
    let orders: Vec<Value> = rows
        .iter()
        .filter(|o| o.owner == owner)
        .map(|o| api.orders.json(o, &api))
        .collect();
    Json(json!({"orders": orders}))
}

pub async fn create(State(api): Shared, caller: Caller, Json(body): Json<Value>) -> Response {
    let Some(item) = body
        .get("item")
        .and_then(Value::as_str)
        .filter(|i| !i.is_empty() && i.len() <= 100)
    else {
        return refused(StatusCode::UNPROCESSABLE_ENTITY, "item is required");
    };
    let quantity = body.get("quantity").and_then(Value::as_u64).unwrap_or(1).clamp(1, 100);
    let chosen_status = body
        .get("status")
        .and_then(Value::as_str)
        .filter(|_| api.flaws.mass_assignment);
    let order = Order {
        id: api.orders.fresh_id(),
        owner: caller.0.user,
        item: item.into(),
        quantity,
        status: chosen_status.unwrap_or("pending").chars().take(20).collect(),
    };
    let mut rows = api.orders.rows.lock().unwrap();
    if rows.len() >= MAX_ORDERS {
        return refused(StatusCode::INSUFFICIENT_STORAGE, "too many orders");
    }
    rows.push(order.clone());
    (StatusCode::CREATED, Json(api.orders.json(&order, &api))).into_response()
}

pub async fn read(State(api): Shared, caller: Caller, Path(id): Path<String>) -> Response {
    let reach = api.flaws.foreign_reads;
    with_order(&api, &caller, &id, reach, |order| {
        Json(api.orders.json(order, &api)).into_response()
    })
}

pub async fn update(State(api): Shared, caller: Caller, Path(id): Path<String>, Json(body): Json<Value>) -> Response {
    let reach = api.flaws.foreign_writes;
    with_order(&api, &caller, &id, reach, |order| {
        if let Some(quantity) = body.get("quantity").and_then(Value::as_u64) {
            order.quantity = quantity.clamp(1, 100);
        }
        if let Some(item) = body
            .get("item")
            .and_then(Value::as_str)
            .filter(|i| !i.is_empty() && i.len() <= 100)
        {
            order.item = item.into();
        }
        Json(api.orders.json(order, &api)).into_response()
    })
}

pub async fn delete(State(api): Shared, caller: Caller, Path(id): Path<String>) -> Response {
    let mut rows = api.orders.rows.lock().unwrap();
    let reach = |o: &Order| o.owner == caller.0.user || api.flaws.foreign_writes;
    let Some(at) = rows.iter().position(|o| o.id == id && reach(o)) else {
        return refused(StatusCode::NOT_FOUND, "no such order");
    };
    rows.remove(at);
    StatusCode::NO_CONTENT.into_response()
}

/// Run `act` on order `id` when the caller owns it (or `reach` lets anyone); 404 otherwise.
fn with_order(api: &Api, caller: &Caller, id: &str, reach: bool, act: impl FnOnce(&mut Order) -> Response) -> Response {
    let mut rows = api.orders.rows.lock().unwrap();
    match rows
        .iter_mut()
        .find(|o| o.id == id && (o.owner == caller.0.user || reach))
    {
        Some(order) => act(order),
        None => refused(StatusCode::NOT_FOUND, "no such order"),
    }
}

/// Shop figures for administrators (the flaw: for anyone, signed in or not).
pub async fn stats(State(api): Shared, headers: HeaderMap) -> Response {
    let caller = api.caller(&headers);
    let admin = caller.as_ref().is_some_and(|c| api.accounts.is_admin(&c.user));
    if !admin && !api.flaws.admin_open {
        return match caller {
            None => refused(StatusCode::UNAUTHORIZED, "sign in first"),
            Some(_) => refused(StatusCode::FORBIDDEN, "administrators only"),
        };
    }
    let orders = api.orders.rows.lock().unwrap().len();
    let users = api.accounts.listed().len();
    Json(json!({"orders": orders, "users": users, "revenue_cents": 48_250})).into_response()
}

/// Every user account, for administrators (the flaw: for any signed-in user).
pub async fn users(State(api): Shared, caller: Caller) -> Response {
    if !api.accounts.is_admin(&caller.0.user) && !api.flaws.admin_for_users {
        return refused(StatusCode::FORBIDDEN, "administrators only");
    }
    let listed = api.accounts.listed();
    let rows = api.orders.rows.lock().unwrap();
    let users: Vec<Value> = listed
        .into_iter()
        .map(|(id, name)| {
            let orders = rows.iter().filter(|o| o.owner == name).count();
            json!({"id": id, "username": name, "orders": orders})
        })
        .collect();
    Json(json!({"users": users})).into_response()
}
