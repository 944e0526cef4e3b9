//! The network side: one reactor per I/O thread, its connections, accept balancing.
//! Never touches the keyspace; talks to the executor only through `engine::msg`.

pub mod conn;
pub mod limits;
pub mod listen;
pub mod outbound;
pub mod reactor;
pub mod stream;
pub mod tls;
pub mod tls_config;
