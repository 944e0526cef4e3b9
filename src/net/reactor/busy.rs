//! Answering while the executor is inside a slow script: once a script has run past
//! `busy-reply-threshold` (the executor says so in [`ScriptBusy`]), this thread answers
//! other clients' commands itself, with Redis's `-BUSY` errors, and turns SCRIPT KILL,
//! FUNCTION KILL and SHUTDOWN NOSAVE into requests the script's hook reads. Only a
//! connection with nothing in flight is answered here, so replies keep their order; the
//! rest wait for the executor, as do the other `allow-busy` commands.
//!
//! Costs one relaxed atomic load per command while no script is late.

use crate::engine::table::{Table, flag};
use crate::shared::{BUSY_FUNCTION, KILL_SCRIPT, KILL_SHUTDOWN, ScriptBusy};
use bytes::Bytes;
use std::sync::atomic::Ordering::Relaxed;

const BUSY_EVAL_ERR: &[u8] =
    b"-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n";
const BUSY_FUNCTION_ERR: &[u8] =
    b"-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n";
const UNKILLABLE: &[u8] = b"-UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.\r\n";

/// What this thread does with a command while a script is late.
#[derive(Debug, PartialEq, Eq)]
pub enum Busy {
    /// Not late, or a command the executor answers after the script.
    Forward,
    /// Answered here with these bytes (empty: answered by the server stopping).
    Reply(&'static [u8]),
}

/// Decides for `argv` (already known to be a command of `table`).
pub fn check(script: &ScriptBusy, table: &Table, argv: &[Bytes]) -> Busy {
    let state = script.state.load(Relaxed);
    if state == 0 {
        return Busy::Forward;
    }
    let busy_err = if state == BUSY_FUNCTION {
        BUSY_FUNCTION_ERR
    } else {
        BUSY_EVAL_ERR
    };
    let Some(spec) = table.resolve(argv) else {
        return Busy::Forward;
    };
    let kill = |eval: bool| {
        if script.wrote.load(Relaxed) {
            return Busy::Reply(UNKILLABLE);
        }
        match (eval, state == BUSY_FUNCTION) {
            (true, true) => Busy::Reply(BUSY_FUNCTION_ERR),
            (false, false) => Busy::Reply(BUSY_EVAL_ERR),
            _ => {
                script.kill.store(KILL_SCRIPT, Relaxed);
                Busy::Reply(b"+OK\r\n")
            }
        }
    };
    match spec.name {
        "script|kill" => kill(true),
        "function|kill" => kill(false),
        "shutdown" if argv[1..].iter().any(|a| a.eq_ignore_ascii_case(b"nosave")) => {
            script.kill.store(KILL_SHUTDOWN, Relaxed);
            Busy::Reply(b"")
        }
        "shutdown" => Busy::Reply(busy_err),
        _ if spec.flags & flag::ALLOW_BUSY != 0 => Busy::Forward,
        _ => Busy::Reply(busy_err),
    }
}
