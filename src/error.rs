//! Every fixed reply error, in Redis's exact words: clients match on these strings.
//!
//! Each constant is the error line without the leading '-' and the trailing CRLF.

pub const SYNTAX: &str = "ERR syntax error";
/// A `denyoom` command while memory is over `maxmemory` and nothing can be evicted.
/// Writes refused after a failed background save (`stop-writes-on-bgsave-error`).
pub const MISCONF: &str = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";
pub const OOM: &str = "OOM command not allowed when used memory > 'maxmemory'.";
pub const NOT_INTEGER: &str = "ERR value is not an integer or out of range";
pub const NOT_FLOAT: &str = "ERR value is not a valid float";
pub const OVERFLOW: &str = "ERR increment or decrement would overflow";
pub const DECR_OVERFLOW: &str = "ERR decrement would overflow";
pub const INCR_NAN_INF: &str = "ERR increment would produce NaN or Infinity";
pub const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";
pub const NO_SUCH_KEY: &str = "ERR no such key";
pub const DB_INDEX: &str = "ERR DB index is out of range";
pub const INVALID_EXPIRE: &str = "ERR invalid expire time in 'set' command";
pub const STRING_TOO_LONG: &str = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
pub const OFFSET_RANGE: &str = "ERR offset is out of range";
pub const NOT_POSITIVE_COUNT: &str = "ERR value is out of range, must be positive";
pub const NX_XX_GT_LT: &str = "ERR NX and XX, GT or LT options at the same time are not compatible";
pub const GT_LT: &str = "ERR GT and LT options at the same time are not compatible";
pub const MAX_CLIENTS: &str = "ERR max number of clients reached";
pub const NOPROTO: &str = "NOPROTO unsupported protocol version";

/// `ERR wrong number of arguments for '<name>' command`.
pub fn wrong_arity(name: &str) -> String {
    format!("ERR wrong number of arguments for '{name}' command")
}

/// `ERR invalid expire time in '<name>' command`.
pub fn invalid_expire(name: &str) -> String {
    format!("ERR invalid expire time in '{name}' command")
}

/// Redis 7's reply to an unknown command: the name and up to 128 bytes of its arguments.
pub fn unknown_command(name: &[u8], args: &[bytes::Bytes]) -> String {
    let mut msg = format!(
        "ERR unknown command '{}', with args beginning with: ",
        sanitize(&name[..name.len().min(128)])
    );
    let mut budget = 128usize;
    for arg in args {
        if budget == 0 {
            break;
        }
        let take = arg.len().min(budget);
        budget -= take;
        msg.push('\'');
        msg.push_str(&sanitize(&arg[..take]));
        msg.push_str("' ");
    }
    msg
}

/// `ERR unknown subcommand '<sub>'. Try <CMD> HELP.`
pub fn unknown_subcommand(cmd: &str, sub: &[u8]) -> String {
    format!(
        "ERR unknown subcommand '{}'. Try {} HELP.",
        sanitize(&sub[..sub.len().min(128)]),
        cmd.to_ascii_uppercase()
    )
}

/// Lossy text for an error message: an error line must stay printable and CRLF-free.
pub fn sanitize(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                ' '
            }
        })
        .collect()
}
