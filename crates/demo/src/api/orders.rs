//! Orders, each owned by one user, and the admin area. The fixed API scopes
//! every order to its owner, names orders and users by random ids, takes only
//! the fields its document declares, and keeps the admin area to
//! administrators; each flaw opens one of those.

use super::USERS;
use super::routes::{Caller, Shared, refused};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Mutex;

/// Random ids of the users, in the order of `USERS`, for the fixed API.
const USER_IDS: [&str; 3] = [
    "3f6c1b7e-2d4a-4c61-9a0e-5b8d7f2c1a90",
    "9b2e4d61-7c3f-4a85-b1d0-6e8f2a4c7b13",
    "c5a07e92-1f4b-4d36-8e2c-0b7d9f3a6e51",
];

/// Most orders kept (bounded memory): beyond it, creating answers 507.
const MAX_ORDERS: usize = 10_000;

#[derive(Clone)]
struct Order {
    id: String,
    owner: usize,
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
        for (owner, item) in [(0, "tea"), (1, "coffee"), (0, "cocoa"), (1, "mate")] {
            let id = orders.fresh_id();
            orders.rows.lock().unwrap().push(Order {
                id,
                owner,
                item: item.into(),
                quantity: 1,
                status: "paid".into(),
            });
        }
        orders
    }

    /// Whether the four orders the API started with are still there as seeded:
    /// a scan may change only what it created.
    pub fn seed_intact(&self) -> bool {
        let rows = self.rows.lock().unwrap();
        let seed: Vec<(usize, &str, u64, &str)> = rows
            .iter()
            .take(4)
            .map(|o| (o.owner, o.item.as_str(), o.quantity, o.status.as_str()))
            .collect();
        seed == [
            (0, "tea", 1, "paid"),
            (1, "coffee", 1, "paid"),
            (0, "cocoa", 1, "paid"),
            (1, "mate", 1, "paid"),
        ]
    }

    fn fresh_id(&self) -> String {
        if self.sequential {
            let mut next = self.next.lock().unwrap();
            *next += 1;
            return (*next - 1).to_string();
        }
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

    /// An id as the API writes it: a number when ids are sequential.
    fn id_value(&self, id: &str) -> Value {
        match id.parse::<u64>() {
            Ok(n) if self.sequential => json!(n),
            _ => json!(id),
        }
    }

    fn json(&self, order: &Order) -> Value {
        json!({
            "id": self.id_value(&order.id),
            "user_id": self.user_id(order.owner),
            "item": order.item,
            "quantity": order.quantity,
            "status": order.status,
        })
    }

    /// The id of user number `index` in `USERS`.
    pub fn user_id(&self, index: usize) -> Value {
        if self.sequential {
            json!(index + 1)
        } else {
            json!(USER_IDS[index])
        }
    }

    /// The index of the user whose id is `raw`.
    fn user_named_by(&self, raw: &str) -> Option<usize> {
        (0..USERS.len()).find(|&i| match self.user_id(i) {
            Value::String(id) => id == raw,
            id => raw.parse::<Value>().is_ok_and(|given| given == id),
        })
    }
}

/// The index of the signed-in user in `USERS`.
pub fn index_of(caller: &Caller) -> usize {
    USERS.iter().position(|(name, ..)| *name == caller.0.user).unwrap_or(0)
}

pub async fn list(State(api): Shared, caller: Caller, Query(query): Query<HashMap<String, String>>) -> Json<Value> {
    let me = index_of(&caller);
    let owner = query
        .get("user_id")
        .filter(|_| api.flaws.owner_query)
        .and_then(|raw| api.orders.user_named_by(raw))
        .unwrap_or(me);
    let rows = api.orders.rows.lock().unwrap();
    let orders: Vec<Value> = rows
        .iter()
        .filter(|o| o.owner == owner)
        .map(|o| api.orders.json(o))
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
        owner: index_of(&caller),
        item: item.into(),
        quantity,
        status: chosen_status.unwrap_or("pending").chars().take(20).collect(),
    };
    let mut rows = api.orders.rows.lock().unwrap();
    if rows.len() >= MAX_ORDERS {
        return refused(StatusCode::INSUFFICIENT_STORAGE, "too many orders");
    }
    rows.push(order.clone());
    (StatusCode::CREATED, Json(api.orders.json(&order))).into_response()
}

pub async fn read(State(api): Shared, caller: Caller, Path(id): Path<String>) -> Response {
    let reach = api.flaws.foreign_reads;
    with_order(&api, &caller, &id, reach, |order| {
        Json(api.orders.json(order)).into_response()
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
        Json(api.orders.json(order)).into_response()
    })
}

pub async fn delete(State(api): Shared, caller: Caller, Path(id): Path<String>) -> Response {
    let me = index_of(&caller);
    let mut rows = api.orders.rows.lock().unwrap();
    let Some(at) = rows
        .iter()
        .position(|o| o.id == id && (o.owner == me || api.flaws.foreign_writes))
    else {
        return refused(StatusCode::NOT_FOUND, "no such order");
    };
    rows.remove(at);
    StatusCode::NO_CONTENT.into_response()
}

/// Run `act` on order `id` when the caller owns it (or `reach` lets anyone); 404 otherwise.
fn with_order(
    api: &super::routes::Api,
    caller: &Caller,
    id: &str,
    reach: bool,
    act: impl FnOnce(&mut Order) -> Response,
) -> Response {
    let me = index_of(caller);
    let mut rows = api.orders.rows.lock().unwrap();
    match rows.iter_mut().find(|o| o.id == id && (o.owner == me || reach)) {
        Some(order) => act(order),
        None => refused(StatusCode::NOT_FOUND, "no such order"),
    }
}

/// Shop figures for administrators (the flaw: for anyone, signed in or not).
pub async fn stats(State(api): Shared, headers: HeaderMap) -> Response {
    let caller = api.caller(&headers).map(Caller);
    let admin = caller.as_ref().is_some_and(is_admin);
    if !admin && !api.flaws.admin_open {
        return match caller {
            None => refused(StatusCode::UNAUTHORIZED, "sign in first"),
            Some(_) => refused(StatusCode::FORBIDDEN, "administrators only"),
        };
    }
    let orders = api.orders.rows.lock().unwrap().len();
    Json(json!({"orders": orders, "users": USERS.len(), "revenue_cents": 48_250})).into_response()
}

/// Every user account, for administrators (the flaw: for any signed-in user).
pub async fn users(State(api): Shared, caller: Caller) -> Response {
    if !is_admin(&caller) && !api.flaws.admin_for_users {
        return refused(StatusCode::FORBIDDEN, "administrators only");
    }
    let users: Vec<Value> = USERS
        .iter()
        .enumerate()
        .map(|(i, (name, ..))| json!({"id": api.orders.user_id(i), "username": name, "orders": 2}))
        .collect();
    Json(json!({"users": users})).into_response()
}

fn is_admin(caller: &Caller) -> bool {
    USERS[index_of(caller)].2 == "admin"
}
