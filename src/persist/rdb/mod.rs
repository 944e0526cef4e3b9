//! Redis's RDB format, version 10 (Redis 7.0), both ways.
//!
//! - `enc.rs`: the primitives written: lengths, strings (integer and LZF encodings),
//!   listpacks, intsets.
//! - `write.rs`: [`Writer`], a whole dataset (header, AUX fields, databases, EOF, CRC64)
//!   to any `io::Write`; [`dump`], one value with DUMP's footer.
//! - `value.rs`: one value in the encoding Redis 7.0 would use for its content.
//! - `input.rs`: a bounds-checked reader over bytes, every error with its offset.
//! - `packed.rs`: the blobs inside strings: listpack, ziplist, zipmap, intset.
//! - `load.rs`: a whole file or a DUMP payload back into values, every older version
//!   and encoding that Redis 7.0 loads.
//! - `stream.rs`: streams, both ways.
//!
//! Everything read is hostile: no length from the input is trusted before it is checked
//! against what remains, nothing panics, and a key is only handed over once whole.

mod enc;
mod input;
mod load;
mod packed;
mod stream;
mod value;
mod write;

pub use input::Corrupt;
pub use load::{BadPayload, Loaded, LoadedKey, Loader, load_bytes, restore_value, verify_dump};
pub use write::{Access, Aux, Options, Writer, dump};

/// The version this writes (Redis 7.0's).
pub const RDB_VERSION: u16 = 10;

/// Object types.
pub mod kind {
    pub const STRING: u8 = 0;
    pub const LIST: u8 = 1;
    pub const SET: u8 = 2;
    pub const ZSET: u8 = 3;
    pub const HASH: u8 = 4;
    pub const ZSET_2: u8 = 5;
    pub const MODULE: u8 = 6;
    pub const MODULE_2: u8 = 7;
    pub const HASH_ZIPMAP: u8 = 9;
    pub const LIST_ZIPLIST: u8 = 10;
    pub const SET_INTSET: u8 = 11;
    pub const ZSET_ZIPLIST: u8 = 12;
    pub const HASH_ZIPLIST: u8 = 13;
    pub const LIST_QUICKLIST: u8 = 14;
    pub const STREAM_LISTPACKS: u8 = 15;
    pub const HASH_LISTPACK: u8 = 16;
    pub const ZSET_LISTPACK: u8 = 17;
    pub const LIST_QUICKLIST_2: u8 = 18;
    pub const STREAM_LISTPACKS_2: u8 = 19;
}

/// Opcodes between keys.
pub mod op {
    pub const FUNCTION2: u8 = 245;
    pub const FUNCTION_PRE_GA: u8 = 246;
    pub const MODULE_AUX: u8 = 247;
    pub const IDLE: u8 = 248;
    pub const FREQ: u8 = 249;
    pub const AUX: u8 = 250;
    pub const RESIZEDB: u8 = 251;
    pub const EXPIRETIME_MS: u8 = 252;
    pub const EXPIRETIME: u8 = 253;
    pub const SELECTDB: u8 = 254;
    pub const EOF: u8 = 255;
}

/// Redis's CRC64 (Jones polynomial, reflected), as the `crc` crate names it.
pub static CRC64: crc::Crc<u64> = crc::Crc::<u64>::new(&crc::CRC_64_REDIS);

#[cfg(test)]
mod tests;
