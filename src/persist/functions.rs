//! Function libraries in persistence: what an RDB file saves of the functions engine
//! (each library's code, as FUNCTION2 records) and loading those records back into it
//! through FUNCTION LOAD's path, as Redis 7.0's `rdbSaveFunctions` / `rdbFunctionLoad`.

use crate::engine::state::Server;
use bytes::Bytes;

/// The code of every loaded library, in name order (Redis saves them as FUNCTION2).
pub fn codes(srv: &Server) -> Vec<Bytes> {
    srv.scripting
        .functions
        .libraries
        .values()
        .map(|l| l.code.clone())
        .collect()
}

/// Loads libraries read from an RDB file. A library already loaded is an error unless
/// `replace` (Redis's `RDBFLAGS_ALLOW_DUP`: DEBUG RELOAD MERGE), as Redis refuses it.
pub fn restore(srv: &mut Server, codes: &[Bytes], replace: bool) -> Result<(), String> {
    let shared = srv.shared.clone();
    for code in codes {
        srv.scripting
            .functions
            .load(&shared, code, replace)
            .map_err(|e| format!("Failed loading library: {e}"))?;
    }
    Ok(())
}
