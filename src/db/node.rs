//! A key and its value in one heap block, owned through an 8-byte pointer: the keyspace's
//! table entry (issue 13, memory per key).
//!
//! A table bucket used to hold the hash, the key's `Bytes` (32 bytes) and an entry of 56
//! bytes, and the key and a string value were two more heap blocks. A [`Node`] puts the
//! access record, the snapshot epoch, the key and a small string in one block, so a bucket
//! is the hash and this pointer (16 bytes) and a small string key costs one allocation.
//!
//! Layout (offsets in bytes; the block is 8-aligned):
//!
//! ```text
//! 0   u32  meta: access record (low 24 bits, `lru.rs`) | flags (high 8)
//! 4   u32  snapshot epoch (`capture.rs`)
//! 8   key length: 1 byte (up to 255), or 8 bytes (little endian, LONG_KEY flag set)
//!     key bytes
//!     INLINE flag set:   1 byte string length, then the string's bytes
//!     INLINE flag clear: padding to 8, then a `Value` (40 bytes)
//! ```
//!
//! A key's expiry is not here: the keyspace keeps it in its map of volatile keys, and the
//! TTL flag says whether to look there, so keys without a TTL pay nothing for it.
//!
//! Nothing here knows about expiry rules, eviction or the table: only the block.

use super::value::{Value, ValueRef};
use std::alloc::{Layout, alloc, dealloc, handle_alloc_error};
use std::borrow::Borrow;
use std::hash::{Hash, Hasher};
use std::mem::{align_of, size_of};
use std::ptr::{self, NonNull};

/// Strings up to this many bytes are stored inside the node (their length is one byte).
///
/// Measured against mimalloc's size classes: a node holding a `Value::Str` is at least 64
/// bytes (header, key, padding, the 40-byte `Value`) plus the string's own block, so an
/// inline string of up to 255 bytes never takes more memory than the two blocks would, and
/// saves one allocation and one pointer chase. (Redis embeds 44 bytes because its object
/// header is separate. OBJECT ENCODING still reports Redis's `int`/`embstr`/`raw`: from the
/// bytes for a string in the node, `raw` for one an edit moved out, see [`Node::encoding`].)
pub const INLINE_MAX: usize = u8::MAX as usize;

/// The access record's bits in `meta`.
const LRU_MASK: u32 = (1 << 24) - 1;
/// The payload is a string stored inline (else a `Value`).
const INLINE: u32 = 1 << 24;
/// The key has an expiry in the keyspace's volatile map.
const TTL: u32 = 1 << 25;
/// The key's length takes 8 bytes (it is longer than 255).
const LONG_KEY: u32 = 1 << 26;

/// Bytes before the key length.
const HEADER: usize = 8;
/// The block's alignment: the `Value` stored in it needs no more.
const ALIGN: usize = 8;
const _: () = assert!(align_of::<Value>() <= ALIGN);

/// A key with its value, access record and snapshot epoch, in one heap block.
pub struct Node(NonNull<u8>);

/// The proof the impls below lean on: a `Value` may move to and be shared with another
/// thread (this fails to compile if a variant ever stops being Send or Sync).
const _: fn() = || {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Value>();
};

// SAFETY: a `Node` owns its block exclusively (no other pointer to it exists; `Clone`
// copies the block), and the only non-byte content is a `Value`, which is Send and Sync.
unsafe impl Send for Node {}
// SAFETY: as above; `&Node` gives only shared reads of the block.
unsafe impl Sync for Node {}

/// What a new node holds.
enum Payload<'a> {
    Inline(&'a [u8]),
    Value(Value),
}

/// Where the parts of a block are.
struct Shape {
    key_at: usize,
    /// The inline string's length byte, or the `Value`.
    payload_at: usize,
    size: usize,
}

/// The bytes a key length takes.
fn key_len_bytes(key_len: usize) -> usize {
    if key_len <= u8::MAX as usize { 1 } else { 8 }
}

/// The block's layout for `size` bytes. Sizes come from keys and values already in memory,
/// so they stay far below `isize::MAX`; a failure here is an allocation failure.
fn layout(size: usize) -> Layout {
    match Layout::from_size_align(size, ALIGN) {
        Ok(l) => l,
        Err(_) => handle_alloc_error(Layout::new::<u64>()),
    }
}

/// `n` rounded up to the block alignment.
fn align_up(n: usize) -> usize {
    n.div_ceil(ALIGN) * ALIGN
}

impl Shape {
    fn new(key_len: usize, inline: Option<usize>) -> Shape {
        let key_at = HEADER + key_len_bytes(key_len);
        let after_key = key_at + key_len;
        let (payload_at, size) = match inline {
            Some(n) => (after_key, after_key + 1 + n),
            None => {
                let at = align_up(after_key);
                (at, at + size_of::<Value>())
            }
        };
        Shape {
            key_at,
            payload_at,
            size,
        }
    }
}

/// Whether a string of `len` bytes is stored inline.
pub fn inline_fits(len: usize) -> bool {
    len <= INLINE_MAX
}

impl Node {
    /// A node for `key` holding `value`; a short string goes inline. `lru` is the access
    /// record (its low 24 bits), `snap` the snapshot epoch.
    pub fn new(key: &[u8], value: Value, lru: u32, snap: u32) -> Node {
        match value {
            Value::Str(s) if inline_fits(s.len()) => {
                Node::build(key, Payload::Inline(&s), lru, snap)
            }
            v => Node::build(key, Payload::Value(v), lru, snap),
        }
    }

    /// A node for `key` holding `value` out of line even if it is a short string: what
    /// Redis creates as a raw string (SETRANGE on a missing key), which OBJECT ENCODING
    /// then reports as raw.
    pub fn new_raw(key: &[u8], value: Value, lru: u32, snap: u32) -> Node {
        Node::build(key, Payload::Value(value), lru, snap)
    }

    /// A node for `key` holding the string `data`: one allocation when it fits inline.
    pub fn with_str(key: &[u8], data: &[u8], lru: u32, snap: u32) -> Node {
        if inline_fits(data.len()) {
            Node::build(key, Payload::Inline(data), lru, snap)
        } else {
            Node::build(key, Payload::Value(Value::str(data)), lru, snap)
        }
    }

    fn build(key: &[u8], payload: Payload<'_>, lru: u32, snap: u32) -> Node {
        let inline = match &payload {
            Payload::Inline(s) => Some(s.len()),
            Payload::Value(_) => None,
        };
        let shape = Shape::new(key.len(), inline);
        let layout = layout(shape.size);
        // SAFETY: the layout's size is at least HEADER + 2 > 0.
        let raw = unsafe { alloc(layout) };
        let Some(p) = NonNull::new(raw) else {
            handle_alloc_error(layout)
        };
        let mut meta = lru & LRU_MASK;
        if inline.is_some() {
            meta |= INLINE;
        }
        if shape.key_at - HEADER == 8 {
            meta |= LONG_KEY;
        }
        // SAFETY: every write below is inside the `shape.size` bytes just allocated: the
        // header (8), the key length (1 or 8, by `key_len_bytes`), the key at `key_at`, and
        // the payload at `payload_at` (a length byte and `n` bytes, or a `Value` at an
        // 8-aligned offset of an 8-aligned block), which `Shape::new` sized. Unaligned
        // writes are used for the integers that may sit at any offset.
        unsafe {
            let b = p.as_ptr();
            ptr::write_unaligned(b.cast::<u32>(), meta);
            ptr::write_unaligned(b.add(4).cast::<u32>(), snap);
            if meta & LONG_KEY != 0 {
                ptr::write_unaligned(b.add(HEADER).cast::<u64>(), (key.len() as u64).to_le());
            } else {
                *b.add(HEADER) = key.len() as u8;
            }
            ptr::copy_nonoverlapping(key.as_ptr(), b.add(shape.key_at), key.len());
            match payload {
                Payload::Inline(s) => {
                    *b.add(shape.payload_at) = s.len() as u8;
                    ptr::copy_nonoverlapping(s.as_ptr(), b.add(shape.payload_at + 1), s.len());
                }
                Payload::Value(v) => ptr::write(b.add(shape.payload_at).cast::<Value>(), v),
            }
        }
        Node(p)
    }

    #[inline]
    fn meta(&self) -> u32 {
        // SAFETY: every block starts with the 4-byte meta word (written by `build`).
        unsafe { ptr::read_unaligned(self.0.as_ptr().cast::<u32>()) }
    }

    #[inline]
    fn set_meta(&mut self, meta: u32) {
        // SAFETY: as in `meta`; `&mut self` means no reference into the block is alive.
        unsafe { ptr::write_unaligned(self.0.as_ptr().cast::<u32>(), meta) }
    }

    #[inline]
    fn is_inline(&self) -> bool {
        self.meta() & INLINE != 0
    }

    /// Where the key starts and how long it is, read back from the header (all a table
    /// probe needs: it compares keys).
    #[inline]
    fn key_span(&self) -> (usize, usize) {
        let b = self.0.as_ptr();
        if self.meta() & LONG_KEY != 0 {
            // SAFETY: a LONG_KEY block stores an 8-byte length at HEADER.
            let len = u64::from_le(unsafe { ptr::read_unaligned(b.add(HEADER).cast::<u64>()) });
            (HEADER + 8, len as usize)
        } else {
            // SAFETY: every other block stores a 1-byte length at HEADER.
            (HEADER + 1, usize::from(unsafe { *b.add(HEADER) }))
        }
    }

    /// The block's shape, read back from its header.
    fn shape(&self) -> Shape {
        let (key_at, key_len) = self.key_span();
        let inline = self.is_inline().then(|| {
            // SAFETY: an INLINE block stores the string's length byte right after the key.
            usize::from(unsafe { *self.0.as_ptr().add(key_at + key_len) })
        });
        Shape::new(key_len, inline)
    }

    /// The key's bytes.
    #[inline]
    pub fn key(&self) -> &[u8] {
        let (at, len) = self.key_span();
        // SAFETY: `len` bytes at `at` were written by `build` and live as long as the
        // block, which `&self` borrows.
        unsafe { std::slice::from_raw_parts(self.0.as_ptr().add(at), len) }
    }

    /// A view of the value.
    #[inline]
    pub fn value(&self) -> ValueRef<'_> {
        match self.inline_str() {
            Some(s) => ValueRef::Str(s),
            None => self.value_slot().view(),
        }
    }

    /// The string's bytes, or `None` for another type: [`Node::value`]'s string case
    /// without building the view (GET's path).
    #[inline]
    pub fn str(&self) -> Option<&[u8]> {
        match self.inline_str() {
            Some(s) => Some(s),
            None => match self.value_slot() {
                Value::Str(s) => Some(s),
                _ => None,
            },
        }
    }

    /// The stored `Value`, or `None` for a string held inline.
    pub fn as_value(&self) -> Option<&Value> {
        (!self.is_inline()).then(|| self.value_slot())
    }

    #[inline]
    fn inline_str(&self) -> Option<&[u8]> {
        if !self.is_inline() {
            return None;
        }
        let (key_at, key_len) = self.key_span();
        let at = key_at + key_len;
        // SAFETY: an INLINE block stores the string's length byte right after the key,
        // then that many string bytes; they live as long as the block, which `&self`
        // borrows.
        unsafe {
            let p = self.0.as_ptr().add(at);
            Some(std::slice::from_raw_parts(p.add(1), usize::from(*p)))
        }
    }

    /// The `Value` of a block that holds one (callers check `is_inline` first).
    fn value_slot(&self) -> &Value {
        debug_assert!(!self.is_inline());
        let at = self.shape().payload_at;
        // SAFETY: a block without INLINE holds an initialised `Value` at the 8-aligned
        // offset `payload_at`; it lives as long as the block, which `&self` borrows.
        unsafe { &*self.0.as_ptr().add(at).cast::<Value>() }
    }

    /// The value for changing in place. A string held inline first moves to a `Value::Str`
    /// of its own (reallocating this node), as Redis turns an embstr into a raw string
    /// before changing it: the commands that edit strings grow them geometrically.
    pub fn value_mut(&mut self) -> &mut Value {
        if let Some(s) = self.inline_str() {
            let v = Value::str(s);
            let moved = Node::build(self.key(), Payload::Value(v), self.meta(), self.snap());
            // Keep the flags (TTL, LONG_KEY follows the same key) but not INLINE.
            let meta = self.meta() & !INLINE;
            *self = moved;
            self.set_meta(meta);
        }
        let at = self.shape().payload_at;
        // SAFETY: the block now holds an initialised `Value` at `payload_at` (8-aligned),
        // and `&mut self` makes this the only reference into the block.
        unsafe { &mut *self.0.as_ptr().add(at).cast::<Value>() }
    }

    /// Overwrites an inline string with `data` of the same length, without allocating.
    /// Returns false (nothing changed) when the node holds something else.
    pub fn overwrite_str(&mut self, data: &[u8]) -> bool {
        let Some(old) = self.inline_str() else {
            return false;
        };
        if old.len() != data.len() {
            return false;
        }
        let at = self.shape().payload_at + 1;
        // SAFETY: the block holds `data.len()` inline string bytes at `at` (checked just
        // above), `&mut self` makes this the only reference into it, and `data` is a
        // caller's slice, which cannot overlap a block we own exclusively.
        unsafe { ptr::copy_nonoverlapping(data.as_ptr(), self.0.as_ptr().add(at), data.len()) }
        true
    }

    /// The value, owned: a string held inline is copied out.
    pub fn into_value(self) -> Value {
        if let Some(s) = self.inline_str() {
            return Value::str(s);
        }
        let s = self.shape();
        let this = std::mem::ManuallyDrop::new(self);
        // SAFETY: the block holds an initialised `Value` at `payload_at`; it is read out
        // once, and the block is then freed without dropping it (`this` never drops), so
        // the value is owned exactly once.
        unsafe {
            let v = ptr::read(this.0.as_ptr().add(s.payload_at).cast::<Value>());
            dealloc(this.0.as_ptr(), layout(s.size));
            v
        }
    }

    /// This node under another key (RENAME, COPY, MOVE): the same node when the key is
    /// the same, else a new block with the same value, access record, epoch and flags.
    pub fn rekey(self, key: &[u8]) -> Node {
        if self.key() == key {
            return self;
        }
        let (meta, snap) = (self.meta(), self.snap());
        let mut n = match self.inline_str() {
            Some(s) => Node::build(key, Payload::Inline(s), meta, snap),
            None => Node::build(key, Payload::Value(self.into_value()), meta, snap),
        };
        // The flags other than the key's width carry over.
        let width = n.meta() & LONG_KEY;
        n.set_meta((meta & !LONG_KEY) | width);
        n
    }

    /// What OBJECT ENCODING reports. A string edited in place (APPEND, SETRANGE, SETBIT...)
    /// was moved out of the node first, as Redis turns an embstr into a raw string before
    /// editing it: such a string is "raw" whatever its length, as in Redis. Anything else
    /// is judged from its bytes (`ValueRef::encoding`).
    pub fn encoding(&self, l: &super::EncLimits) -> &'static str {
        match self.as_value() {
            Some(Value::Str(_)) => "raw",
            _ => self.value().encoding(l),
        }
    }

    /// The access record (24 bits, `lru.rs`).
    #[inline]
    pub fn lru(&self) -> u32 {
        self.meta() & LRU_MASK
    }

    #[inline]
    pub fn set_lru(&mut self, lru: u32) {
        let meta = self.meta();
        self.set_meta((meta & !LRU_MASK) | (lru & LRU_MASK));
    }

    /// Whether the key has an expiry (kept in the keyspace's volatile map).
    #[inline]
    pub fn has_ttl(&self) -> bool {
        self.meta() & TTL != 0
    }

    pub fn set_ttl_flag(&mut self, on: bool) {
        let meta = self.meta();
        self.set_meta(if on { meta | TTL } else { meta & !TTL });
    }

    /// The snapshot epoch the node was written out in, or created in (`capture.rs`).
    pub fn snap(&self) -> u32 {
        // SAFETY: every block stores the 4-byte epoch at offset 4.
        unsafe { ptr::read_unaligned(self.0.as_ptr().add(4).cast::<u32>()) }
    }

    pub fn set_snap(&mut self, snap: u32) {
        // SAFETY: as in `snap`; `&mut self` means no reference into the block is alive.
        unsafe { ptr::write_unaligned(self.0.as_ptr().add(4).cast::<u32>(), snap) }
    }

    /// The block's size in bytes (what the allocator was asked for).
    pub fn block_size(&self) -> usize {
        self.shape().size
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let s = self.shape();
        // SAFETY: the block was allocated by `build` with `layout(s.size)` (the shape is
        // read back from the header `build` wrote). A non-inline block holds an
        // initialised `Value`, dropped here once; `into_value` skips this drop for the
        // value it moved out.
        unsafe {
            if !self.is_inline() {
                ptr::drop_in_place(self.0.as_ptr().add(s.payload_at).cast::<Value>());
            }
            dealloc(self.0.as_ptr(), layout(s.size));
        }
    }
}

impl Clone for Node {
    /// A deep copy: a new block, with the value cloned.
    fn clone(&self) -> Node {
        let (meta, snap) = (self.meta(), self.snap());
        let mut n = match self.inline_str() {
            Some(s) => Node::build(self.key(), Payload::Inline(s), meta, snap),
            None => Node::build(
                self.key(),
                Payload::Value(self.value_slot().clone()),
                meta,
                snap,
            ),
        };
        n.set_meta(meta);
        n
    }
}

/// Nodes are the table's keys: they hash and compare as their key's bytes, exactly as a
/// `[u8]` does, so the table is looked up with a `&[u8]` (`Borrow`).
impl Hash for Node {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl PartialEq for Node {
    fn eq(&self, other: &Node) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Node {}

impl Borrow<[u8]> for Node {
    fn borrow(&self) -> &[u8] {
        self.key()
    }
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node")
            .field("key", &bytes::Bytes::copy_from_slice(self.key()))
            .field("value", &self.value())
            .field("lru", &self.lru())
            .field("ttl", &self.has_ttl())
            .field("snap", &self.snap())
            .finish()
    }
}

#[cfg(test)]
#[path = "node_tests.rs"]
mod tests;
