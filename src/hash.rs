//! A fast, unkeyed hash for keys a policy author chose (issue 19): the
//! multiply-rotate of FxHash (rustc's hasher), eight bytes at a time.
//!
//! std's default `SipHash` is keyed with a seed drawn per process, which
//! defends a map against keys chosen to collide. That defence costs about a
//! quarter of a decision in a large set, and the per-process seed makes the
//! same decision cost a different number of instructions in every process.
//! The maps hashed here are built from policy text only: action services
//! and names, literal resource prefixes (`crate::index`). A request's
//! action and resource only *probe* them, and a probe cannot add a key, so
//! the worst a request can do is land on a chain that the policy's own keys
//! built; the chains are those of a fixed, known set of keys. A policy
//! author who crafts colliding keys slows only the compiling and deciding of
//! their own set, which is bounded by `Limits::max_statements`.
//!
//! Maps built from *request* keys (the context index of a large
//! [`crate::Context`]) keep std's keyed hasher, since there the request
//! chooses what goes in. A request key's [`hash_key`] is used only to skip
//! entries while scanning a small context, never to decide that two keys
//! are equal, so a collision costs one comparison, never a wrong answer.

use std::hash::{BuildHasherDefault, Hasher};

/// FxHash's multiplier (from the golden ratio, as in rustc-hash).
const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// The hasher: state = (state rotated ⊕ word) × [`SEED`].
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut buf = [0u8; 8];
            buf.copy_from_slice(word);
            self.add(u64::from_le_bytes(buf));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            // Shifted in byte by byte: a copy into a buffer becomes a call
            // to libc's `memcpy`, whose path (and so the instruction count)
            // depends on the addresses. The length tells `ab` from `ab\0`.
            let word = rest
                .iter()
                .rev()
                .fold(0u64, |word, b| (word << 8) | u64::from(*b));
            self.add(word ^ ((rest.len() as u64) << 59));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // The multiply leaves the high bits best mixed; hashbrown picks
        // buckets by the low bits, so bring the high ones down.
        self.hash.rotate_left(26)
    }
}

/// The `BuildHasher` for maps keyed by policy text.
pub(crate) type FxBuildHasher = BuildHasherDefault<FxHasher>;

/// A `HashMap` keyed by policy text, hashed with [`FxHasher`]: the index
/// builds with it, and decides with [`SortedByHash`].
pub(crate) type FxHashMap<K, V> = std::collections::HashMap<K, V, FxBuildHasher>;

/// The hash of a lowercased context key: computed once when a key is
/// inserted into a context and once when a policy naming it is compiled, so
/// a lookup compares whole keys only where the hashes agree.
#[inline]
pub(crate) fn hash_key(lower: &str) -> u64 {
    let mut hasher = FxHasher::default();
    hasher.write(lower.as_bytes());
    hasher.finish()
}

/// A map from keys a policy author chose, looked up by [`hash_key`]: the
/// entries sorted by (hash, key), a lookup a binary search on the hash and
/// a comparison of the key where it agrees. Unlike a `HashMap`, whose
/// probe ends in libc's `memcmp` (its path depends on the addresses), a
/// lookup costs the same number of instructions in every process.
#[derive(Debug)]
pub(crate) struct SortedByHash<V> {
    entries: Box<[(u64, Box<str>, V)]>,
}

impl<V> SortedByHash<V> {
    pub fn new(entries: impl IntoIterator<Item = (Box<str>, V)>) -> Self {
        let mut entries: Vec<(u64, Box<str>, V)> = entries
            .into_iter()
            .map(|(key, value)| (hash_key(&key), key, value))
            .collect();
        entries.sort_unstable_by(|(ha, ka, _), (hb, kb, _)| (ha, ka).cmp(&(hb, kb)));
        SortedByHash {
            entries: entries.into(),
        }
    }

    /// The value of `key`, if it is one of the keys.
    #[inline]
    pub fn get(&self, key: &str) -> Option<&V> {
        let hash = hash_key(key);
        let first = self.entries.partition_point(|(h, _, _)| *h < hash);
        self.entries
            .get(first..)?
            .iter()
            .take_while(|(h, _, _)| *h == hash)
            .find(|(_, k, _)| crate::pattern::same(k.as_bytes(), key.as_bytes()))
            .map(|(_, _, value)| value)
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The keys, in hash order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(_, k, _)| &**k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_hash_alike_and_near_misses_apart() {
        assert_eq!(hash_key("aws:username"), hash_key("aws:username"));
        let near = [
            "",
            "a",
            "a\0",
            "aws:username",
            "aws:usernamf",
            "bws:username",
            "aws:username\0",
            "aws:securetransport",
            "aws:securetransporu",
        ];
        for (i, a) in near.iter().enumerate() {
            for b in near.iter().skip(i + 1) {
                assert_ne!(hash_key(a), hash_key(b), "{a:?} {b:?}");
            }
        }
    }

    /// The same value in every process and on every run (no seed), which
    /// makes a decision's cost the same everywhere.
    #[test]
    fn the_hash_is_fixed() {
        assert_eq!(hash_key(""), 0);
        // `s3`: one short word, its length in the top bits, from state 0.
        let word = 0x3373_u64 ^ (2 << 59);
        assert_eq!(hash_key("s3"), word.wrapping_mul(SEED).rotate_left(26));
    }

    #[test]
    fn sorted_by_hash_finds_every_key_and_nothing_else() {
        let keys = ["b", "bucket-1/home", "bucket-1", "", "bucket-10", "s3"];
        let map = SortedByHash::new(keys.iter().map(|k| (Box::from(*k), k.len())));
        assert_eq!(map.len(), keys.len());
        for key in keys {
            assert_eq!(map.get(key), Some(&key.len()), "{key:?}");
        }
        for missing in ["bucket-1/", "bucket-2", "B", "s3\0", "bucket-1/home/x"] {
            assert_eq!(map.get(missing), None, "{missing:?}");
        }
        assert!(SortedByHash::<()>::new([]).get("").is_none());
    }
}
