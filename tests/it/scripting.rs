//! Lua scripting: EVAL and its kin, the `redis` API, conversions both ways, busy scripts
//! killed from another connection, FUNCTION libraries, and the same scripts on muxis and
//! redis-server 7.0.15 giving the same replies and dataset.

mod api;
mod busy;
mod differential;
mod functions;
