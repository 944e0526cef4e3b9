//! Typed access to a key: its value as the collection a command family works on, or
//! WRONGTYPE. One piece of code for every family (lists, hashes, sets, sorted sets, streams).

use super::keyspace::Db;
use super::value::{Hash, List, Set, Stream, Value, ValueRef, ZSet};

/// The key holds a value of another type: the command replies WRONGTYPE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrongType;

/// A collection type stored in a [`Value`] variant.
pub trait Typed: Sized {
    fn of(v: ValueRef<'_>) -> Option<&Self>;
    fn of_mut(v: &mut Value) -> Option<&mut Self>;
    /// A new empty value of this type.
    fn empty() -> Value;
}

macro_rules! typed {
    ($t:ty, $variant:ident, $empty:expr) => {
        typed!($t, $variant, $empty, x => x);
    };
    ($t:ty, $variant:ident, $empty:expr, $x:ident => $($pat:tt)*) => {
        impl Typed for $t {
            fn of(v: ValueRef<'_>) -> Option<&Self> {
                match v {
                    ValueRef::$variant($($pat)*) => Some($x),
                    _ => None,
                }
            }
            fn of_mut(v: &mut Value) -> Option<&mut Self> {
                match v {
                    Value::$variant($($pat)*) => Some($x),
                    _ => None,
                }
            }
            fn empty() -> Value {
                $empty
            }
        }
    };
}

typed!(List, List, Value::List(List::default()));
typed!(Hash, Hash, Value::Hash(Hash::new()));
typed!(Set, Set, Value::Set(Set::new()));
typed!(ZSet, ZSet, Value::ZSet(Box::default()));
typed!(Stream, Stream, Value::Stream(Box::default()));

impl Db {
    /// The `T` at `key`: `Ok(None)` when the key is missing.
    pub fn typed<T: Typed>(&mut self, key: &[u8], now: u64) -> Result<Option<&T>, WrongType> {
        match self.get(key, now) {
            None => Ok(None),
            Some(n) => T::of(n.value()).map(Some).ok_or(WrongType),
        }
    }

    /// [`Db::typed`] for changing the value in place (the key keeps its TTL). A caller that
    /// may empty a collection removes the key afterwards.
    pub fn typed_mut<T: Typed>(
        &mut self,
        key: &[u8],
        now: u64,
    ) -> Result<Option<&mut T>, WrongType> {
        let enc = self.enc;
        match self.node_mut(key, now) {
            None => Ok(None),
            // A string held inline is no collection: leave it inline.
            Some(n) if n.as_value().is_none() => Err(WrongType),
            Some(n) => {
                let v = n.value_mut();
                super::encoding::refresh(v, &enc);
                T::of_mut(v).map(Some).ok_or(WrongType)
            }
        }
    }

    /// The `T` at `key`, created empty when missing. Call it only once nothing can fail any
    /// more, or an empty collection would be left behind.
    pub fn typed_or_create<T: Typed>(&mut self, key: &[u8], now: u64) -> Result<&mut T, WrongType> {
        if !self.contains(key, now) {
            self.set(key, T::empty(), None);
        }
        self.typed_mut::<T>(key, now)?.ok_or(WrongType)
    }
}
