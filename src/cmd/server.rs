//! (placeholder: being written)

use crate::engine::table::Command;

pub const COMMANDS: &[Command] = &[];
