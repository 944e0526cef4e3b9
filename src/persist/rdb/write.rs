//! Writing a whole dataset in RDB format to any `io::Write` ([`Writer`]), as Redis 7.0's
//! `rdbSaveRio` lays it out: magic and version, the AUX fields, per database SELECTDB and
//! RESIZEDB then its keys (each with its expiry and access opcodes), EOF, and the CRC64 of
//! everything before it. Also [`dump`]: one value with DUMP's version and checksum footer.
//!
//! The writer is fed key by key, so any source can drive it: SAVE walks the keyspace,
//! BGSAVE and the AOF's RDB preamble feed it from a snapshot on another thread.

use super::value::{self, ValueOpts};
use super::{CRC64, RDB_VERSION, enc, op};
use crate::db::{EncLimits, ValueRef};
use std::io::{self, Write};

/// How to write.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// `rdbcompression`: LZF for strings over 20 bytes.
    pub compress: bool,
    /// `rdbchecksum`: without it the trailer is 0, which readers take as "not checked".
    pub checksum: bool,
    /// The encoding thresholds values are written under.
    pub enc: EncLimits,
    /// `list-max-listpack-size`.
    pub list_fill: i32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            compress: true,
            checksum: true,
            enc: EncLimits::default(),
            list_fill: -2,
        }
    }
}

impl Options {
    fn value(&self) -> ValueOpts {
        ValueOpts {
            compress: self.compress,
            list_fill: self.list_fill,
        }
    }
}

/// The AUX fields redis-server 7.0.15 writes (`rdbSaveInfoAuxFields`).
#[derive(Debug, Clone)]
pub struct Aux {
    /// Unix seconds.
    pub ctime: u64,
    pub used_mem: u64,
    pub repl_id: String,
    pub repl_offset: i64,
    /// Written as the base of an AOF (the RDB preamble).
    pub aof_base: bool,
    /// The function libraries' code, saved before the keys (`rdbSaveFunctions`).
    pub functions: Vec<bytes::Bytes>,
}

/// The access record saved with a key: Redis saves the idle time under an LRU policy,
/// the frequency under an LFU one, neither otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    None,
    /// Idle seconds.
    Idle(u64),
    Freq(u8),
}

/// An `io::Write` that keeps the CRC64 of what went through.
struct Crc<W: Write> {
    inner: W,
    digest: crc::Digest<'static, u64>,
    written: u64,
}

impl<W: Write> Write for Crc<W> {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(b)?;
        self.digest.update(&b[..n]);
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A dataset being written. Call [`Writer::db`] before each database's keys, then
/// [`Writer::key`] per key, then [`Writer::finish`].
pub struct Writer<W: Write> {
    out: Crc<W>,
    opts: Options,
    vopts: ValueOpts,
    /// One key's bytes, reused.
    buf: Vec<u8>,
}

impl<W: Write> Writer<W> {
    /// Writes the magic, version and AUX fields.
    pub fn new(w: W, opts: Options, aux: &Aux) -> io::Result<Writer<W>> {
        let mut wr = Writer {
            out: Crc {
                inner: w,
                digest: CRC64.digest(),
                written: 0,
            },
            opts,
            vopts: opts.value(),
            buf: Vec::with_capacity(4096),
        };
        let b = &mut wr.buf;
        b.extend_from_slice(format!("REDIS{RDB_VERSION:04}").as_bytes());
        aux_str(b, b"redis-ver", crate::cmd::info::REDIS_VERSION.as_bytes());
        aux_int(b, b"redis-bits", 64);
        aux_int(b, b"ctime", aux.ctime as i64);
        aux_int(b, b"used-mem", aux.used_mem as i64);
        aux_str(b, b"repl-id", aux.repl_id.as_bytes());
        aux_int(b, b"repl-offset", aux.repl_offset);
        aux_int(b, b"aof-base", i64::from(aux.aof_base));
        for code in &aux.functions {
            b.push(op::FUNCTION2);
            enc::string(b, code, opts.compress);
        }
        wr.flush_buf()?;
        Ok(wr)
    }

    /// Starts database `db`, which holds `keys` keys of which `expires` have a TTL.
    pub fn db(&mut self, db: usize, keys: u64, expires: u64) -> io::Result<()> {
        self.buf.push(op::SELECTDB);
        enc::len(&mut self.buf, db as u64);
        self.buf.push(op::RESIZEDB);
        enc::len(&mut self.buf, keys);
        enc::len(&mut self.buf, expires);
        self.flush_buf()
    }

    /// Switches to database `db` again (a snapshot's keys of one database may come in
    /// several runs; loaders take SELECTDB at any point).
    pub fn select(&mut self, db: usize) -> io::Result<()> {
        self.buf.push(op::SELECTDB);
        enc::len(&mut self.buf, db as u64);
        self.flush_buf()
    }

    /// Writes one key (`rdbSaveKeyValuePair`).
    pub fn key(
        &mut self,
        key: &[u8],
        value: ValueRef<'_>,
        expire_at: Option<u64>,
        access: Access,
    ) -> io::Result<()> {
        let b = &mut self.buf;
        if let Some(at) = expire_at {
            b.push(op::EXPIRETIME_MS);
            b.extend_from_slice(&at.to_le_bytes());
        }
        match access {
            Access::None => {}
            Access::Idle(secs) => {
                b.push(op::IDLE);
                enc::len(b, secs);
            }
            Access::Freq(f) => {
                b.push(op::FREQ);
                b.push(f);
            }
        }
        // Type, key, payload: the type is known once the payload is chosen.
        let at = b.len();
        b.push(0);
        enc::string(b, key, self.vopts.compress);
        b[at] = value::payload(b, value, &self.vopts);
        self.flush_buf()
    }

    /// Bytes written so far.
    pub fn written(&self) -> u64 {
        self.out.written + self.buf.len() as u64
    }

    /// Writes EOF and the checksum; returns the inner writer (not flushed to disk).
    pub fn finish(mut self) -> io::Result<W> {
        self.buf.push(op::EOF);
        self.flush_buf()?;
        let crc = if self.opts.checksum {
            self.out.digest.finalize()
        } else {
            0
        };
        self.out.inner.write_all(&crc.to_le_bytes())?;
        self.out.inner.flush()?;
        Ok(self.out.inner)
    }

    fn flush_buf(&mut self) -> io::Result<()> {
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }
}

fn aux_str(b: &mut Vec<u8>, name: &[u8], value: &[u8]) {
    b.push(op::AUX);
    enc::string(b, name, false);
    enc::string(b, value, false);
}

/// `rdbSaveAuxFieldStrInt`: the number as text, which the string writer int-encodes.
fn aux_int(b: &mut Vec<u8>, name: &[u8], v: i64) {
    b.push(op::AUX);
    enc::string(b, name, false);
    enc::int_string(b, v);
}

/// DUMP's payload: the value's type and serialization, the RDB version (2 bytes, little
/// endian), and the CRC64 of all that (8 bytes, little endian).
pub fn dump(value: ValueRef<'_>, opts: &Options) -> Vec<u8> {
    let mut b = Vec::with_capacity(64);
    value::write(&mut b, value, &opts.value());
    b.extend_from_slice(&RDB_VERSION.to_le_bytes());
    let crc = CRC64.checksum(&b);
    b.extend_from_slice(&crc.to_le_bytes());
    b
}
