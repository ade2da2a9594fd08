//! State a scan's checks share (one value per type, made on first use and
//! dropped with the scan), such as the pace of LLM probing across every LLM
//! rule. Owned by the runner, reached through [`crate::Context::shared`].

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

type Entry = Arc<dyn Any + Send + Sync>;

#[derive(Default)]
pub struct Shared(Mutex<HashMap<TypeId, Entry>>);

impl Shared {
    /// This scan's value of type `T`, made with `T::default()` the first time.
    pub fn get<T: Any + Default + Send + Sync>(&self) -> Arc<T> {
        let entry = self
            .0
            .lock()
            .unwrap()
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Arc::new(T::default()))
            .clone();
        entry.downcast().expect("entries are keyed by their type")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn one_value_per_type_and_per_scan() {
        let scan = Shared::default();
        scan.get::<AtomicU32>().fetch_add(1, Ordering::SeqCst);
        assert_eq!(scan.get::<AtomicU32>().load(Ordering::SeqCst), 1);
        assert_eq!(Shared::default().get::<AtomicU32>().load(Ordering::SeqCst), 0);
    }
}
