//! Short-lived in-process caches for the public storefront's hot reads (tenant directory, home page
//! data, rendered pages). Entries expire after a few seconds at most; writes forget a tenant's
//! entries at once (this process directly, the others through `storefront::listen`).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A map whose entries expire `ttl` after they were stored; it empties itself when it reaches
/// `capacity` (a flood of distinct keys costs memory only up to that bound).
pub struct TtlCache<K, V> {
    ttl: Duration,
    capacity: usize,
    entries: RwLock<HashMap<K, (Instant, V)>>,
    /// Counts forgets (changed under the write lock), so a value read from the database before a
    /// forget is never stored after it: see [`TtlCache::insert_unless_forgotten`].
    generation: AtomicU64,
}

impl<K: Eq + Hash, V: Clone> TtlCache<K, V> {
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        Self {
            ttl,
            capacity,
            entries: RwLock::new(HashMap::new()),
            generation: AtomicU64::new(0),
        }
    }

    /// Take this before reading what will be stored, and pass it to
    /// [`TtlCache::insert_unless_forgotten`].
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Stores `value` unless something was forgotten since `generation` was taken (the value
    /// may then predate a write). Returns whether it was stored.
    pub fn insert_unless_forgotten(&self, generation: u64, key: K, value: V) -> bool {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if self.generation.load(Ordering::Acquire) != generation {
            return false;
        }
        if entries.len() >= self.capacity {
            entries.clear();
        }
        entries.insert(key, (Instant::now(), value));
        true
    }

    /// The value stored under `key`, unless it has expired.
    pub fn get(&self, key: &K) -> Option<V> {
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, v)| v.clone())
    }

    pub fn insert(&self, key: K, value: V) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= self.capacity {
            entries.clear();
        }
        entries.insert(key, (Instant::now(), value));
    }

    /// Forgets every entry for which `stale` is true.
    pub fn forget_where(&self, stale: impl Fn(&K, &V) -> bool) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.retain(|k, (_, v)| !stale(k, v));
    }

    /// Forgets everything.
    pub fn clear(&self) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_served_until_it_expires_or_is_forgotten() {
        let cache = TtlCache::new(Duration::from_millis(50), 10);
        cache.insert("a", 1);
        cache.insert("b", 2);
        assert_eq!(cache.get(&"a"), Some(1));
        cache.forget_where(|k, _| *k == "a");
        assert_eq!(cache.get(&"a"), None);
        assert_eq!(cache.get(&"b"), Some(2));
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(cache.get(&"b"), None);
    }

    #[test]
    fn a_value_read_before_a_forget_is_not_stored_after_it() {
        let cache = TtlCache::new(Duration::from_secs(60), 10);
        let before = cache.generation();
        cache.forget_where(|k: &&str, _: &i32| *k == "price");
        assert!(!cache.insert_unless_forgotten(before, "price", 1));
        assert_eq!(cache.get(&"price"), None);
        let now = cache.generation();
        assert!(cache.insert_unless_forgotten(now, "price", 2));
        assert_eq!(cache.get(&"price"), Some(2));
        cache.clear();
        assert_eq!(cache.get(&"price"), None);
        assert!(!cache.insert_unless_forgotten(now, "price", 3));
    }

    #[test]
    fn a_full_cache_starts_over_instead_of_growing() {
        let cache = TtlCache::new(Duration::from_secs(60), 3);
        for i in 0..3 {
            cache.insert(i, i);
        }
        cache.insert(3, 3);
        assert_eq!(cache.get(&0), None);
        assert_eq!(cache.get(&3), Some(3));
    }
}
