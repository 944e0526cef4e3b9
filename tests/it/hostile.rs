//! Unlucky and hostile clients: resets while output is backed up, huge inputs, replies far
//! bigger than requests, thousands of connections, and a soak of all of them at once.
//! Nothing may be lost, nothing may hang, memory must stay bounded and come back.

mod bounded;
mod close;
mod conns;
pub mod proc;
mod soak;
