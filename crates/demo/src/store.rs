//! The demo's in-memory session table: id → user (None before login).

use rand::Rng;
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Default)]
pub struct Store {
    sessions: Mutex<HashMap<String, Option<String>>>,
    counter: AtomicU64,
}

/// More anonymous sessions than this and the oldest are forgotten (bounded memory).
const MAX_SESSIONS: usize = 50_000;

impl Store {
    /// A new anonymous session id: a counter when `weak`, else 256 random bits.
    pub fn create(&self, weak: bool) -> String {
        let id = if weak {
            format!("sess-{:06}", 100 + self.counter.fetch_add(1, Ordering::SeqCst))
        } else {
            let bytes: [u8; 32] = rand::rng().random();
            bytes.iter().map(|b| format!("{b:02x}")).collect()
        };
        self.insert(&id, None);
        id
    }

    pub fn insert(&self, id: &str, user: Option<&str>) {
        let mut sessions = self.sessions.lock().unwrap();
        if sessions.len() >= MAX_SESSIONS {
            sessions.retain(|_, user| user.is_some());
        }
        sessions.insert(id.to_string(), user.map(str::to_string));
    }

    /// Forget every session (what `GET /admin/createdb` does).
    pub fn wipe(&self) {
        self.sessions.lock().unwrap().clear();
    }

    pub fn exists(&self, id: &str) -> bool {
        self.sessions.lock().unwrap().contains_key(id)
    }

    pub fn user(&self, id: &str) -> Option<String> {
        self.sessions.lock().unwrap().get(id).cloned().flatten()
    }

    pub fn remove(&self, id: &str) {
        self.sessions.lock().unwrap().remove(id);
    }

    /// Drop every session of `user` except `keep`.
    pub fn revoke_others(&self, user: &str, keep: &str) {
        let mut sessions = self.sessions.lock().unwrap();
        sessions.retain(|id, u| id == keep || u.as_deref() != Some(user));
    }
}
