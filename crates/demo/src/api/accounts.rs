//! User accounts: the three seeded users, and the ones public registration
//! adds (`POST /api/v1/users`), each able to change its password and delete
//! itself. The fixed API lets a user change only their own password; the
//! flaw takes the account from the path, whoever asks.

use super::USERS;
use super::routes::{Caller, Shared, refused};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::sync::Mutex;

/// Random ids of the seeded users, in the order of `USERS`, for the fixed API.
const USER_IDS: [&str; 3] = [
    "3f6c1b7e-2d4a-4c61-9a0e-5b8d7f2c1a90",
    "9b2e4d61-7c3f-4a85-b1d0-6e8f2a4c7b13",
    "c5a07e92-1f4b-4d36-8e2c-0b7d9f3a6e51",
];

/// Most accounts kept (bounded memory): beyond it, registration answers 507.
const MAX_ACCOUNTS: usize = 1_000;

struct Account {
    id: Value,
    name: String,
    password: String,
    role: &'static str,
}

pub struct Accounts {
    rows: Mutex<Vec<Account>>,
    sequential: bool,
}

impl Accounts {
    pub fn seeded(sequential: bool) -> Self {
        let rows = USERS
            .iter()
            .enumerate()
            .map(|(i, (name, password, role))| Account {
                id: if sequential { json!(i + 1) } else { json!(USER_IDS[i]) },
                name: name.to_string(),
                password: password.to_string(),
                role,
            })
            .collect();
        Accounts {
            rows: Mutex::new(rows),
            sequential,
        }
    }

    /// Whether `name` logs in with `password`.
    pub fn check(&self, name: &str, password: &str) -> bool {
        self.rows
            .lock()
            .unwrap()
            .iter()
            .any(|a| a.name == name && a.password == password)
    }

    pub fn exists(&self, name: &str) -> bool {
        self.rows.lock().unwrap().iter().any(|a| a.name == name)
    }

    /// The id of account `name` (`null` when there is none).
    pub fn id_of(&self, name: &str) -> Value {
        let rows = self.rows.lock().unwrap();
        rows.iter()
            .find(|a| a.name == name)
            .map_or(Value::Null, |a| a.id.clone())
    }

    /// The name of the account whose id is written `raw`.
    pub fn named_by_id(&self, raw: &str) -> Option<String> {
        let rows = self.rows.lock().unwrap();
        let found = rows.iter().find(|a| match &a.id {
            Value::String(id) => id == raw,
            id => raw.parse::<Value>().is_ok_and(|given| given == *id),
        });
        found.map(|a| a.name.clone())
    }

    pub fn is_admin(&self, name: &str) -> bool {
        self.role_of(name) == "admin"
    }

    pub fn role_of(&self, name: &str) -> &'static str {
        let rows = self.rows.lock().unwrap();
        rows.iter().find(|a| a.name == name).map_or("user", |a| a.role)
    }

    /// Every account as the admin list shows it: id and name.
    pub fn listed(&self) -> Vec<(Value, String)> {
        let rows = self.rows.lock().unwrap();
        rows.iter().map(|a| (a.id.clone(), a.name.clone())).collect()
    }

    /// Whether the seeded users are all there with their own passwords: a
    /// scan may change only the accounts it registered.
    pub fn seed_intact(&self) -> bool {
        let rows = self.rows.lock().unwrap();
        USERS
            .iter()
            .all(|(name, password, _)| rows.iter().any(|a| a.name == *name && a.password == *password))
    }
}

pub async fn register(State(api): Shared, Json(body): Json<Value>) -> Response {
    let field = |name: &str| body.get(name).and_then(Value::as_str).unwrap_or_default().to_string();
    let (name, password) = (field("username"), field("password"));
    let valid_name = (3..=40).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_".contains(&b));
    if !valid_name || !(8..=200).contains(&password.len()) {
        return refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "username: 3 to 40 lowercase letters, digits, - or _; password: 8 to 200 characters",
        );
    }
    let accounts = &api.accounts;
    let mut rows = accounts.rows.lock().unwrap();
    if rows.iter().any(|a| a.name == name) {
        return refused(StatusCode::CONFLICT, "that username is taken");
    }
    if rows.len() >= MAX_ACCOUNTS {
        return refused(StatusCode::INSUFFICIENT_STORAGE, "too many accounts");
    }
    let id = if accounts.sequential {
        json!(rows.iter().filter_map(|a| a.id.as_u64()).max().unwrap_or(0) + 1)
    } else {
        json!(super::orders::uuid())
    };
    rows.push(Account {
        id: id.clone(),
        name: name.clone(),
        password,
        role: "user",
    });
    (StatusCode::CREATED, Json(json!({"id": id, "username": name}))).into_response()
}

/// A new password for account `username`: the caller's own (the flaw: anyone's).
pub async fn change_password(
    State(api): Shared,
    caller: Caller,
    Path(username): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    let Some(password) = body
        .get("password")
        .and_then(Value::as_str)
        .filter(|p| (8..=200).contains(&p.len()))
    else {
        return refused(StatusCode::UNPROCESSABLE_ENTITY, "password: 8 to 200 characters");
    };
    if username != caller.0.user && !api.flaws.password_by_name {
        return refused(StatusCode::NOT_FOUND, "no such account");
    }
    let mut rows = api.accounts.rows.lock().unwrap();
    match rows.iter_mut().find(|a| a.name == username) {
        Some(account) => {
            account.password = password.to_string();
            StatusCode::NO_CONTENT.into_response()
        }
        None => refused(StatusCode::NOT_FOUND, "no such account"),
    }
}

/// Delete the caller's own account.
pub async fn delete_me(State(api): Shared, caller: Caller) -> Response {
    api.accounts.rows.lock().unwrap().retain(|a| a.name != caller.0.user);
    StatusCode::NO_CONTENT.into_response()
}
